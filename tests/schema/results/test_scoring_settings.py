"""Grade bands and rating labels through the API: everyone reads them, the performance admin
sets them (checked whole, audited, live scores recomputed); nobody else may."""

from __future__ import annotations

from typing import Any

import pytest

from server.models import AuditEntry
from server.models.results import ScoringSettings
from server.scoring.grades import DEFAULT_GRADE_BANDS
from server.scoring.settings import load_setup

SETTINGS = """query { scoringSettings {
  gradeBands { key minimum name nameEn nameZh }
  ratingLabels { rating label en zh }
  formula { version expression }
  formulaVersions { version } } }"""
SET_BANDS = """mutation($b: [GradeBandInput!]!) { setGradeBands(bands: $b) {
  gradeBands { key minimum name nameEn nameZh } } }"""
SET_LABELS = """mutation($l: [RatingLabelInput!]!) { setRatingLabels(labels: $l) {
  ratingLabels { rating label en zh } } }"""

BANDS: list[dict[str, Any]] = [
    {"key": "A", "minimum": "95", "nameEn": "Outstanding", "nameZh": "卓越"},
    {"key": "B", "minimum": "75.5", "nameEn": "Solid", "nameZh": "稳健"},
    {"key": "C", "minimum": None, "nameEn": "Below", "nameZh": "待提升"},
]
LABELS: list[dict[str, Any]] = [
    {"rating": r, "en": en, "zh": zh}
    for r, en, zh in (
        (5, "Star", "明星"),
        (4, "Strong", "优良"),
        (3, "Steady", "称职"),
        (2, "Growing", "成长中"),
        (1, "Struggling", "需帮扶"),
    )
]


def error(payload: dict[str, Any]) -> dict[str, Any]:
    assert payload.get("errors"), payload
    return dict(payload["errors"][0]["extensions"])


async def test_everyone_reads_the_defaults(api, make_company) -> None:
    sandbox = await make_company()
    read = await api.gql(SETTINGS, as_user=sandbox.user("staff"))
    found = read["data"]["scoringSettings"]
    assert [(b["key"], b["minimum"], b["name"]) for b in found["gradeBands"]] == [
        ("excellent", "90", "Excellent"),
        ("good", "80", "Good"),
        ("pass", "70", "Pass"),
        ("fail", None, "Fail"),
    ]
    assert [r["rating"] for r in found["ratingLabels"]] == [1, 2, 3, 4, 5]
    assert found["formula"] is None and found["formulaVersions"] == []
    chinese = await api.gql(SETTINGS, as_user=sandbox.user("worker"), lang="zh")
    names = [b["name"] for b in chinese["data"]["scoringSettings"]["gradeBands"]]
    assert names == ["优秀", "良好", "合格", "不合格"]


async def test_the_performance_admin_sets_grade_bands(api, make_company, db) -> None:
    sandbox = await make_company()
    saved = await api.gql(SET_BANDS, {"b": BANDS}, as_user=sandbox.user("perf"), lang="zh")
    assert "errors" not in saved, saved
    bands = saved["data"]["setGradeBands"]["gradeBands"]
    assert [(b["key"], b["minimum"], b["name"]) for b in bands] == [
        ("A", "95", "卓越"),
        ("B", "75.5", "稳健"),
        ("C", None, "待提升"),
    ]
    read = await api.gql(SETTINGS, as_user=sandbox.user("staff"))
    assert [b["nameEn"] for b in read["data"]["scoringSettings"]["gradeBands"]] == [
        "Outstanding",
        "Solid",
        "Below",
    ]
    setup = await load_setup(sandbox.company_id)  # what scores are graded with from now on
    assert [(b.key, b.minimum) for b in setup.grade_bands] == [
        ("A", 95),
        ("B", 75.5),
        ("C", None),
    ]
    entry = await AuditEntry.get(company_id=sandbox.company_id, action="scoring_settings.update")
    assert entry.object_type == "scoring_settings" and entry.object_id == str(sandbox.company_id)
    assert entry.before is not None and entry.after is not None
    assert [b["key"] for b in entry.before["grade_bands"]] == [b.key for b in DEFAULT_GRADE_BANDS]
    assert [b["key"] for b in entry.after["grade_bands"]] == ["A", "B", "C"]


def bands_with(index: int, **changes: Any) -> list[dict[str, Any]]:
    bands = [dict(b) for b in BANDS]
    bands[index].update(changes)
    return bands


INVALID_BANDS = [
    (BANDS[2:], "TOO_FEW_ITEMS", "bands"),
    (
        [
            {"key": f"k{i}", "minimum": str(100 - i), "nameEn": f"e{i}", "nameZh": f"z{i}"}
            for i in range(10)
        ]
        + [BANDS[2]],
        "TOO_MANY_ITEMS",
        "bands",
    ),
    (bands_with(1, key="a"), "DUPLICATE_NAME", "bands[1].key"),  # keys ignore case
    (bands_with(1, nameZh="卓越"), "DUPLICATE_NAME", "bands[1].nameZh"),
    (bands_with(1, nameEn=" "), "REQUIRED", "bands[1].nameEn"),
    (bands_with(0, nameZh="级" * 41), "TOO_LONG", "bands[0].nameZh"),
    (bands_with(0, key="a b"), "INVALID_FORMAT", "bands[0].key"),
    (bands_with(1, minimum="95"), "GRADE_MINIMUMS_ORDER", "bands[1].minimum"),
    (bands_with(1, minimum="96"), "GRADE_MINIMUMS_ORDER", "bands[1].minimum"),
    (bands_with(1, minimum=None), "GRADE_CATCH_ALL", "bands[1].minimum"),
    (bands_with(2, minimum="10"), "GRADE_CATCH_ALL", "bands[2].minimum"),
    ([BANDS[2], BANDS[0], BANDS[1]], "GRADE_CATCH_ALL", "bands[0].minimum"),
    (bands_with(0, minimum="1000.01"), "INVALID_FORMAT", "bands[0].minimum"),
    (bands_with(0, minimum="1001"), "INVALID_FORMAT", "bands[0].minimum"),
    (bands_with(1, minimum="-1"), "MUST_NOT_BE_NEGATIVE", "bands[1].minimum"),
    (bands_with(1, minimum="75.555"), "INVALID_FORMAT", "bands[1].minimum"),
]


@pytest.mark.parametrize(("bands", "reason", "field"), INVALID_BANDS)
async def test_grade_bands_are_checked_whole(
    api, make_company, db, bands: list[dict[str, Any]], reason: str, field: str
) -> None:
    sandbox = await make_company()
    refused = await api.gql(SET_BANDS, {"b": bands}, as_user=sandbox.user("perf"))
    assert error(refused) == {"code": "BAD_USER_INPUT", "reason": reason, "field": field}
    assert not await ScoringSettings.filter(company_id=sandbox.company_id).exists()


async def test_band_errors_read_in_both_languages(api, make_company) -> None:
    sandbox = await make_company()
    variables = {"b": bands_with(1, minimum="96")}
    english = await api.gql(SET_BANDS, variables, as_user=sandbox.user("perf"))
    chinese = await api.gql(SET_BANDS, variables, as_user=sandbox.user("perf"), lang="zh")
    assert english["errors"][0]["message"].startswith("bands[1].minimum: list the grade bands")
    assert "从高到低" in chinese["errors"][0]["message"]


async def test_the_performance_admin_names_the_ratings(api, make_company, db) -> None:
    sandbox = await make_company()
    saved = await api.gql(SET_LABELS, {"l": LABELS}, as_user=sandbox.user("perf"), lang="zh")
    assert "errors" not in saved, saved
    labels = saved["data"]["setRatingLabels"]["ratingLabels"]
    assert [(x["rating"], x["label"]) for x in labels] == [
        (1, "需帮扶"),
        (2, "成长中"),
        (3, "称职"),
        (4, "优良"),
        (5, "明星"),
    ]
    read = await api.gql(SETTINGS, as_user=sandbox.user("staff"))
    assert read["data"]["scoringSettings"]["ratingLabels"][4]["label"] == "Star"
    # the bands are untouched by a labels change (the defaults still)
    assert len(read["data"]["scoringSettings"]["gradeBands"]) == 4
    entry = await AuditEntry.get(company_id=sandbox.company_id, action="scoring_settings.update")
    assert entry.after == {"rating_labels": sorted(LABELS, key=lambda x: x["rating"])}


def labels_with(index: int, **changes: Any) -> list[dict[str, Any]]:
    labels = [dict(x) for x in LABELS]
    labels[index].update(changes)
    return labels


@pytest.mark.parametrize(
    ("labels", "reason", "field"),
    [
        (LABELS[:4], "RATING_LABELS_INVALID", "labels"),
        ([*LABELS, {"rating": 6, "en": "x", "zh": "x"}], "RATING_LABELS_INVALID", "labels"),
        (labels_with(0, rating=4), "RATING_LABELS_INVALID", "labels"),
        (labels_with(0, rating=0), "RATING_LABELS_INVALID", "labels"),
        (labels_with(2, en=""), "REQUIRED", "labels[2].en"),
        (labels_with(2, zh="\u200b"), "REQUIRED", "labels[2].zh"),
        (labels_with(3, en="x" * 41), "TOO_LONG", "labels[3].en"),
    ],
)
async def test_rating_labels_are_one_per_rating(
    api, make_company, db, labels: list[dict[str, Any]], reason: str, field: str
) -> None:
    sandbox = await make_company()
    refused = await api.gql(SET_LABELS, {"l": labels}, as_user=sandbox.user("perf"))
    assert error(refused) == {"code": "BAD_USER_INPUT", "reason": reason, "field": field}
    assert not await ScoringSettings.filter(company_id=sandbox.company_id).exists()


@pytest.mark.parametrize("user", ["mgr", "staff", "hrvp", "gm", "admin"])
async def test_only_the_performance_admin_changes_settings(
    api, make_company, db, user: str
) -> None:
    sandbox = await make_company()
    for document, variables in (
        (SET_BANDS, {"b": BANDS}),
        (SET_LABELS, {"l": LABELS}),
        ('mutation { setScoringFormula(expression: "indicators") { formula { version } } }', {}),
    ):
        refused = await api.gql(document, variables, as_user=sandbox.user(user))
        assert error(refused) == {"code": "FORBIDDEN", "reason": "FORBIDDEN"}, (user, document)
    assert not await ScoringSettings.filter(company_id=sandbox.company_id).exists()
    assert not await AuditEntry.filter(
        company_id=sandbox.company_id, object_type="scoring_settings"
    ).exists()


async def test_signed_out_callers_read_nothing(api) -> None:
    assert error(await api.gql(SETTINGS))["code"] == "UNAUTHENTICATED"
