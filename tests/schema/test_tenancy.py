"""Another company's IDs answer NOT_FOUND, exactly like IDs that never existed, and leak nothing."""

from __future__ import annotations

import uuid

import pytest

from schema.ids import encode


async def ids_of(api, user: str) -> dict[str, str]:
    result = await api.gql(
        "{ me { id roles { id } department { id } } company { id } }", as_user=user
    )
    me = result["data"]["me"]
    return {
        "employee": me["id"],
        "department": me["department"]["id"],
        "company": result["data"]["company"]["id"],
        "role": me["roles"][0]["id"],
    }


READS = [
    ("query($id: ID!) { employee(id: $id) { name phone } }", "employee"),
    ("query($id: ID!) { department(id: $id) { name } }", "department"),
    ("query($id: ID!) { node(id: $id) { id } }", "employee"),
    ("query($id: ID!) { node(id: $id) { id } }", "department"),
    ("query($id: ID!) { node(id: $id) { id } }", "company"),
    ("query($id: ID!) { node(id: $id) { id } }", "role"),
    ("query($id: ID!) { employees(departmentId: $id) { edges { node { name } } } }", "department"),
]
WRITES = [
    ('mutation($id: ID!) { updateEmployee(id: $id, input: {title: "x"}) { id } }', "employee"),
    ("mutation($id: ID!) { deactivateEmployee(id: $id) { id } }", "employee"),
    ('mutation($id: ID!) { updateDepartment(id: $id, input: {name: "x"}) { id } }', "department"),
    ("mutation($id: ID!) { deactivateDepartment(id: $id) { id } }", "department"),
    ("mutation($id: ID!) { assignRole(input: {employeeId: $id, role: GM}) { id } }", "employee"),
    ("mutation($id: ID!) { revokeRole(id: $id) { id } }", "role"),
    (
        'mutation($p: ID!) { createDepartment(input: {name: "x", parentId: $p}) { id } }',
        "department",
    ),
]


@pytest.mark.parametrize(("query", "kind"), READS + WRITES)
async def test_other_tenants_ids_are_not_found(api, query: str, kind: str) -> None:
    foreign = await ids_of(api, "admin@case")
    variables = {"p" if "$p" in query else "id": foreign[kind]}
    result = await api.gql(query, variables, as_user="admin@demo")
    assert result["data"] is None
    assert [e["extensions"]["code"] for e in result["errors"]] == ["NOT_FOUND"]
    message = result["errors"][0]["message"]
    type_name = {"role": "RoleAssignment"}.get(kind, kind.capitalize())
    missing = {"p" if "$p" in query else "id": encode(type_name, uuid.uuid4())}
    never = await api.gql(query, missing, as_user="admin@demo")
    # Indistinguishable from an ID that never existed: same code, same message.
    assert never["errors"][0]["message"] == message
    assert never["errors"][0]["extensions"] == result["errors"][0]["extensions"]


async def test_lists_never_cross_tenants(api) -> None:
    result = await api.gql(
        '{ employees(first: 100, search: "@case") { edges { node { username } } } }',
        as_user="gm@demo",
    )
    assert result["data"]["employees"]["edges"] == []
    from server.demo.orgdata import demo_companies

    _, case = demo_companies()
    departments = await api.gql("{ departments { name } }", as_user="gm@case")
    assert sorted(d["name"] for d in departments["data"]["departments"]) == sorted(
        d.name for d in case.departments
    )
