"""What-if previews (scorePreview): a plan's whole population under a proposed target,
weight, rule or formula, old and new side by side, with nothing written.

People's assignments, actuals and manager ratings are made with the ORM; the article's sales
plan: revenue 60 % (target 10), new customers 40 % (target 4). ``staff`` sold 12 and won 5
(72 + 50 = 122, Excellent), ``mgr`` sold 8.5 and won 3 (51 + 30 = 81, Good).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from schema.ids import decode
from server.models import AuditEntry, Employee, OutboxEvent, Plan
from server.models.plans import Indicator
from server.models.results import (
    Actual,
    Assignment,
    Evaluation,
    Score,
    ScoreVersion,
    ScoringFormula,
    ScoringSettings,
)
from server.plans.versions import as_data
from tests.schema.results.support import active_plan

PREVIEW = """query($p: ID!, $c: ScoreChangeInput!) { scorePreview(planId: $p, change: $c) {
  people changed gradeChanges
  rows { employee { username } oldTotal oldGrade { key name } oldStatus
         newTotal newGrade { key name } newStatus delta } } }"""


async def plan_keys(plan: dict[str, Any]) -> dict[str, str]:
    """The plan's indicator keys by name: ``revenue`` and ``customers``."""
    row = await Plan.get(id=decode(plan["id"], "Plan"))
    items = await Indicator.filter(plan_id=row.id, version=row.version).order_by("position")
    return {"revenue": items[0].key, "customers": items[1].key}


async def assign(
    plan: dict[str, Any],
    employee_id: UUID,
    revenue: str | None,
    customers: str | None,
    rating: int | None = None,
    personal: frozenset[str] = frozenset(),
) -> None:
    """The plan's indicators assigned as they are, with the actuals (and overall rating)
    given; ``personal`` marks indicators (by name) as the person's own."""
    row = await Plan.get(id=decode(plan["id"], "Plan"))
    items = await Indicator.filter(plan_id=row.id, version=row.version).order_by("position")
    person = await Employee.get(id=employee_id)
    names = ("revenue", "customers")
    specs = [
        as_data(item).to_json() | {"key": item.key, "personal": name in personal}
        for name, item in zip(names, items, strict=True)
    ]
    assignment = await Assignment.create(
        company_id=row.company_id,
        plan_id=row.id,
        employee_id=person.id,
        department_id=person.department_id,
        manager_id=person.manager_id,
        indicators=specs,
    )
    place = {
        "company_id": row.company_id,
        "plan_id": row.id,
        "employee_id": person.id,
        "department_id": person.department_id,
        "manager_id": person.manager_id,
    }
    now = datetime.now(UTC)
    for item, value in zip(items, (revenue, customers), strict=True):
        if value is not None:
            await Actual.create(
                **place,
                assignment=assignment,
                indicator_key=item.key,
                value=Decimal(value),
                source="manual",
                set_at=now,
            )
    if rating is not None:
        await Evaluation.create(
            **place,
            assignment=assignment,
            kind="manager",
            state="submitted",
            overall_rating=rating,
            submitted_at=now,
        )


async def sales_team(api: Any, sandbox: Any) -> tuple[dict[str, Any], dict[str, str]]:
    plan = await active_plan(api, sandbox)
    await assign(plan, decode(sandbox.ids["staff"], "Employee"), "12", "5", rating=5)
    await assign(plan, decode(sandbox.ids["mgr"], "Employee"), "8.5", "3")
    return plan, await plan_keys(plan)


async def tables(company_id: UUID) -> dict[str, Any]:
    """What a preview must leave as it found it."""
    return {
        "scores": await Score.filter(company_id=company_id).values(),
        "versions": await ScoreVersion.filter(company_id=company_id).count(),
        "audit": await AuditEntry.filter(company_id=company_id)
        .exclude(action="auth.login")
        .count(),
        "assignments": await Assignment.filter(company_id=company_id).values(),
        "actuals": await Actual.filter(company_id=company_id).values(),
        "formulas": await ScoringFormula.filter(company_id=company_id).count(),
        "settings": await ScoringSettings.filter(company_id=company_id).count(),
        "indicators": await Indicator.filter(company_id=company_id).values(),
        "events": await OutboxEvent.filter(company_id=company_id).count(),
    }


def by_person(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    assert "errors" not in payload, payload
    rows = payload["data"]["scorePreview"]["rows"]
    return {r["employee"]["username"].split("@")[0]: r for r in rows}


async def preview(api: Any, sandbox: Any, plan: dict[str, Any], change: dict[str, Any], **kw: Any):
    return await api.gql(
        PREVIEW, {"p": plan["id"], "c": change}, as_user=sandbox.user("perf"), **kw
    )


async def test_a_target_change_shows_everyone_old_and_new(api, make_company, db) -> None:
    sandbox = await make_company()
    plan, keys = await sales_team(api, sandbox)
    before = await tables(sandbox.company_id)
    change = {"target": {"indicatorKey": keys["revenue"], "target": "12"}}
    found = await preview(api, sandbox, plan, change, lang="zh")
    rows = by_person(found)
    assert rows["staff"] == {
        "employee": {"username": sandbox.user("staff")},
        "oldTotal": "122",
        "oldGrade": {"key": "excellent", "name": "优秀"},
        "oldStatus": "OK",
        "newTotal": "110",
        "newGrade": {"key": "excellent", "name": "优秀"},
        "newStatus": "OK",
        "delta": "-12",
    }
    assert (rows["mgr"]["oldTotal"], rows["mgr"]["newTotal"], rows["mgr"]["delta"]) == (
        "81",
        "72.5",
        "-8.5",
    )
    assert (rows["mgr"]["oldGrade"]["key"], rows["mgr"]["newGrade"]["key"]) == ("good", "pass")
    counts = found["data"]["scorePreview"]
    assert (counts["people"], counts["changed"], counts["gradeChanges"]) == (2, 2, 1)
    assert await tables(sandbox.company_id) == before  # nothing written, nothing audited


async def test_a_weight_change_is_renormalized_per_person(api, make_company, db) -> None:
    sandbox = await make_company()
    plan, keys = await sales_team(api, sandbox)
    change = {"weight": {"indicatorKey": keys["revenue"], "weight": "20"}}
    rows = by_person(await preview(api, sandbox, plan, change))
    # 120 × 20/60 + 125 × 40/60 and 85 × 20/60 + 75 × 40/60
    assert (rows["staff"]["newTotal"], rows["mgr"]["newTotal"]) == ("123.33", "78.33")
    assert rows["mgr"]["newGrade"]["key"] == "pass"


async def test_a_rule_change_keeps_the_indicators_direction(api, make_company, db) -> None:
    sandbox = await make_company()
    plan, keys = await sales_team(api, sandbox)
    change = {"rule": {"indicatorKey": keys["revenue"], "scoring": {"kind": "RATIO", "cap": "100"}}}
    found = await preview(api, sandbox, plan, change)
    rows = by_person(found)
    assert (rows["staff"]["newTotal"], rows["staff"]["delta"]) == ("110", "-12")
    assert (rows["mgr"]["newTotal"], rows["mgr"]["delta"]) == ("81", "0")  # under the cap
    assert found["data"]["scorePreview"]["changed"] == 1
    bands = {
        "kind": "BANDS",
        "bands": [{"from": "0", "score": "0"}, {"from": "100", "score": "100"}],
    }
    banded = by_person(
        await preview(
            api, sandbox, plan, {"rule": {"indicatorKey": keys["revenue"], "scoring": bands}}
        )
    )
    assert (banded["staff"]["newTotal"], banded["mgr"]["newTotal"]) == ("110", "30")
    lower = {"indicatorKey": keys["revenue"], "scoring": {"kind": "RATIO"}, "direction": "LOWER"}
    flipped = by_person(await preview(api, sandbox, plan, {"rule": lower}))
    assert flipped["staff"]["newTotal"] == "100"  # 10/12 × 60 + 50


async def test_a_formula_change_needs_the_components_it_reads(api, make_company, db) -> None:
    sandbox = await make_company()
    plan, _ = await sales_team(api, sandbox)
    change = {"formula": {"expression": "0.5 * indicators + 0.5 * manager_rating"}}
    rows = by_person(await preview(api, sandbox, plan, change))
    assert (rows["staff"]["newTotal"], rows["staff"]["newStatus"]) == ("111", "OK")
    assert rows["mgr"] | {"employee": None} == {
        "employee": None,
        "oldTotal": "81",
        "oldGrade": {"key": "good", "name": "Good"},
        "oldStatus": "OK",
        "newTotal": None,  # no manager rating yet
        "newGrade": None,
        "newStatus": "INCOMPLETE",
        "delta": None,
    }
    divided = by_person(
        await preview(
            api, sandbox, plan, {"formula": {"expression": "indicators / (manager_rating - 100)"}}
        )
    )
    assert divided["staff"]["newStatus"] == "UNDEFINED"  # a division by zero gives no score
    same = await api.gql(
        """query($p: ID!) { previewScoringFormula(planId: $p, expression: "indicators") {
          people changed } }""",
        {"p": plan["id"]},
        as_user=sandbox.user("perf"),
    )
    assert same["data"]["previewScoringFormula"] == {"people": 2, "changed": 0}


async def test_a_personal_indicator_with_the_key_is_left_alone(api, make_company, db) -> None:
    sandbox = await make_company()
    plan = await active_plan(api, sandbox)
    await assign(plan, decode(sandbox.ids["staff"], "Employee"), "12", "5")
    await assign(
        plan, decode(sandbox.ids["mgr"], "Employee"), "8.5", "3", personal=frozenset({"revenue"})
    )
    keys = await plan_keys(plan)
    found = await preview(
        api, sandbox, plan, {"target": {"indicatorKey": keys["revenue"], "target": "12"}}
    )
    rows = by_person(found)
    assert rows["staff"]["delta"] == "-12"
    assert (rows["mgr"]["delta"], rows["mgr"]["newTotal"]) == ("0", "81")
    assert found["data"]["scorePreview"]["changed"] == 1


async def test_a_plan_without_assignments_previews_nobody(api, make_company, db) -> None:
    sandbox = await make_company()
    plan = await active_plan(api, sandbox)
    keys = await plan_keys(plan)
    found = await preview(
        api, sandbox, plan, {"weight": {"indicatorKey": keys["revenue"], "weight": "50"}}
    )
    assert found["data"]["scorePreview"] == {
        "people": 0,
        "changed": 0,
        "gradeChanges": 0,
        "rows": [],
    }
