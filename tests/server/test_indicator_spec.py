"""server/indicators.py: one stored form per type (to_json/from_json round trip), one check
naming the field, and the shipped templates written with the same codec plans use."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from server.errors import BadInput
from server.indicators import (
    CLEARED,
    DEFAULT_RATING_POINTS,
    Band,
    Gate,
    IndicatorSpec,
    ScoringRule,
)
from server.plans.templates import SEEDS
from server.plans.validation import check_indicators
from server.plans.versions import scoring_change
from server.vocabulary import BandBasis, Direction, ScoringKind

D = Decimal
METRICS = {"sales.revenue", "production.output"}
BANDS = (Band(D(0), D(0)), Band(D(80), D("60.5")), Band(D(100), D(100)))

RULES = {
    "ratio": ScoringRule(),
    "ratio capped": ScoringRule(direction=Direction.LOWER, cap=D(120), floor=D(0)),
    "linear": ScoringRule(kind=ScoringKind.LINEAR, zero_anchor=D("6000.5")),
    "distance": ScoringRule(kind=ScoringKind.TARGET_DISTANCE, penalty=D("2.5")),
    "bands": ScoringRule(kind=ScoringKind.BANDS, bands=BANDS),
    "bands actual": ScoringRule(
        kind=ScoringKind.BANDS, direction=Direction.LOWER, basis=BandBasis.ACTUAL, bands=BANDS
    ),
    "rating": ScoringRule(kind=ScoringKind.RATING),
    "rating points": ScoringRule(
        kind=ScoringKind.RATING, rating_points=tuple(D(p) for p in (0, 50, 70, 90, 100))
    ),
    "gated": ScoringRule(gate=Gate(D(60), D(0))),
}
STORED = {
    "ratio": {"kind": "ratio", "direction": "higher"},
    "ratio capped": {"kind": "ratio", "direction": "lower", "floor": "0", "cap": "120"},
    "linear": {"kind": "linear", "direction": "higher", "zero_anchor": "6000.5"},
    "distance": {"kind": "target_distance", "direction": "higher", "penalty": "2.5"},
    "bands": {
        "kind": "bands",
        "direction": "higher",
        "bands": [
            {"from": "0", "score": "0"},
            {"from": "80", "score": "60.5"},
            {"from": "100", "score": "100"},
        ],
        "basis": "achievement",
    },
    "rating": {
        "kind": "rating",
        "direction": "higher",
        "rating_points": ["20", "40", "60", "80", "100"],
    },
    "gated": {"kind": "ratio", "direction": "higher", "gate": {"below": "60", "total_cap": "0"}},
}


def spec(rule: ScoringRule, **changes: Any) -> IndicatorSpec:
    qualitative = rule.kind is ScoringKind.RATING
    target = None if qualitative else D(10000)
    fields: dict[str, Any] = {"weight": D(100), "target": target, "qualitative": qualitative}
    return IndicatorSpec(name="产量 Output", scoring=rule, **(fields | changes))


@pytest.mark.parametrize("name", list(RULES))
def test_every_rule_round_trips_and_passes_its_check(name: str) -> None:
    rule = RULES[name]
    stored = rule.to_json()
    if name in STORED:
        assert stored == STORED[name]
    assert ScoringRule.from_json(stored) == rule
    item = spec(rule, key="k1", unit="件", description="说明", data_source="production.output")
    assert IndicatorSpec.from_json(item.to_json(), key="k1") == item
    assert item.check("indicators[0]", METRICS) == item


def test_decimals_are_stored_as_plain_strings() -> None:
    rule = ScoringRule(cap=D("1.2E+2"), floor=D("-0.50"))
    assert rule.to_json() == {
        "kind": "ratio",
        "direction": "higher",
        "floor": "-0.50",
        "cap": "120",
    }
    checked = spec(rule, weight=D("1E+2"), target=D("1.000")).check("i", METRICS)
    assert (checked.weight, checked.target, checked.scoring.floor) == (D(100), D(1), D("-0.5"))
    assert checked.to_json()["weight"] == "100" and checked.to_json()["target"] == "1"


def test_a_rule_keeps_only_what_its_kind_uses() -> None:
    mixed = ScoringRule(
        kind=ScoringKind.RATIO,
        zero_anchor=D(5),
        penalty=D(2),
        bands=BANDS,
        basis=BandBasis.ACTUAL,
        rating_points=(D(1),),
        cap=D(150),
    )
    assert spec(mixed).check("i", METRICS).scoring == ScoringRule(cap=D(150))
    assert mixed.to_json() == {"kind": "ratio", "direction": "higher", "cap": "150"}
    # what a null in a patch gives: each optional field's default
    assert CLEARED == {
        "zero_anchor": None,
        "penalty": None,
        "floor": None,
        "cap": None,
        "bands": (),
        "basis": BandBasis.ACHIEVEMENT,
        "rating_points": DEFAULT_RATING_POINTS,
        "gate": None,
    }


LINEAR = ScoringKind.LINEAR
CASES: list[tuple[str, IndicatorSpec, str, str]] = [
    ("cap", spec(ScoringRule(cap=D(90))), "scoring.cap", "cap_too_low"),
    ("floor", spec(ScoringRule(cap=D(120), floor=D(121))), "scoring.floor", "floor_above_cap"),
    ("floor range", spec(ScoringRule(floor=D(10001))), "scoring.floor", "invalid_format"),
    ("anchor", spec(ScoringRule(kind=LINEAR)), "scoring.zeroAnchor", "required"),
    (
        "anchor = target",
        spec(ScoringRule(kind=LINEAR, zero_anchor=D(10000))),
        "scoring.zeroAnchor",
        "zero_anchor_side",
    ),
    (
        "anchor above, higher",
        spec(ScoringRule(kind=LINEAR, zero_anchor=D(20000))),
        "scoring.zeroAnchor",
        "zero_anchor_side",
    ),
    (
        "anchor below, lower",
        spec(ScoringRule(kind=LINEAR, direction=Direction.LOWER, zero_anchor=D(0))),
        "scoring.zeroAnchor",
        "zero_anchor_side",
    ),
    (
        "linear target",
        spec(ScoringRule(kind=LINEAR, zero_anchor=D(0)), target=None),
        "target",
        "required",
    ),
    (
        "penalty",
        spec(ScoringRule(kind=ScoringKind.TARGET_DISTANCE)),
        "scoring.penalty",
        "required",
    ),
    (
        "penalty zero",
        spec(ScoringRule(kind=ScoringKind.TARGET_DISTANCE, penalty=D(0))),
        "scoring.penalty",
        "must_be_positive",
    ),
    ("no bands", spec(ScoringRule(kind=ScoringKind.BANDS)), "scoring.bands", "required"),
    (
        "bands from 10",
        spec(ScoringRule(kind=ScoringKind.BANDS, bands=BANDS[1:])),
        "scoring.bands",
        "bands_invalid",
    ),
    (
        "bands equal",
        spec(ScoringRule(kind=ScoringKind.BANDS, bands=(BANDS[0], BANDS[0]))),
        "scoring.bands",
        "bands_invalid",
    ),
    (
        "band places",
        spec(ScoringRule(kind=ScoringKind.BANDS, bands=(Band(D(0), D("0.00001")),))),
        "scoring.bands[0].score",
        "invalid_format",
    ),
    (
        "rating points count",
        spec(ScoringRule(kind=ScoringKind.RATING, rating_points=(D(1), D(2)))),
        "scoring.ratingPoints",
        "rating_points_invalid",
    ),
    (
        "rating points order",
        spec(
            ScoringRule(
                kind=ScoringKind.RATING, rating_points=tuple(D(p) for p in (20, 40, 30, 80, 100))
            )
        ),
        "scoring.ratingPoints",
        "rating_points_invalid",
    ),
    (
        "rated, not qualitative",
        spec(ScoringRule(kind=ScoringKind.RATING), qualitative=False),
        "qualitative",
        "rating_not_qualitative",
    ),
    (
        "qualitative, not rated",
        spec(ScoringRule(), qualitative=True),
        "scoring.kind",
        "invalid_format",
    ),
    (
        "gate below",
        spec(ScoringRule(gate=Gate(D(-1), D(60)))),
        "scoring.gate.below",
        "must_not_be_negative",
    ),
    (
        "gate cap",
        spec(ScoringRule(gate=Gate(D(60), D("-0.5")))),
        "scoring.gate.totalCap",
        "must_not_be_negative",
    ),
    (
        "gate range",
        spec(ScoringRule(gate=Gate(D(60), D(10001)))),
        "scoring.gate.totalCap",
        "invalid_format",
    ),
    ("kind", spec(ScoringRule(kind="capped")), "scoring.kind", "invalid_format"),  # type: ignore[arg-type]
    ("key", spec(ScoringRule(), key="k" * 37), "key", "too_long"),
    ("metric", spec(ScoringRule(), data_source="sales.mood"), "dataSource", "unknown_metric"),
]


@pytest.mark.parametrize(("name", "item", "field", "key"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_is_checked_naming_its_field(
    name: str, item: IndicatorSpec, field: str, key: str
) -> None:
    with pytest.raises(BadInput) as refused:
        item.check("indicators[2]", METRICS)
    assert (refused.value.field, refused.value.key) == (f"indicators[2].{field}", key)


def test_the_valid_edges_pass() -> None:
    cases = [
        ScoringRule(kind=LINEAR, zero_anchor=D(-5)),
        ScoringRule(kind=LINEAR, direction=Direction.LOWER, zero_anchor=D(10001)),
        ScoringRule(cap=D(100), floor=D(100)),
        ScoringRule(gate=Gate(D(0), D(0))),
        ScoringRule(
            kind=ScoringKind.BANDS,
            basis=BandBasis.ACTUAL,
            bands=(Band(D(0), D(100)), Band(D("123456.123456"), D(0))),
        ),
        ScoringRule(kind=ScoringKind.RATING, rating_points=(D(50),) * 5),
    ]
    for rule in cases:
        assert spec(rule).check("i", METRICS).scoring == rule
    # a rated indicator needs no target, and may keep one
    assert spec(RULES["rating"], target=D(4)).check("i", METRICS).target == D(4)


def test_the_shipped_templates_are_stored_with_the_plans_codec_and_are_valid() -> None:
    for seed in SEEDS:
        items = tuple(IndicatorSpec.from_json(entry) for entry in seed["indicators"])
        assert [i.to_json() for i in items] == seed["indicators"]
        checked = check_indicators(
            items,
            {
                "sales.revenue",
                "sales.new_customers",
                "production.output",
                "production.defect_rate",
                "attendance.rate",
            },
        )  # type: ignore[arg-type]
        assert [replace(i, key=None) for i in checked] == list(items)
    finance = next(s for s in SEEDS if s["key"] == "finance_kpi")
    assert finance["indicators"][1]["scoring"]["kind"] == "rating"
    defects = next(s for s in SEEDS if s["key"] == "production_kpi")["indicators"][1]
    assert defects["scoring"] == {"kind": "ratio", "direction": "lower"}


def test_a_diff_names_the_parts_of_a_rule_that_changed() -> None:
    capped = ScoringRule(cap=D(120))
    assert scoring_change(capped, replace(capped, cap=D(150))) == ("cap 120", "cap 150")
    assert scoring_change(capped, replace(capped, gate=Gate(D(60), D(60)))) == (
        "gate —",
        "gate below 60: total ≤ 60",
    )
    assert scoring_change(capped, replace(capped, direction=Direction.LOWER)) == ("", "")
    assert scoring_change(capped, RULES["bands"]) == (
        "kind ratio; cap 120",
        "kind bands; bands from 0: 0, from 80: 60.5, from 100: 100",
    )
    assert scoring_change(RULES["bands"], RULES["bands actual"])[1] == (
        "bands from 0: 0, from 80: 60.5, from 100: 100 (actual)"
    )
