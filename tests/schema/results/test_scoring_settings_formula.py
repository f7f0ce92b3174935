"""The final-score formula through the API: saved as versions (concurrent saves never share
one), refused with reason, field, column and message in English and Chinese, audited, and
followed by a recompute of every live plan."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID, uuid4

import pytest

from schema.ids import decode
from server.models import AuditEntry, Plan
from server.models.results import ScoringFormula
from server.scoring import recompute as recompute_module
from server.scoring.settings import load_setup
from tests.schema.results.support import active_plan

SAVE = """mutation($e: String!, $p: ID) { setScoringFormula(expression: $e, previewPlanId: $p) {
  formula { version expression components createdAt author { username } }
  preview { people } } }"""
READ = """query { scoringSettings { formula { version expression }
  formulaVersions { version expression author { username } } } }"""


def error(payload: dict[str, Any]) -> dict[str, Any]:
    assert payload.get("errors"), payload
    return dict(payload["errors"][0]["extensions"])


async def test_each_save_is_a_new_version_the_newest_in_force(api, make_company, db) -> None:
    sandbox = await make_company()
    perf = sandbox.user("perf")
    first = await api.gql(SAVE, {"e": "0.7 * indicators + 0.3 * manager_rating"}, as_user=perf)
    assert "errors" not in first, first
    formula = first["data"]["setScoringFormula"]["formula"]
    assert (formula["version"], formula["components"]) == (1, ["indicators", "manager_rating"])
    assert formula["author"]["username"] == perf
    assert first["data"]["setScoringFormula"]["preview"] is None
    second = await api.gql(SAVE, {"e": "  max(indicators, 60)  "}, as_user=perf)
    assert second["data"]["setScoringFormula"]["formula"]["expression"] == "max(indicators, 60)"
    read = await api.gql(READ, as_user=sandbox.user("staff"))
    found = read["data"]["scoringSettings"]
    assert found["formula"] == {"version": 2, "expression": "max(indicators, 60)"}
    assert [v["version"] for v in found["formulaVersions"]] == [2, 1]
    setup = await load_setup(sandbox.company_id)
    assert setup.formula_version == 2 and setup.formula is not None
    assert setup.formula.expression == "max(indicators, 60)"
    # an empty formula is a version too: the final score is the indicators' total again
    cleared = await api.gql(SAVE, {"e": ""}, as_user=perf)
    assert cleared["data"]["setScoringFormula"]["formula"] | {"createdAt": None} == {
        "version": 3,
        "expression": "",
        "components": [],
        "createdAt": None,
        "author": {"username": perf},
    }
    setup = await load_setup(sandbox.company_id)
    assert (setup.formula, setup.formula_version) == (None, 3)
    entries = await AuditEntry.filter(
        company_id=sandbox.company_id, action="scoring_formula.update"
    ).order_by("created_at")
    assert [(e.object_type, e.object_id) for e in entries] == [
        ("scoring_settings", str(sandbox.company_id))
    ] * 3
    assert entries[0].before is None
    assert entries[1].before == {
        "version": 1,
        "expression": first["data"]["setScoringFormula"]["formula"]["expression"],
    }
    assert entries[2].after == {"version": 3, "expression": ""}


@pytest.mark.parametrize(
    ("expression", "column", "english", "chinese"),
    [
        (
            "__import__('os')",
            1,
            "expression: unknown name '__import__'; use indicators, manager_rating, peer_rating or "
            "the "
            "functions min, max, round at column 1.",
            "expression：未知名称“__import__”；可用 indicators, manager_rating, peer_rating，或函数 "
            "min, "
            "max, round（第 1 列）。",
        ),
        (
            "0.7 * indicators)",
            17,
            "expression: unexpected ')' at column 17.",
            "expression：意外的“)”（第 17 列）。",
        ),
        (
            "indicators.__class__",
            11,
            "expression: unexpected character '.' at column 11.",
            "expression：意外的字符“.”（第 11 列）。",
        ),
        (
            "2**1000",
            2,
            "expression: '**' is not allowed: formulas have no power operator at column 2.",
            "expression：不允许使用“**”：公式不支持乘方（第 2 列）。",
        ),
        (
            "1e400",
            2,
            "expression: exponents are not allowed; write the number out in digits at column 2.",
            "expression：不允许使用指数记数法，请直接写出数字（第 2 列）。",
        ),
        (
            "(" * 21 + "indicators" + ")" * 21,
            21,
            "expression: nested more than 20 levels deep at column 21.",
            "expression：嵌套超过 20 层（第 21 列）。",
        ),
        (
            " " * 10_000,
            501,
            "expression: the formula is 10000 characters long, more than the 500 allowed at "
            "column 501.",
            "expression：公式长 10000 个字符，超过上限 500（第 501 列）。",
        ),
    ],
)
async def test_unsafe_formulas_are_refused_where_they_go_wrong(
    api, make_company, db, expression: str, column: int, english: str, chinese: str
) -> None:
    sandbox = await make_company()
    for lang, message in (("en", english), ("zh", chinese)):
        refused = await api.gql(SAVE, {"e": expression}, as_user=sandbox.user("perf"), lang=lang)
        assert error(refused) == {
            "code": "BAD_USER_INPUT",
            "reason": "FORMULA_INVALID",
            "field": "expression",
            "column": column,
        }
        assert refused["errors"][0]["message"] == message
    assert not await ScoringFormula.filter(company_id=sandbox.company_id).exists()
    assert not await AuditEntry.filter(
        company_id=sandbox.company_id, object_type="scoring_settings"
    ).exists()


async def test_concurrent_saves_get_distinct_versions(api, make_company, db) -> None:
    sandbox = await make_company()
    perf = sandbox.user("perf")
    await api.token(perf)  # signed in before the race, so only the saves race
    expressions = [f"indicators * 0.{i}" for i in range(1, 7)]
    results = await asyncio.gather(*(api.gql(SAVE, {"e": e}, as_user=perf) for e in expressions))
    saved = [r["data"]["setScoringFormula"]["formula"] for r in results if not r.get("errors")]
    refused = [error(r) for r in results if r.get("errors")]
    assert all(e == {"code": "CONFLICT", "reason": "SCORING_SETTINGS_CHANGED"} for e in refused)
    versions = sorted(s["version"] for s in saved)
    assert versions == list(range(1, len(saved) + 1)) and saved
    rows = await ScoringFormula.filter(company_id=sandbox.company_id).order_by("version")
    assert [(r.version, r.expression) for r in rows] == sorted(
        (s["version"], s["expression"]) for s in saved
    )


async def test_a_change_recomputes_every_live_plan(
    api, make_company, db, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = await make_company()
    live = await active_plan(api, sandbox)
    row = await Plan.get(id=decode(live["id"], "Plan"))
    others = {}
    for state in ("evaluating", "finalized", "draft", "closed"):
        other = row.clone(pk=uuid4())
        other.state = state
        await other.save()
        others[state] = other.id
    elsewhere = await make_company()  # another company's live plan is not this one's
    await active_plan(api, elsewhere)
    calls: list[tuple[UUID, UUID]] = []

    async def recorded(company_id: UUID, plan_id: UUID, employee_ids: Any = None) -> int:
        assert employee_ids is None  # the whole population
        calls.append((company_id, plan_id))
        return 0

    monkeypatch.setattr(recompute_module, "recompute", recorded)
    expected = sorted([row.id, others["evaluating"]])
    perf = sandbox.user("perf")
    saved = await api.gql(SAVE, {"e": "indicators"}, as_user=perf)
    assert "errors" not in saved, saved
    assert sorted(p for _, p in calls) == expected
    assert {c for c, _ in calls} == {sandbox.company_id}
    calls.clear()
    bands = await api.gql(
        """mutation { setGradeBands(bands: [{key: "a", minimum: "60", nameEn: "A", nameZh: "甲"},
          {key: "b", nameEn: "B", nameZh: "乙"}]) { gradeBands { key } } }""",
        as_user=perf,
    )
    assert "errors" not in bands, bands
    assert sorted(p for _, p in calls) == expected
    calls.clear()
    labels = await api.gql(
        """mutation { setRatingLabels(labels: [{rating: 1, en: "a", zh: "甲"},
          {rating: 2, en: "b", zh: "乙"}, {rating: 3, en: "c", zh: "丙"},
          {rating: 4, en: "d", zh: "丁"}, {rating: 5, en: "e", zh: "戊"}]) { ratingLabels { rating } } }""",
        as_user=perf,
    )
    assert "errors" not in labels, labels
    assert calls == []  # a label names a rating; no score depends on it


async def test_a_failed_recompute_rolls_the_save_back(
    api, make_company, db, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = await make_company()
    await active_plan(api, sandbox)

    async def broken(company_id: UUID, plan_id: UUID, employee_ids: Any = None) -> int:
        raise RuntimeError("recompute failed")

    monkeypatch.setattr(recompute_module, "recompute", broken)
    failed = await api.gql(SAVE, {"e": "indicators"}, as_user=sandbox.user("perf"))
    assert error(failed)["code"] == "INTERNAL"
    assert not await ScoringFormula.filter(company_id=sandbox.company_id).exists()
    assert not await AuditEntry.filter(
        company_id=sandbox.company_id, action="scoring_formula.update"
    ).exists()
