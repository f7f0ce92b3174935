"""assignDepartment: a manager assigns the plan's indicators to his people, row by row.

Defaults from the plan, per-row overrides and personal indicators, weights adding up to 100
per person, people out of sight answered NOT_FOUND, one assignment per person however often
(or however concurrently) the same mutation runs, and every change audited.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from schema.ids import decode, encode
from server.db import using
from server.models import Assignment, AuditEntry
from tests.schema.plans.planning import create
from tests.schema.results.support import active_plan

INDICATORS = "key name weight target personal planTarget planWeight dataSource qualitative"
ASSIGN = f"""mutation($p: ID!, $d: ID!, $r: [AssignmentRowInput!]) {{
  assignDepartment(planId: $p, departmentId: $d, rows: $r) {{
    assigned {{ id revision updatedAt employee {{ username }} department {{ name }}
      indicators {{ {INDICATORS} }} }}
    rejected {{ row employeeId code reason field message }} }} }}"""
SATISFACTION = {"name": "客户满意度 Satisfaction", "weight": "10", "target": "90", "unit": "%"}


async def assign(
    api: Any, s: Any, plan: dict[str, Any], user: str = "mgr", rows: Any = None, **kw: Any
) -> dict[str, Any]:
    variables = {"p": plan["id"], "d": s.ids["sales"], "r": rows}
    return await api.gql(ASSIGN, variables, as_user=s.user(user), **kw)


def answer(result: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in result, result
    return result["data"]["assignDepartment"]


def keys(plan: dict[str, Any]) -> tuple[str, str]:
    """The keys of the sales plan's revenue and new-customers indicators."""
    return plan["indicators"][0]["key"], plan["indicators"][1]["key"]


def by_user(assigned: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {a["employee"]["username"].split("@")[0]: a for a in assigned}


async def stored(api: Any, plan: dict[str, Any]) -> list[Assignment]:
    with using(api.runtime.db):
        return await Assignment.filter(plan_id=decode(plan["id"], "Plan"))


async def test_a_manager_assigns_his_department_with_the_plans_defaults(api, make_company) -> None:
    s = await make_company()
    plan = await active_plan(api, s)
    done = answer(await assign(api, s, plan))
    assert done["rejected"] == []
    people = by_user(done["assigned"])
    assert set(people) == {"mgr", "staff"}
    revenue, customers = keys(plan)
    staff = people["staff"]
    assert (staff["revision"], staff["department"]["name"]) == (1, "销售一部")
    assert [(i["key"], i["weight"], i["target"], i["personal"]) for i in staff["indicators"]] == [
        (revenue, "60", "10", False),
        (customers, "40", "4", False),
    ]
    assert all(i["planTarget"] == i["target"] for i in staff["indicators"])
    rows = await stored(api, plan)
    assert len(rows) == 2
    with using(api.runtime.db):
        entries = await AuditEntry.filter(
            object_type="assignment", action="assignment.create", company_id=s.company_id
        )
    assert {e.object_id for e in entries} == {str(r.id) for r in rows}
    assert all(e.after["indicators"]["销售额 Revenue"]["weight"] == "60" for e in entries)


async def test_row_overrides_and_a_personal_indicator(api, make_company) -> None:
    s = await make_company()
    plan = await active_plan(api, s)
    revenue, customers = keys(plan)
    row = {
        "employeeId": s.ids["staff"],
        "overrides": [{"indicatorKey": revenue, "weight": "50", "target": "12"}],
        "personalIndicators": [SATISFACTION],
    }
    done = answer(await assign(api, s, plan, rows=[row]))
    assert done["rejected"] == []
    (staff,) = done["assigned"]
    items = {i["name"]: i for i in staff["indicators"]}
    assert items["销售额 Revenue"] | {"key": "-"} == {
        "key": "-",
        "name": "销售额 Revenue",
        "weight": "50",
        "target": "12",
        "personal": False,
        "planTarget": "10",
        "planWeight": "60",
        "dataSource": "sales.revenue",
        "qualitative": False,
    }
    mine = items["客户满意度 Satisfaction"]
    assert (mine["personal"], mine["weight"], mine["planTarget"], mine["planWeight"]) == (
        True,
        "10",
        None,
        None,
    )
    # The same rows again change nothing: no second row, no new revision (personal key kept).
    again = answer(await assign(api, s, plan, rows=[row]))
    assert again["assigned"][0]["revision"] == 1
    assert again["assigned"][0]["indicators"] == staff["indicators"]
    # Dropping the customers indicator for him, with weights still adding up: an update.
    changed = {
        **row,
        "overrides": [{"indicatorKey": revenue, "weight": "90"}],
        "removedKeys": [customers],
    }
    updated = answer(await assign(api, s, plan, rows=[changed]))["assigned"][0]
    assert updated["revision"] == 2
    assert [i["weight"] for i in updated["indicators"]] == ["90", "10"]
    assert len(await stored(api, plan)) == 1
    with using(api.runtime.db):
        entry = await AuditEntry.get(
            object_id=decode(staff["id"], "Assignment"), action="assignment.update"
        )
    assert entry.before["revision"] == 1 and entry.after["revision"] == 2
    assert entry.after["indicators"]["新客户数 New customers"] is None
    assert entry.before["indicators"]["销售额 Revenue"]["weight"] == "50"


async def test_weights_not_100_are_rejected_per_row_while_other_rows_land(
    api, make_company
) -> None:
    s = await make_company()
    plan = await active_plan(api, s)
    revenue, _ = keys(plan)
    rows = [
        {"employeeId": s.ids["staff"], "overrides": [{"indicatorKey": revenue, "weight": "70"}]},
        {"employeeId": s.ids["mgr"]},
    ]
    done = answer(await assign(api, s, plan, rows=rows))
    assert [a["employee"]["username"] for a in done["assigned"]] == [s.user("mgr")]
    (rejected,) = done["rejected"]
    assert rejected["row"] == 0 and rejected["employeeId"] == s.ids["staff"]
    assert (rejected["code"], rejected["reason"], rejected["field"]) == (
        "BAD_USER_INPUT",
        "WEIGHTS_NOT_100",
        "rows[0]",
    )
    assert "110" in rejected["message"]
    # Nothing of the rejected row was written.
    assert [r.employee_id for r in await stored(api, plan)] == [decode(s.ids["mgr"], "Employee")]


async def test_rows_are_checked_each_on_its_own(api, make_company) -> None:
    s = await make_company()
    plan = await active_plan(api, s)
    revenue, customers = keys(plan)
    rows = [
        {"employeeId": s.ids["worker"]},  # out of the manager's sight
        {"employeeId": s.ids["staff"], "overrides": [{"indicatorKey": "nope", "weight": "1"}]},
        {"employeeId": encode("Employee", uuid.uuid4())},  # nobody
        {"employeeId": s.ids["sales"]},  # not a person's ID
        {"employeeId": s.ids["mgr"]},
        {"employeeId": s.ids["mgr"], "removedKeys": [revenue, customers]},  # him again
    ]
    done = answer(await assign(api, s, plan, rows=rows))
    assert [a["employee"]["username"] for a in done["assigned"]] == [s.user("mgr")]
    got = [(r["row"], r["reason"], r["field"]) for r in done["rejected"]]
    assert got == [
        (0, "NOT_FOUND", None),
        (1, "UNKNOWN_INDICATOR", "rows[1].overrides[0].indicatorKey"),
        (2, "NOT_FOUND", None),
        (3, "WRONG_ID_TYPE", "rows[3].employeeId"),
        (5, "DUPLICATE_EMPLOYEE", "rows[5].employeeId"),
    ]
    assert done["rejected"][0]["employeeId"] == s.ids["worker"]
    bad = [{"employeeId": s.ids["staff"], "personalIndicators": [{**SATISFACTION, "weight": "0"}]}]
    (zero,) = answer(await assign(api, s, plan, rows=bad))["rejected"]
    assert (zero["reason"], zero["field"]) == (
        "MUST_BE_POSITIVE",
        "rows[0].personalIndicators[0].weight",
    )
    # The performance admin sees the worker, who is not in the sales department.
    other = answer(await assign(api, s, plan, "perf", rows=[{"employeeId": s.ids["worker"]}]))
    assert other["rejected"][0]["reason"] == "NOT_IN_DEPARTMENT"


async def test_a_row_message_is_in_the_callers_language(api, make_company) -> None:
    s = await make_company()
    plan = await active_plan(api, s)
    revenue, _ = keys(plan)
    rows = [
        {"employeeId": s.ids["staff"], "overrides": [{"indicatorKey": revenue, "weight": "70"}]}
    ]
    done = answer(await assign(api, s, plan, rows=rows, lang="zh"))
    assert done["rejected"][0]["message"] == "指标权重之和必须正好为 100，当前为 110。"
    refused = await api.gql(
        ASSIGN,
        {"p": plan["id"], "d": s.ids["plant"], "r": None},
        as_user=s.user("perf"),
        lang="zh",
    )
    assert refused["errors"][0]["extensions"]["reason"] == "DEPARTMENT_NOT_COVERED"
    assert "该计划不覆盖此部门" in refused["errors"][0]["message"]


async def test_assigning_twice_at_once_keeps_one_assignment_per_person(api, make_company) -> None:
    s = await make_company()
    plan = await active_plan(api, s)
    await api.token(s.user("mgr"))  # sign in first: the two calls then start together
    first, second = await asyncio.gather(assign(api, s, plan), assign(api, s, plan))
    for result in (first, second):
        done = answer(result)
        assert done["rejected"] == [] and len(done["assigned"]) == 2
    rows = await stored(api, plan)
    assert sorted(str(r.employee_id) for r in rows) == sorted(
        str(decode(s.ids[p], "Employee")) for p in ("mgr", "staff")
    )
    assert {r.revision for r in rows} == {1}
    ids = {a["id"] for a in answer(first)["assigned"]}
    assert ids == {a["id"] for a in answer(second)["assigned"]}


async def test_only_an_active_or_evaluating_plan_of_ones_company_takes_assignments(
    api, make_company
) -> None:
    s = await make_company()
    other = await make_company()
    draft = await create(api, s, [s.ids["sales"]])
    early = await assign(api, s, draft, "perf")
    assert early["errors"][0]["extensions"] == {"code": "CONFLICT", "reason": "PLAN_NOT_ACTIVE"}
    theirs = await active_plan(api, other)
    foreign = await assign(api, s, theirs, "perf")
    assert foreign["errors"][0]["extensions"]["reason"] == "NOT_FOUND"
    # Another company's person in a row of one's own plan: that row, NOT_FOUND.
    plan = await active_plan(api, s)
    done = answer(await assign(api, s, plan, rows=[{"employeeId": other.ids["staff"]}]))
    assert done["rejected"][0]["reason"] == "NOT_FOUND"
    # The employee assigns nobody, not even himself.
    staff = await assign(api, s, plan, "staff")
    assert staff["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_sizes_are_bounded(api, make_company) -> None:
    s = await make_company()
    plan = await active_plan(api, s)
    many = [{**SATISFACTION, "name": f"个人 {i}", "weight": "1"} for i in range(29)]
    rows = [
        {"employeeId": s.ids["staff"], "personalIndicators": many},  # 2 + 29 indicators
        {"employeeId": s.ids["mgr"], "removedKeys": ["x"] * 51},
    ]
    done = answer(await assign(api, s, plan, rows=rows))
    assert [(r["reason"], r["field"]) for r in done["rejected"]] == [
        ("TOO_MANY_ITEMS", "rows[0]"),
        ("TOO_MANY_ITEMS", "rows[1].removedKeys"),
    ]
    huge = await assign(api, s, plan, rows=[{"employeeId": s.ids["staff"]}] * 2001)
    assert huge["errors"][0]["extensions"]["reason"] == "TOO_MANY_ITEMS"
    assert huge["errors"][0]["extensions"]["field"] == "rows"
    assert await stored(api, plan) == []
