"""What-if previews: refused changes, who may preview, the statements a preview costs, and a
formula saved with its preview, then recorded (its version) by the recompute."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import pytest

from schema.ids import decode, encode
from server.models import Employee
from server.models.results import Score
from tests.schema.results.support import active_plan
from tests.schema.results.test_score_preview import (
    PREVIEW,
    assign,
    by_person,
    preview,
    sales_team,
    tables,
)


def error(payload: dict[str, Any]) -> dict[str, Any]:
    assert payload.get("errors"), payload
    return dict(payload["errors"][0]["extensions"])


async def test_changes_are_checked_before_anything_is_computed(api, make_company, db) -> None:
    sandbox = await make_company()
    plan, keys = await sales_team(api, sandbox)
    revenue = keys["revenue"]
    refusals: list[tuple[dict[str, Any], dict[str, Any]]] = [
        ({}, {"reason": "EXACTLY_ONE", "field": "change"}),
        (
            {
                "target": {"indicatorKey": revenue, "target": "12"},
                "weight": {"indicatorKey": revenue, "weight": "50"},
            },
            {"reason": "EXACTLY_ONE", "field": "change"},
        ),
        (
            {"target": {"indicatorKey": "nope", "target": "12"}},
            {"reason": "UNKNOWN_INDICATOR", "field": "change.target.indicatorKey"},
        ),
        (
            {"target": {"indicatorKey": revenue, "target": "0"}},
            {"reason": "MUST_BE_POSITIVE", "field": "change.target.target"},
        ),
        (
            {"target": {"indicatorKey": revenue, "target": "1e30"}},
            {"reason": "INVALID_FORMAT", "field": "change.target.target"},
        ),
        (
            {"weight": {"indicatorKey": revenue, "weight": "-1"}},
            {"reason": "MUST_NOT_BE_NEGATIVE", "field": "change.weight.weight"},
        ),
        (
            {"weight": {"indicatorKey": revenue, "weight": "101"}},
            {"reason": "INVALID_FORMAT", "field": "change.weight.weight"},
        ),
        (
            {"rule": {"indicatorKey": revenue, "scoring": {"kind": "RATIO", "cap": "50"}}},
            {"reason": "CAP_TOO_LOW", "field": "change.rule.scoring.cap"},
        ),
        (
            {"rule": {"indicatorKey": revenue, "scoring": {"kind": "RATING"}}},
            {"reason": "RATING_NOT_QUALITATIVE", "field": "change.rule.scoring.kind"},
        ),
        (
            {"rule": {"indicatorKey": revenue, "scoring": {"kind": "LINEAR"}}},
            {"reason": "REQUIRED", "field": "change.rule.scoring.zeroAnchor"},
        ),
        (
            {"formula": {"expression": "indicators + bonus"}},
            {"reason": "FORMULA_INVALID", "field": "change.formula.expression", "column": 14},
        ),
    ]
    before = await tables(sandbox.company_id)
    for change, expected in refusals:
        found = error(await preview(api, sandbox, plan, change))
        assert found == {"code": "BAD_USER_INPUT", **expected}, change
    message = await preview(
        api, sandbox, plan, {"formula": {"expression": "indicators + bonus"}}, lang="zh"
    )
    assert message["errors"][0]["message"] == (
        "change.formula.expression：未知名称“bonus”；可用 indicators, manager_rating, peer_rating，"
        "或函数 min, max, round（第 14 列）。"
    )
    one = await preview(api, sandbox, plan, {})
    assert "target, weight, rule, formula" in one["errors"][0]["message"]
    assert await tables(sandbox.company_id) == before


@pytest.mark.parametrize("user", ["mgr", "staff", "hrvp", "vpa", "gm"])
async def test_only_the_performance_admin_previews(api, make_company, db, user: str) -> None:
    sandbox = await make_company()
    plan, keys = await sales_team(api, sandbox)
    change = {"target": {"indicatorKey": keys["revenue"], "target": "12"}}
    refused = await api.gql(PREVIEW, {"p": plan["id"], "c": change}, as_user=sandbox.user(user))
    assert error(refused) == {"code": "FORBIDDEN", "reason": "FORBIDDEN"}
    formula = await api.gql(
        """query($p: ID!) { previewScoringFormula(planId: $p, expression: "indicators") {
          people } }""",
        {"p": plan["id"]},
        as_user=sandbox.user(user),
    )
    assert error(formula) == {"code": "FORBIDDEN", "reason": "FORBIDDEN"}


async def test_another_companys_plan_is_not_found(api, make_company, db) -> None:
    sandbox = await make_company()
    elsewhere = await make_company()
    plan, keys = await sales_team(api, elsewhere)
    change = {"target": {"indicatorKey": keys["revenue"], "target": "12"}}
    assert error(await preview(api, sandbox, plan, change))["code"] == "NOT_FOUND"
    missing = {"id": encode("Plan", uuid.uuid4())}
    assert error(await preview(api, sandbox, missing, change))["code"] == "NOT_FOUND"
    wrong = {"id": sandbox.ids["staff"]}
    assert error(await preview(api, sandbox, wrong, change)) == {
        "code": "BAD_USER_INPUT",
        "reason": "WRONG_ID_TYPE",
        "field": "planId",
    }


async def count_statements(api, caplog, sandbox, plan, change) -> int:
    caplog.clear()
    found = await preview(api, sandbox, plan, change)
    assert "errors" not in found, found
    return sum(
        1
        for r in caplog.records
        if r.name == "tortoise.db_client"
        and r.msg == "%s: %s"
        and '"outbox_event"' not in str(r.args[0])
    )


async def test_a_preview_costs_the_same_statements_for_any_population(
    api, make_company, db, caplog
) -> None:
    sandbox = await make_company()
    plan, keys = await sales_team(api, sandbox)
    change = {"weight": {"indicatorKey": keys["revenue"], "weight": "30"}}
    await api.token(sandbox.user("perf"))
    caplog.set_level(logging.DEBUG, logger="tortoise.db_client")
    await count_statements(api, caplog, sandbox, plan, change)  # caches warm
    small = await count_statements(api, caplog, sandbox, plan, change)
    staff = await Employee.get(id=decode(sandbox.ids["staff"], "Employee"))
    for n in range(20):
        extra = await Employee.create(
            company_id=staff.company_id,
            username=f"extra{n}@{sandbox.slug}",
            name=f"Extra {n}",
            employee_number=f"X{n:04d}",
            department_id=staff.department_id,
            manager_id=staff.manager_id,
        )
        await assign(plan, extra.id, str(n), "2", rating=3)
    large = await count_statements(api, caplog, sandbox, plan, change)
    found = await preview(api, sandbox, plan, change)
    assert found["data"]["scorePreview"]["people"] == 22
    assert large == small, (small, large)
    assert 5 <= small <= 10, small  # the plan, its indicators, the setup, the inputs


async def test_a_saved_formula_previews_its_plan_and_is_recorded(api, make_company, db) -> None:
    sandbox = await make_company()
    plan, _ = await sales_team(api, sandbox)
    perf = sandbox.user("perf")
    first = await api.gql(
        'mutation { setScoringFormula(expression: "indicators") { formula { version } } }',
        as_user=perf,
    )
    assert first["data"]["setScoringFormula"]["formula"]["version"] == 1
    saved = await api.gql(
        """mutation($p: ID) { setScoringFormula(
          expression: "round(0.5 * indicators + 0.5 * manager_rating, 0)", previewPlanId: $p) {
          formula { version } preview { people changed gradeChanges
            rows { employee { username } oldTotal newTotal newStatus } } } }""",
        {"p": plan["id"]},
        as_user=perf,
    )
    assert "errors" not in saved, saved
    answer = saved["data"]["setScoringFormula"]
    assert answer["formula"]["version"] == 2
    rows = by_person({"data": {"scorePreview": answer["preview"]}})
    assert (rows["staff"]["oldTotal"], rows["staff"]["newTotal"]) == ("122", "111")
    assert rows["mgr"]["newStatus"] == "INCOMPLETE"
    assert (answer["preview"]["people"], answer["preview"]["changed"]) == (2, 2)
    # The plan is ACTIVE: its live scores were recomputed under version 2 in the same save.
    scores = {
        s.employee_id: s
        for s in await Score.filter(plan_id=decode(plan["id"], "Plan"), frozen=False)
    }
    staff = scores[decode(sandbox.ids["staff"], "Employee")]
    assert (staff.formula_version, staff.total, staff.status) == (2, 111, "ok")
    mgr = scores[decode(sandbox.ids["mgr"], "Employee")]
    assert (mgr.formula_version, mgr.total, mgr.status) == (2, None, "incomplete")


async def test_a_refused_formula_with_a_preview_saves_nothing(api, make_company, db) -> None:
    sandbox = await make_company()
    plan = await active_plan(api, sandbox)
    before = await tables(sandbox.company_id)
    refused = await api.gql(
        """mutation($p: ID) { setScoringFormula(expression: "indicators **2", previewPlanId: $p) {
          formula { version } } }""",
        {"p": plan["id"]},
        as_user=sandbox.user("perf"),
    )
    assert error(refused) == {
        "code": "BAD_USER_INPUT",
        "reason": "FORMULA_INVALID",
        "field": "expression",
        "column": 12,
    }
    assert await tables(sandbox.company_id) == before
