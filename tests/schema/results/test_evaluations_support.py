"""Set-up shared by the evaluation tests (no tests of its own): plans dated from today,
assignments written directly (the assignment API is another package's), GraphQL documents."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from schema.ids import decode, encode
from server.db import using
from server.models import Assignment, Employee, Plan
from server.plans.versions import load_data
from tests.schema.plans.planning import step
from tests.schema.results.support import SALES_INDICATORS, active_plan

ZONE = ZoneInfo("Asia/Shanghai")  # the sandbox companies' time zone (the default)
# Revenue from a connector, new customers entered by hand, teamwork rated by the manager.
RATED_INDICATORS: list[dict[str, Any]] = [
    {**SALES_INDICATORS[0], "weight": "50"},
    {**SALES_INDICATORS[1], "weight": "30"},
    {
        "name": "团队协作 Teamwork",
        "weight": "20",
        "qualitative": True,
        "scoring": {"kind": "RATING"},
    },
]
EVALUATION = """id kind state overallComment overallRating overallRatingLabel submittedAt
  deadline reopenedUntil assignmentId author { username } employee { username }
  items { indicatorKey indicatorName comment value rating ratingLabel }"""
SAVE_SELF = f"""mutation($a: ID!, $i: SelfEvaluationInput!, $s: Boolean) {{
  saveSelfEvaluation(assignmentId: $a, input: $i, submit: $s) {{ {EVALUATION} }} }}"""
SAVE_MANAGER = f"""mutation($a: ID!, $i: ManagerEvaluationInput!, $s: Boolean) {{
  saveManagerEvaluation(assignmentId: $a, input: $i, submit: $s) {{ {EVALUATION} }} }}"""
REOPEN = f"""mutation($id: ID!, $r: String!, $u: Date!) {{
  reopenEvaluation(id: $id, reason: $r, until: $u) {{ {EVALUATION} }} }}"""
READ = f"""query($a: ID!, $k: EvaluationKind!) {{
  evaluation(assignmentId: $a, kind: $k) {{ {EVALUATION} }} }}"""
LIST = """query($p: ID!, $d: ID, $k: EvaluationKind, $f: Int, $after: String) {
  evaluations(planId: $p, departmentId: $d, kind: $k, first: $f, after: $after) {
    edges { cursor node { id kind state employee { username } } }
    pageInfo { hasNextPage endCursor } } }"""


def today() -> date:
    return datetime.now(ZONE).date()


def _month(day: date) -> tuple[date, date]:
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def open_dates(self_due: date | None = None, manager_due: date | None = None) -> dict[str, Any]:
    """This month's plan, its evaluation deadlines still ahead (or as given)."""
    start, end = _month(today())
    self_due = self_due or today() + timedelta(days=20)
    return {
        "periodStart": start.isoformat(),
        "periodEnd": end.isoformat(),
        "deadlines": {
            "submission": start.isoformat(),
            "review": start.isoformat(),
            "selfEvaluation": self_due.isoformat(),
            "managerEvaluation": (manager_due or self_due + timedelta(days=5)).isoformat(),
        },
    }


def past_dates() -> dict[str, Any]:
    """Last month's plan, both evaluation deadlines already past."""
    start, end = _month(today().replace(day=1) - timedelta(days=1))
    return {
        "periodStart": start.isoformat(),
        "periodEnd": end.isoformat(),
        "deadlines": {
            "submission": start.isoformat(),
            "review": start.isoformat(),
            "selfEvaluation": (start + timedelta(days=1)).isoformat(),
            "managerEvaluation": (start + timedelta(days=2)).isoformat(),
        },
    }


async def assign(api: Any, sandbox: Any, plan: dict[str, Any], who: str = "staff") -> str:
    """The plan's indicators assigned to ``who`` (as the assignment service stores them)."""
    with using(api.runtime.db):
        row = await Plan.get(id=decode(plan["id"], "Plan"))
        data = await load_data(row)
        person = await Employee.get(username=sandbox.user(who))
        created = await Assignment.create(
            company_id=row.company_id,
            plan=row,
            employee_id=person.id,
            department_id=person.department_id,
            manager_id=person.manager_id,
            indicators=[{**i.to_json(), "key": i.key, "personal": False} for i in data.indicators],
        )
    return encode("Assignment", created.id)


async def evaluating_plan(
    api: Any, sandbox: Any, dates: dict[str, Any] | None = None, **overrides: Any
) -> tuple[dict[str, Any], str]:
    """An EVALUATING plan (started by the performance admin) with ``staff`` assigned to it."""
    plan = await active_plan(
        api, sandbox, indicators=RATED_INDICATORS, **(dates or open_dates()), **overrides
    )
    assignment = await assign(api, sandbox, plan)
    started = await step(api, plan["id"], "START_EVALUATION", sandbox.user("perf"))
    assert started["data"]["transitionPlan"]["state"] == "EVALUATING", started
    return plan, assignment


def keys(plan: dict[str, Any]) -> tuple[str, str, str]:
    """The keys of revenue (connector), new customers (manual) and teamwork (rated)."""
    found = [i["key"] for i in plan["indicators"]]
    return found[0], found[1], found[2]


def error(result: dict[str, Any]) -> dict[str, Any]:
    assert result.get("errors"), result
    return dict(result["errors"][0])
