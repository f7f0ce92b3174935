"""Accounts: who may set credentials, the last admin, the sign-in throttle, sign-in names."""

from __future__ import annotations

import asyncio

from server.db import using
from server.models import RoleAssignment
from tests.schema.test_org_mutations import CREATE_EMP, UPDATE_EMP, new_employee

LOGIN = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }"
ASSIGN = """mutation($e: ID!, $r: Role!) { assignRole(input: {employeeId: $e, role: $r}) {
  id role } }"""
REVOKE = "mutation($id: ID!) { revokeRole(id: $id) { id } }"
AUDIT = """query($id: ID!) { auditLog(first: 5, filter: {objectId: $id, action: EMPLOYEE_UPDATE})
  { edges { node { before after } } } }"""


def code(result: dict) -> str:
    return result["errors"][0]["extensions"]["code"]


async def test_hr_keeps_records_but_only_it_sets_credentials(api, make_company) -> None:
    sandbox = await make_company()
    hr, admin = sandbox.user("hrvp"), sandbox.user("admin")
    target = sandbox.ids["admin"]
    takeover = await api.gql(
        UPDATE_EMP, {"id": target, "i": {"password": "hr-owns-this-now"}}, as_user=hr
    )
    assert code(takeover) == "FORBIDDEN"
    renamed = await api.gql(
        UPDATE_EMP, {"id": target, "i": {"username": f"it.boss@{sandbox.slug}"}}, as_user=hr
    )
    assert code(renamed) == "FORBIDDEN"
    assert (await api.post(LOGIN, {"u": admin, "p": "hr-owns-this-now"})).json()["errors"]
    # HR still keeps the record itself, and hires people without choosing their password
    titled = await api.gql(UPDATE_EMP, {"id": target, "i": {"title": "IT 主管"}}, as_user=hr)
    assert titled["data"]["updateEmployee"]["title"] == "IT 主管"
    hire = new_employee(sandbox)
    assert code(await api.gql(CREATE_EMP, {"i": hire}, as_user=hr)) == "FORBIDDEN"
    del hire["password"]
    assert "errors" not in await api.gql(CREATE_EMP, {"i": hire}, as_user=hr)


async def test_a_password_reset_is_audited_without_the_password(api, make_company) -> None:
    sandbox = await make_company()
    admin, staff = sandbox.user("admin"), sandbox.ids["staff"]
    old_token = await api.token(sandbox.user("staff"))
    reset = await api.gql(
        UPDATE_EMP, {"id": staff, "i": {"password": "a-brand-new-secret"}}, as_user=admin
    )
    assert "errors" not in reset, reset
    [edge] = (await api.gql(AUDIT, {"id": staff}, as_user=admin))["data"]["auditLog"]["edges"]
    assert edge["node"]["before"] == {"password_changed": False}
    assert edge["node"]["after"] == {"password_changed": True}
    assert "a-brand-new-secret" not in str(edge)
    me = await api.gql("{ me { name } }", token=old_token)
    assert code(me) == "UNAUTHENTICATED"  # the old sessions end with the reset
    fresh = (await api.post(LOGIN, {"u": sandbox.user("staff"), "p": "a-brand-new-secret"})).json()
    assert fresh["data"]["login"]["accessToken"]


async def test_nobody_gives_themselves_a_role(api, make_company) -> None:
    sandbox = await make_company()
    admin = sandbox.user("admin")
    selfish = await api.gql(ASSIGN, {"e": sandbox.ids["admin"], "r": "HR_VP"}, as_user=admin)
    assert code(selfish) == "FORBIDDEN"
    assert "yourself" in selfish["errors"][0]["message"]
    other = await api.gql(ASSIGN, {"e": sandbox.ids["gm"], "r": "HR_VP"}, as_user=admin)
    assert other["data"]["assignRole"]["role"] == "HR_VP"


async def test_two_admins_revoking_each_other_at_once_leave_one(api, make_company) -> None:
    sandbox = await make_company()
    admin, gm = sandbox.user("admin"), sandbox.user("gm")
    granted = await api.gql(ASSIGN, {"e": sandbox.ids["gm"], "r": "ADMIN"}, as_user=admin)
    gm_admin = granted["data"]["assignRole"]["id"]
    roles = await api.gql(
        "query($id: ID!) { employee(id: $id) { roles { id role } } }",
        {"id": sandbox.ids["admin"]},
        as_user=admin,
    )
    [admin_admin] = [r["id"] for r in roles["data"]["employee"]["roles"] if r["role"] == "ADMIN"]
    admin_token, gm_token = await api.token(admin), await api.token(gm)
    results = await asyncio.gather(
        api.gql(REVOKE, {"id": gm_admin}, token=admin_token),
        api.gql(REVOKE, {"id": admin_admin}, token=gm_token),
    )
    outcomes = sorted("errors" not in r for r in results)
    assert outcomes == [False, True], results
    [refused] = [r for r in results if "errors" in r]
    assert code(refused) == "CONFLICT"
    with using(api.runtime.db):
        left = await RoleAssignment.filter(company__slug=sandbox.slug, role="admin").count()
    assert left == 1


async def test_parallel_guesses_are_throttled_like_sequential_ones(api, make_company) -> None:
    sandbox = await make_company()
    username = sandbox.user("worker")
    responses = await asyncio.gather(
        *(api.post(LOGIN, {"u": username, "p": f"guess-{n}"}) for n in range(12))
    )
    messages = [r.json()["errors"][0]["message"] for r in responses]
    assert all(r.status_code == 200 for r in responses)
    checked = [m for m in messages if m == "Wrong username or password."]
    throttled = [m for m in messages if m.startswith("Too many failed sign-in attempts")]
    assert len(checked) == api.runtime.settings.login_max_failures
    assert len(throttled) == 12 - len(checked)


async def test_sign_in_names_ignore_case_and_length(api, make_company) -> None:
    sandbox = await make_company()
    admin = sandbox.user("admin")
    upper = (await api.post(LOGIN, {"u": sandbox.user("STAFF"), "p": "jixiao-demo"})).json()
    assert upper["data"]["login"]["accessToken"]
    created = await api.gql(
        CREATE_EMP,
        {"i": new_employee(sandbox, username=f"New.Hire@{sandbox.slug.upper()}")},
        as_user=admin,
    )
    assert created["data"]["createEmployee"]["username"] == f"new.hire@{sandbox.slug}"
    twin = await api.gql(
        CREATE_EMP,
        {"i": new_employee(sandbox, username=f"new.hire@{sandbox.slug}", employeeNumber="T9002")},
        as_user=admin,
    )
    assert code(twin) == "CONFLICT"
    long_name = (await api.post(LOGIN, {"u": "x" * 300, "p": "whatever-it-is"})).json()
    assert long_name["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "TOO_LONG",
        "field": "username",
    }


async def test_invisible_names_and_impossible_filters_are_bad_input(api, make_company) -> None:
    sandbox = await make_company()
    admin = sandbox.user("admin")
    ghost = await api.gql(
        CREATE_EMP, {"i": new_employee(sandbox, name="\u200b\u200b \u200d")}, as_user=admin
    )
    assert ghost["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "REQUIRED",
        "field": "name",
    }
    # closed sets are enums: an impossible state, kind or audit action is refused before any
    # resolver runs (the audit log's stored spelling too)
    for query, variables in (
        ("query($s: PlanState) { plans(state: $s) { id } }", {"s": "x" * 40}),
        ("query($k: DepartmentKind) { templates(departmentKind: $k) { id } }", {"k": "x" * 40}),
        (
            "query($t: AuditObjectType) { auditLog(objectType: $t) { edges { cursor } } }",
            {"t": "x" * 40},
        ),
        (
            "query($a: AuditAction) { auditLog(filter: {action: $a}) { edges { cursor } } }",
            {"a": "employee.update"},
        ),
    ):
        result = await api.gql(query, variables, as_user=sandbox.user("perf"))
        assert result["errors"][0]["extensions"] == {
            "code": "BAD_USER_INPUT",
            "reason": "INVALID_QUERY",
        }, result


async def test_sign_in_names_stay_in_the_company_namespace(api, make_company) -> None:
    sandbox = await make_company()
    admin = sandbox.user("admin")
    refusals = []
    for taken_or_not in ("hrvp@case", "nobody@case"):  # one exists in Case Electronics
        result = await api.gql(
            CREATE_EMP, {"i": new_employee(sandbox, username=taken_or_not)}, as_user=admin
        )
        refusals.append(result["errors"][0])
    # the same answer either way: nothing is learnt about another company's names
    assert refusals[0] == refusals[1]
    assert refusals[0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "USERNAME_DOMAIN",
        "field": "username",
    }
    assert f"@{sandbox.slug}" in refusals[0]["message"]
    bare = await api.gql(CREATE_EMP, {"i": new_employee(sandbox, username="Li.Lei")}, as_user=admin)
    assert bare["data"]["createEmployee"]["username"] == f"li.lei@{sandbox.slug}"
