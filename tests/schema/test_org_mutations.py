"""Changing the org chart: validation, conflicts, and an audit entry for every change."""

from __future__ import annotations

import pytest

CREATE_EMP = """mutation($i: CreateEmployeeInput!) { createEmployee(input: $i) {
  id username name phone employeeNumber hireDate department { name } manager { username } } }"""
UPDATE_EMP = "mutation($id: ID!, $i: UpdateEmployeeInput!) { updateEmployee(id: $id, input: $i) { id title manager { username } department { name } } }"
CREATE_DEPT = "mutation($i: CreateDepartmentInput!) { createDepartment(input: $i) { id name kind parent { name } manager { username } } }"
UPDATE_DEPT = "mutation($id: ID!, $i: UpdateDepartmentInput!) { updateDepartment(id: $id, input: $i) { id name parent { name } } }"
DEACT_DEPT = "mutation($id: ID!) { deactivateDepartment(id: $id) { isActive } }"
AUDIT = """query($t: AuditObjectType, $a: AuditAction) { auditLog(first: 50, objectType: $t, action: $a) { edges { node {
  action objectType objectId actorId before after requestId clientAddress createdAt } } } }"""


def new_employee(sandbox, **overrides) -> dict:
    data = {
        "username": f"new.hire@{sandbox.slug}",
        "name": "林晓",
        "employeeNumber": "T9001",
        "departmentId": sandbox.ids["sales"],
        "managerId": sandbox.ids["mgr"],
        "phone": "13912345678",
        "email": f"lin.xiao@{sandbox.slug}.example.com",
        "hireDate": "2024-03-01",
        "password": "a-long-enough-password",
    }
    data.update(overrides)
    return data


async def test_create_employee_audits_with_masked_personal_data(api, make_company) -> None:
    sandbox = await make_company()
    admin = sandbox.user("admin")
    result = await api.gql(
        CREATE_EMP,
        {"i": new_employee(sandbox)},
        as_user=admin,
        headers={"X-Request-ID": "req-create-1"},
    )
    created = result["data"]["createEmployee"]
    assert created["department"]["name"] == "销售一部"
    assert created["manager"]["username"] == sandbox.user("mgr")
    # The admin is IT, not HR: the answer itself shows personal data masked.
    assert created["phone"] == "139****5678"
    # The new hire can sign in with the initial password.
    assert await api.token(f"new.hire@{sandbox.slug}", "a-long-enough-password")
    log = await api.gql(AUDIT, {"t": "EMPLOYEE", "a": "EMPLOYEE_CREATE"}, as_user=admin)
    [edge] = log["data"]["auditLog"]["edges"]
    entry = edge["node"]
    assert entry["requestId"] == "req-create-1"
    assert entry["after"]["phone"] == "139****5678"
    assert entry["after"]["email"].startswith("l***@")
    assert entry["after"]["hire_date"] == "2024-**-**"
    assert "password" not in str(entry) and "argon2" not in str(entry)


@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [
        ({"username": "a"}, "username", "INVALID_FORMAT"),
        ({"name": "   "}, "name", "REQUIRED"),
        ({"employeeNumber": "E 1/2"}, "employeeNumber", "INVALID_FORMAT"),
        ({"phone": "call me"}, "phone", "INVALID_FORMAT"),
        ({"email": "not-an-email"}, "email", "INVALID_FORMAT"),
        ({"hireDate": "1900-01-01"}, "hireDate", "DATE_RANGE"),
        ({"password": "short"}, "password", "PASSWORD_WEAK"),
        ({"name": "x" * 101}, "name", "TOO_LONG"),
    ],
)
async def test_create_employee_validation(
    api, make_company, overrides: dict, field: str, reason: str
) -> None:
    sandbox = await make_company()
    result = await api.gql(
        CREATE_EMP, {"i": new_employee(sandbox, **overrides)}, as_user=sandbox.user("admin")
    )
    assert result["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": reason,
        "field": field,
    }
    # nothing was written
    again = await api.gql(CREATE_EMP, {"i": new_employee(sandbox)}, as_user=sandbox.user("admin"))
    assert "errors" not in again


async def test_duplicates_are_conflicts(api, make_company) -> None:
    sandbox = await make_company()
    admin = sandbox.user("admin")
    assert "errors" not in await api.gql(CREATE_EMP, {"i": new_employee(sandbox)}, as_user=admin)
    same_name = await api.gql(
        CREATE_EMP, {"i": new_employee(sandbox, employeeNumber="T9002")}, as_user=admin
    )
    assert same_name["errors"][0]["extensions"]["code"] == "CONFLICT"
    assert "already taken" in same_name["errors"][0]["message"]
    same_number = await api.gql(
        CREATE_EMP, {"i": new_employee(sandbox, username=f"other@{sandbox.slug}")}, as_user=admin
    )
    assert same_number["errors"][0]["extensions"]["code"] == "CONFLICT"


async def test_update_employee_changes_only_given_fields_and_refuses_cycles(
    api, make_company
) -> None:
    sandbox = await make_company()
    admin = sandbox.user("admin")
    moved = await api.gql(
        UPDATE_EMP,
        {"id": sandbox.ids["staff"], "i": {"title": "主管", "departmentId": sandbox.ids["plant"]}},
        as_user=admin,
    )
    assert moved["data"]["updateEmployee"] == {
        "id": sandbox.ids["staff"],
        "title": "主管",
        "manager": {"username": sandbox.user("mgr")},
        "department": {"name": "装配车间"},
    }
    cleared = await api.gql(
        UPDATE_EMP, {"id": sandbox.ids["staff"], "i": {"managerId": None}}, as_user=admin
    )
    assert cleared["data"]["updateEmployee"]["manager"] is None
    # mgr reports to vpa; making vpa report to mgr would be a cycle
    cycle = await api.gql(
        UPDATE_EMP,
        {"id": sandbox.ids["vpa"], "i": {"managerId": sandbox.ids["mgr"]}},
        as_user=admin,
    )
    assert cycle["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "MANAGER_CYCLE",
        "field": "managerId",
    }
    self_manager = await api.gql(
        UPDATE_EMP,
        {"id": sandbox.ids["mgr"], "i": {"managerId": sandbox.ids["mgr"]}},
        as_user=admin,
    )
    assert self_manager["errors"][0]["extensions"]["field"] == "managerId"
    empty = await api.gql(UPDATE_EMP, {"id": sandbox.ids["mgr"], "i": {}}, as_user=admin)
    assert empty["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    log = await api.gql(AUDIT, {"t": "EMPLOYEE"}, as_user=admin)
    updates = [
        e["node"]
        for e in log["data"]["auditLog"]["edges"]
        if e["node"]["action"] == "EMPLOYEE_UPDATE"
    ]
    assert len(updates) == 2
    assert updates[-1]["before"]["title"] == "职员" and updates[-1]["after"]["title"] == "主管"
    assert set(updates[-1]["after"]) == {"title", "department_id"}


async def test_department_lifecycle(api, make_company) -> None:
    sandbox = await make_company()
    admin = sandbox.user("admin")
    created = await api.gql(
        CREATE_DEPT,
        {
            "i": {
                "name": "大客户部",
                "parentId": sandbox.ids["divA"],
                "kind": "SALES",
                "managerId": sandbox.ids["mgr"],
            }
        },
        as_user=admin,
    )
    dept = created["data"]["createDepartment"]
    assert dept["parent"]["name"] == "营销中心" and dept["manager"]["username"] == sandbox.user(
        "mgr"
    )
    duplicate = await api.gql(
        CREATE_DEPT, {"i": {"name": "大客户部", "parentId": sandbox.ids["divA"]}}, as_user=admin
    )
    assert duplicate["errors"][0]["extensions"]["code"] == "CONFLICT"
    bad_kind = await api.gql(
        CREATE_DEPT,
        {"i": {"name": "X", "parentId": sandbox.ids["divA"], "kind": "MAGIC"}},
        as_user=admin,
    )
    assert bad_kind["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "INVALID_QUERY",
    }
    # moving a division under its own child is a cycle; the root cannot move
    cycle = await api.gql(
        UPDATE_DEPT,
        {"id": sandbox.ids["divA"], "i": {"parentId": sandbox.ids["sales"]}},
        as_user=admin,
    )
    assert cycle["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "DEPARTMENT_CYCLE",
        "field": "parentId",
    }
    root = await api.gql(
        UPDATE_DEPT,
        {"id": sandbox.ids["root"], "i": {"parentId": sandbox.ids["divA"]}},
        as_user=admin,
    )
    assert root["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    moved = await api.gql(
        UPDATE_DEPT,
        {"id": dept["id"], "i": {"parentId": sandbox.ids["divB"], "name": "大客户服务部"}},
        as_user=admin,
    )
    assert moved["data"]["updateDepartment"]["parent"]["name"] == "生产中心"
    busy = await api.gql(DEACT_DEPT, {"id": sandbox.ids["sales"]}, as_user=admin)
    assert busy["errors"][0]["extensions"]["code"] == "CONFLICT"
    assert "2 active employees" in busy["errors"][0]["message"]
    done = await api.gql(DEACT_DEPT, {"id": dept["id"]}, as_user=admin)
    assert done["data"]["deactivateDepartment"]["isActive"] is False
    again = await api.gql(DEACT_DEPT, {"id": dept["id"]}, as_user=admin)
    assert again["errors"][0]["extensions"]["code"] == "CONFLICT"
    # hidden from the normal tree, visible to the admin on request, not to staff
    staff_view = await api.gql(
        "{ departments(includeInactive: true) { name } }", as_user=sandbox.user("staff")
    )
    assert staff_view["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    admin_view = await api.gql(
        "{ departments(includeInactive: true) { name isActive } }", as_user=admin
    )
    assert {"name": "大客户服务部", "isActive": False} in admin_view["data"]["departments"]
    actions = [
        e["node"]["action"]
        for e in (await api.gql(AUDIT, {"t": "DEPARTMENT"}, as_user=admin))["data"]["auditLog"][
            "edges"
        ]
    ]
    assert actions == ["DEPARTMENT_DEACTIVATE", "DEPARTMENT_UPDATE", "DEPARTMENT_CREATE"]


async def test_roles_assign_revoke_and_the_last_admin_stays(api, make_company) -> None:
    sandbox = await make_company()
    admin = sandbox.user("admin")
    assign = (
        "mutation($i: AssignRoleInput!) { assignRole(input: $i) { id role department { name } } }"
    )
    scoped = await api.gql(
        assign,
        {
            "i": {
                "employeeId": sandbox.ids["staff"],
                "role": "DEPT_MANAGER",
                "departmentId": sandbox.ids["sales"],
            }
        },
        as_user=admin,
    )
    role_id = scoped["data"]["assignRole"]["id"]
    assert scoped["data"]["assignRole"]["department"]["name"] == "销售一部"
    dup = await api.gql(
        assign,
        {
            "i": {
                "employeeId": sandbox.ids["staff"],
                "role": "DEPT_MANAGER",
                "departmentId": sandbox.ids["sales"],
            }
        },
        as_user=admin,
    )
    assert dup["errors"][0]["extensions"]["code"] == "CONFLICT"
    for bad in (
        {"role": "EMPEROR"},
        {"role": "EMPLOYEE"},
        {"role": "VP"},
        {"role": "GM", "departmentId": sandbox.ids["sales"]},
    ):
        wrong = await api.gql(
            assign, {"i": {"employeeId": sandbox.ids["staff"], **bad}}, as_user=admin
        )
        assert wrong["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", bad
    # the new department manager now sees personal data in his department
    peer = await api.gql(
        "query($id: ID!) { employee(id: $id) { personalDataVisible } }",
        {"id": sandbox.ids["mgr"]},
        as_user=sandbox.user("staff"),
    )
    assert peer["data"]["employee"]["personalDataVisible"] is True
    revoke = "mutation($id: ID!) { revokeRole(id: $id) { role } }"
    assert (await api.gql(revoke, {"id": role_id}, as_user=admin))["data"]["revokeRole"][
        "role"
    ] == "DEPT_MANAGER"
    me = await api.gql("{ me { roles { id } } }", as_user=admin)
    last = await api.gql(revoke, {"id": me["data"]["me"]["roles"][0]["id"]}, as_user=admin)
    assert last["errors"][0]["extensions"]["code"] == "CONFLICT"
    self_off = await api.gql(
        "mutation($id: ID!) { deactivateEmployee(id: $id) { id } }",
        {"id": sandbox.ids["admin"]},
        as_user=admin,
    )
    assert self_off["errors"][0]["extensions"]["code"] == "CONFLICT"


async def test_update_company(api, make_company) -> None:
    sandbox = await make_company()
    query = (
        "mutation($i: UpdateCompanyInput!) { updateCompany(input: $i) { name nameZh timezone } }"
    )
    done = await api.gql(
        query,
        {"i": {"nameZh": "测试公司", "timezone": "Asia/Urumqi"}},
        as_user=sandbox.user("admin"),
    )
    assert done["data"]["updateCompany"]["nameZh"] == "测试公司"
    bad = await api.gql(query, {"i": {"timezone": "Mars/Olympus"}}, as_user=sandbox.user("admin"))
    assert bad["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "INVALID_FORMAT",
        "field": "timezone",
    }
    denied = await api.gql(query, {"i": {"name": "X"}}, as_user=sandbox.user("gm"))
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_audit_log_filters(api, make_company) -> None:
    sandbox = await make_company()
    admin = sandbox.user("admin")
    for title in ("班组长", "工段长"):
        await api.gql(
            UPDATE_EMP, {"id": sandbox.ids["worker"], "i": {"title": title}}, as_user=admin
        )
    await api.gql(UPDATE_EMP, {"id": sandbox.ids["staff"], "i": {"title": "主管"}}, as_user=admin)
    query = """query($f: AuditFilterInput) { auditLog(first: 20, filter: $f) { edges { node { action after } } } }"""
    mine = await api.gql(
        query,
        {"f": {"objectId": sandbox.ids["worker"], "actorId": sandbox.ids["admin"]}},
        as_user=admin,
    )
    assert [e["node"]["after"]["title"] for e in mine["data"]["auditLog"]["edges"]] == [
        "工段长",
        "班组长",
    ]
    none = await api.gql(
        query,
        {"f": {"objectId": sandbox.ids["worker"], "since": "2099-01-01T00:00:00+00:00"}},
        as_user=admin,
    )
    assert none["data"]["auditLog"]["edges"] == []
    bad = await api.gql(query, {"f": {"actorId": sandbox.ids["sales"]}}, as_user=admin)
    assert bad["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "WRONG_ID_TYPE",
        "field": "filter.actorId",
    }
