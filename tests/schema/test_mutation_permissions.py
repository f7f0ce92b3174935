"""Which roles may call which mutation, on a company of the test's own."""

from __future__ import annotations

import pytest

CREATE_DEPT = """mutation($p: ID!) { createDepartment(input: {name: "新部门", parentId: $p, kind: SALES}) { id name } }"""
CREATE_EMP = """mutation($d: ID!, $n: String!) { createEmployee(input: {username: $n, name: "新人",
  employeeNumber: $n, departmentId: $d}) { id } }"""
UPDATE_EMP = (
    """mutation($id: ID!) { updateEmployee(id: $id, input: {title: "高级职员"}) { title } }"""
)
DEACTIVATE_EMP = """mutation($id: ID!) { deactivateEmployee(id: $id) { isActive } }"""
ASSIGN = (
    """mutation($id: ID!) { assignRole(input: {employeeId: $id, role: PERF_ADMIN}) { role } }"""
)
RELOAD = "mutation { reloadPolicies { version } }"
AUDIT = "{ auditLog(first: 5) { edges { node { action } } } }"

# role -> the operations it may perform
ALLOWED = {
    "admin": {
        "createDepartment",
        "createEmployee",
        "updateEmployee",
        "deactivateEmployee",
        "assignRole",
        "reloadPolicies",
        "auditLog",
    },
    "hrvp": {"createEmployee", "updateEmployee", "auditLog"},
    "gm": set(),
    "vpa": set(),
    "mgr": set(),
    "staff": set(),
}


@pytest.mark.parametrize("local", list(ALLOWED))
async def test_mutation_matrix(api, make_company, local: str) -> None:
    sandbox = await make_company()
    user = sandbox.user(local)
    calls = {
        "createDepartment": (CREATE_DEPT, {"p": sandbox.ids["divA"]}),
        "createEmployee": (CREATE_EMP, {"d": sandbox.ids["sales"], "n": f"n{local}"}),
        "updateEmployee": (UPDATE_EMP, {"id": sandbox.ids["worker"]}),
        "deactivateEmployee": (DEACTIVATE_EMP, {"id": sandbox.ids["worker"]}),
        "assignRole": (ASSIGN, {"id": sandbox.ids["staff"]}),
        "reloadPolicies": (RELOAD, None),
        "auditLog": (AUDIT, None),
    }
    for name, (query, variables) in calls.items():
        result = await api.gql(query, variables, as_user=user)
        if name in ALLOWED[local]:
            assert "errors" not in result, (local, name, result)
        else:
            assert result["data"] is None, (local, name, result)
            assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN", (local, name, result)


async def test_unauthenticated_calls_are_refused(api) -> None:
    for query in (
        "{ me { id } }",
        "{ employees { edges { node { id } } } }",
        "{ departments { id } }",
        "{ company { slug } }",
        RELOAD,
    ):
        result = await api.gql(query)
        assert result["data"] is None
        assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", query
