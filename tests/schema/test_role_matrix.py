"""Each role's view of the demo org through GraphQL: what it sees, what is masked, what it may do."""

from __future__ import annotations

import re

import pytest

from server.demo.orgdata import CompanySpec, demo_companies

DEMO, CASE = demo_companies()
COMPANIES = {"demo": DEMO, "case": CASE}
MASKED_PHONE = re.compile(r"^1\d{2}\*{4}\d{4}$")

PAGE = """
query($after: String) {
  employees(first: 100, after: $after) {
    edges { node { username phone email employeeNumber hireDate personalDataVisible } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def all_employees(api, user: str) -> list[dict]:
    nodes, after = [], None
    while True:
        result = await api.gql(PAGE, {"after": after}, as_user=user)
        assert "errors" not in result, result
        page = result["data"]["employees"]
        nodes += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


def subtree(company: CompanySpec, root: str) -> set[str]:
    keys, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for d in company.departments:
            if d.parent_key == parent and d.key not in keys:
                keys.add(d.key)
                frontier.append(d.key)
    return keys


def expected_personal(company: CompanySpec, username: str) -> set[str]:
    """Whose personal data a person may see: self, direct reports, scoped roles' subtrees, HR."""
    me = next(p for p in company.people if p.username == username)
    roles = {r.role for r in me.roles}
    everyone = {p.username for p in company.people}
    if roles & {"gm", "hr_vp", "perf_admin"}:
        return everyone
    visible = {me.username} | {
        p.username for p in company.people if p.manager_username == me.username
    }
    for r in me.roles:
        if r.role in {"vp", "dept_manager"} and r.department_key:
            keys = subtree(company, r.department_key)
            visible |= {p.username for p in company.people if p.department_key in keys}
    return visible


def holder(company: CompanySpec, role: str) -> str:
    if role == "employee":
        return next(p.username for p in company.people if {r.role for r in p.roles} == {"employee"})
    return next(
        p.username
        for p in company.people
        if role in {r.role for r in p.roles}
        and not ({r.role for r in p.roles} & {"hr_vp"} and role == "vp")
    )


ROLES = ["gm", "vp", "hr_vp", "perf_admin", "dept_manager", "employee", "admin"]


@pytest.mark.parametrize("slug", ["demo", "case"])
@pytest.mark.parametrize("role", ROLES)
async def test_directory_and_personal_data_per_role(api, slug: str, role: str) -> None:
    company = COMPANIES[slug]
    user = holder(company, role)
    nodes = await all_employees(api, user)
    by_name = {n["username"]: n for n in nodes}
    # The directory: every active person of the caller's company and nobody else.
    assert set(by_name) == {p.username for p in company.people}
    visible = {u for u, n in by_name.items() if n["personalDataVisible"]}
    assert visible == expected_personal(company, user)
    people = {p.username: p for p in company.people}
    for username, node in by_name.items():
        person = people[username]
        if username in visible:
            assert node["phone"] == person.phone
            assert node["email"] == person.email
            assert node["employeeNumber"] == person.employee_number
            assert node["hireDate"] == person.hire_date.isoformat()
        else:
            assert MASKED_PHONE.match(node["phone"]), node["phone"]
            assert node["phone"] != person.phone and node["email"] != person.email
            assert "*" in node["employeeNumber"]
            assert node["hireDate"] == f"{person.hire_date.year}-**-**"


@pytest.mark.parametrize("role", ROLES)
async def test_every_role_sees_the_whole_department_tree(api, role: str) -> None:
    result = await api.gql(
        "{ departments { name parent { name } children { name } manager { username } } }",
        as_user=holder(DEMO, role),
    )
    names = [d["name"] for d in result["data"]["departments"]]
    assert sorted(names) == sorted(d.name for d in DEMO.departments)
    # parents come before children
    seen: set[str] = set()
    for d in result["data"]["departments"]:
        assert d["parent"] is None or d["parent"]["name"] in seen
        seen.add(d["name"])


async def test_roles_of_others_are_visible_only_in_scope(api) -> None:
    query = "query($id: ID!) { employee(id: $id) { roles { role department { name } } } }"
    admin_id = (await api.gql("{ me { id } }", as_user="admin@demo"))["data"]["me"]["id"]
    as_staff = await api.gql(query, {"id": admin_id}, as_user=holder(DEMO, "employee"))
    assert as_staff["data"]["employee"]["roles"] == []
    as_admin = await api.gql("{ me { roles { role department { name } } } }", as_user="admin@demo")
    assert as_admin["data"]["me"]["roles"] == [{"role": "ADMIN", "department": None}]
    as_gm = await api.gql(query, {"id": admin_id}, as_user="gm@demo")
    assert as_gm["data"]["employee"]["roles"] == [{"role": "ADMIN", "department": None}]
