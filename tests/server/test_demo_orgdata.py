"""Contract tests for the demo tenants' org charts (server/demo/orgdata.py)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from server.demo.orgdata import (
    CompanySpec,
    DepartmentSpec,
    PersonSpec,
    demo_companies,
)
from server.vocabulary import DEPARTMENT_KINDS, ROLES

DEMO, CASE = demo_companies()
BOTH = pytest.mark.parametrize("company", [DEMO, CASE], ids=["demo", "case"])
CJK = re.compile(r"^[\u4e00-\u9fff]{2,3}$")


def holders(company: CompanySpec, role: str) -> list[PersonSpec]:
    return [p for p in company.people if any(r.role == role for r in p.roles)]


def divisions(company: CompanySpec) -> list[DepartmentSpec]:
    return [d for d in company.departments if d.kind == "division"]


def children(company: CompanySpec, key: str) -> list[DepartmentSpec]:
    return [d for d in company.departments if d.parent_key == key]


def role_keys(person: PersonSpec, role: str) -> list[str | None]:
    return [r.department_key for r in person.roles if r.role == role]


def test_tenant_identity() -> None:
    assert (DEMO.slug, DEMO.name, DEMO.name_zh) == ("demo", "Demo Group", "示范集团")
    assert (CASE.slug, CASE.name, CASE.name_zh) == ("case", "Case Electronics", "凯斯电子")
    assert DEMO.timezone == CASE.timezone == "Asia/Shanghai"


def test_deterministic() -> None:
    assert demo_companies() == demo_companies() == (DEMO, CASE)


def test_demo_counts() -> None:
    assert len(holders(DEMO, "gm")) == 1
    assert len(holders(DEMO, "vp")) == 6
    (hr_vp,) = holders(DEMO, "hr_vp")
    assert hr_vp in holders(DEMO, "vp")
    assert len(divisions(DEMO)) == 6
    sizes = [len(children(DEMO, d.key)) for d in divisions(DEMO)]
    assert all(4 <= n <= 6 for n in sizes), sizes
    assert len(set(sizes)) > 1  # divisions should not all look alike
    assert 150 <= len(DEMO.people) <= 250
    kinds = {d.kind for d in DEMO.departments}
    for kind in ("sales", "production", "quality", "rnd", "service", "hr", "finance", "it"):
        assert kind in kinds


def test_case_counts() -> None:
    assert len(CASE.people) == 120
    assert len(holders(CASE, "gm")) == 1
    assert len(holders(CASE, "vp")) == 5
    assert len(holders(CASE, "dept_manager")) == 10
    assert len(divisions(CASE)) == 5
    assert [len(children(CASE, d.key)) for d in divisions(CASE)] == [2] * 5


@BOTH
def test_singleton_roles(company: CompanySpec) -> None:
    for role in ("gm", "hr_vp", "perf_admin", "admin"):
        assert len(holders(company, role)) == 1, role
    slug = company.slug
    gm, hr_vp, perf, admin = (
        holders(company, role)[0] for role in ("gm", "hr_vp", "perf_admin", "admin")
    )
    assert (gm.username, gm.title, gm.manager_username) == (f"gm@{slug}", "总经理", None)
    assert hr_vp.username == f"hrvp@{slug}"
    assert (perf.username, perf.title) == (f"perf@{slug}", "绩效主管")
    assert (admin.username, admin.title) == (f"admin@{slug}", "系统管理员")
    depts = {d.key: d for d in company.departments}
    assert depts[perf.department_key].kind == "hr"
    it_depts = [d.key for d in company.departments if d.kind == "it"]
    assert admin.department_key == (it_depts[0] if it_depts else "exec")


@BOTH
def test_hr_vp_holds_several_roles(company: CompanySpec) -> None:
    (hr_vp,) = holders(company, "hr_vp")
    assert role_keys(hr_vp, "hr_vp") == [None]
    (division_key,) = role_keys(hr_vp, "vp")
    depts = {d.key: d for d in company.departments}
    assert depts[division_key].kind == "division"
    assert depts[division_key].manager_username == hr_vp.username
    hr = [d for d in children(company, division_key) if d.kind == "hr"]
    assert hr and any(d.manager_username == hr_vp.username for d in hr)
    assert all(d.supervisor_username == hr_vp.username for d in hr)


@BOTH
def test_everyone_is_an_employee_and_roles_are_valid(company: CompanySpec) -> None:
    keys = {d.key for d in company.departments}
    for person in company.people:
        assert ("employee", None) in [(r.role, r.department_key) for r in person.roles]
        assert len(set(person.roles)) == len(person.roles)
        for role in person.roles:
            assert role.role in ROLES
            assert role.department_key is None or role.department_key in keys
            if role.role in ("vp", "dept_manager"):
                assert role.department_key is not None
            if role.role in ("gm", "hr_vp", "perf_admin", "admin", "employee"):
                assert role.department_key is None


@BOTH
def test_department_tree(company: CompanySpec) -> None:
    depts = company.departments
    keys = [d.key for d in depts]
    assert len(keys) == len(set(keys))
    roots = [d for d in depts if d.parent_key is None]
    assert len(roots) == 1 and roots[0] is depts[0]
    root = roots[0]
    (gm,) = holders(company, "gm")
    assert (root.kind, root.manager_username, root.supervisor_username) == (
        "executive",
        gm.username,
        None,
    )
    seen: set[str] = set()
    for dept in depts:
        assert dept.kind in DEPARTMENT_KINDS
        assert re.fullmatch(r"[\u4e00-\u9fff]+", dept.name), dept.name
        assert dept.parent_key is None or dept.parent_key in seen, dept.key
        seen.add(dept.key)
        if dept.kind == "division":
            assert dept.parent_key == root.key
            assert dept.supervisor_username == dept.manager_username
        elif dept is not root:
            parent = next(d for d in depts if d.key == dept.parent_key)
            assert parent.kind == "division"
            assert dept.supervisor_username == parent.manager_username


@BOTH
def test_every_department_managed_by_a_role_holder(company: CompanySpec) -> None:
    people = {p.username: p for p in company.people}
    for dept in company.departments:
        assert dept.manager_username in people, dept.key
        manager = people[dept.manager_username]
        if dept.kind == "division":
            assert dept.key in role_keys(manager, "vp")
        elif dept.kind != "executive":
            assert dept.key in role_keys(manager, "dept_manager")
        if dept.supervisor_username is not None:
            assert dept.supervisor_username in people
    for person in holders(company, "dept_manager"):
        for key in role_keys(person, "dept_manager"):
            dept = next(d for d in company.departments if d.key == key)
            assert dept.manager_username == person.username


@BOTH
def test_reporting_lines(company: CompanySpec) -> None:
    depts = {d.key: d for d in company.departments}
    index = {p.username: i for i, p in enumerate(company.people)}
    for i, person in enumerate(company.people):
        assert person.department_key in depts
        assert person.manager_username != person.username
        if person.manager_username is None:
            assert role_keys(person, "gm") == [None]
            continue
        assert person.manager_username in index
        assert index[person.manager_username] < i, person.username
        dept = depts[person.department_key]
        if role_keys(person, "vp"):
            assert person.manager_username == depts["exec"].manager_username
        elif dept.manager_username == person.username:
            # a department manager reports to the VP supervising the department
            assert person.manager_username == dept.supervisor_username
        else:
            assert person.manager_username == dept.manager_username


def test_usernames_unique_across_tenants() -> None:
    names = [p.username for c in (DEMO, CASE) for p in c.people]
    assert len(names) == len(set(names))
    for company in (DEMO, CASE):
        for person in company.people:
            local, _, slug = person.username.partition("@")
            assert slug == company.slug
            assert re.fullmatch(r"[a-z0-9][a-z0-9.\-]*", local), person.username
            assert person.email == f"{local}@{company.slug}.example.com"


@BOTH
def test_leader_usernames_are_readable(company: CompanySpec) -> None:
    slug = company.slug
    for dept in company.departments:
        if dept.kind == "executive" or dept.manager_username == f"hrvp@{slug}":
            continue
        prefix = "vp" if dept.kind == "division" else "mgr"
        assert dept.manager_username == f"{prefix}.{dept.key}@{slug}"


@BOTH
def test_employee_numbers(company: CompanySpec) -> None:
    prefix = company.slug[0].upper()
    numbers = [p.employee_number for p in company.people]
    assert len(numbers) == len(set(numbers))
    assert all(re.fullmatch(rf"{prefix}\d{{4}}", n) for n in numbers)


@BOTH
def test_personal_details_look_real(company: CompanySpec) -> None:
    names = [p.name for p in company.people]
    assert all(CJK.match(n) for n in names)
    assert len(names) == len(set(names))
    phones = [p.phone for p in company.people]
    assert len(phones) == len(set(phones))
    assert all(re.fullmatch(r"1[3-9]\d{9}", ph) for ph in phones)
    assert all(p.title for p in company.people)


@BOTH
def test_hire_dates(company: CompanySpec) -> None:
    dates = [p.hire_date for p in company.people]
    assert all(date(2008, 1, 1) <= d <= date(2026, 6, 30) for d in dates)
    leaders = holders(company, "gm") + holders(company, "vp")
    others = [p for p in company.people if p not in leaders]
    assert sum(p.hire_date.toordinal() for p in leaders) / len(leaders) < sum(
        p.hire_date.toordinal() for p in others
    ) / len(others)
