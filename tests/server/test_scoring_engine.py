"""The pure scoring engine (server/scoring): every rule kind, limit, edge case and explanation."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.indicators import Band, Gate, ScoringRule
from server.scoring import (
    DEFAULT_GRADE_BANDS,
    GradeBand,
    IndicatorScore,
    ScoreReason,
    Status,
    grade_for,
    score_indicator,
    score_total,
)
from server.vocabulary import BandBasis, Direction, ScoringKind

D = Decimal
W = D(100)
LOWER = Direction.LOWER
FEW = settings(max_examples=200, deadline=None)


def test_the_article_example_scores_122_excellent() -> None:
    sales = score_indicator(ScoringRule(), D(10), D(12), D(60), key="sales")
    customers = score_indicator(ScoringRule(), D(4), D(5), D(40), key="new_customers")
    total = score_total([sales, customers])
    assert (sales.contribution, customers.contribution) == (D(72), D(50))
    assert total.total == D("122.00") and total.status is Status.OK
    assert total.grade is not None and total.grade.key == "excellent"
    assert total.grade.name("zh") == "优秀"
    assert sales.explanation_en == "12 / 10 × 60 % = 72"
    assert customers.explanation_zh == "5 / 4 × 40 % = 50"
    assert ScoreReason.OVERACHIEVED in sales.reasons  # no cap by default
    assert total.explanation("en") == "72 + 50 = 122 → Excellent"
    assert total.explanation("zh") == "72 + 50 = 122 → 优秀"


@pytest.mark.parametrize(
    ("rule", "target", "actual", "score", "en"),
    [
        (ScoringRule(direction=LOWER), D(2), D(4), D(50), "2 / 4 × 100 % = 50"),
        (
            ScoringRule(kind=ScoringKind.LINEAR, direction=LOWER, zero_anchor=D(4)),
            D(1),
            D("2.5"),
            D(50),
            "(2.5 − 4) / (1 − 4) × 100 % = 50",
        ),
        (
            ScoringRule(kind=ScoringKind.TARGET_DISTANCE, penalty=D(5)),
            D(10),
            D(12),
            D(90),
            "(100 − 5 × |12 − 10|) = 90 × 100 % = 90",
        ),
        (
            ScoringRule(kind=ScoringKind.BANDS, bands=(Band(D(0), D(0)), Band(D(80), D(90)))),
            D(10),
            D("8.5"),
            D(90),
            "achievement 85 % → band from 80: 90 × 100 % = 90",
        ),
        (
            ScoringRule(
                kind=ScoringKind.BANDS,
                basis=BandBasis.ACTUAL,
                bands=(Band(D(0), D(10)), Band(D(3), D(70))),
            ),
            None,
            D(3),
            D(70),
            "actual 3 → band from 3: 70 × 100 % = 70",
        ),
        (ScoringRule(kind=ScoringKind.RATING), None, D(4), D(80), "rating 4 → 80 × 100 % = 80"),
        (
            ScoringRule(kind=ScoringKind.RATING, rating_points=tuple(map(D, (0, 50, 70, 90, 95)))),
            None,
            D(1),
            D(0),
            "rating 1 → 0 × 100 % = 0",
        ),
    ],
)
def test_each_kind(
    rule: ScoringRule, target: Decimal | None, actual: Decimal, score: Decimal, en: str
) -> None:
    result = score_indicator(rule, target, actual, W, key="k")
    assert result.status is Status.OK
    assert result.score == score
    assert result.explanation_en == en


def test_cap_and_floor_are_named_in_both_languages() -> None:
    capped = score_indicator(ScoringRule(cap=D(120)), D(10), D(13), D(60))
    assert capped.raw == D(130) and capped.score == D(120) and capped.contribution == D(72)
    assert capped.reasons == (ScoreReason.CAPPED,)
    assert capped.explanation_en == "13 / 10 × 100 = 130 → 120 × 60 % = 72 (capped at 120)"
    assert capped.explanation_zh == "13 / 10 × 100 = 130 → 120 × 60 % = 72（封顶 120）"
    floored = score_indicator(ScoringRule(floor=D(30)), D(10), D(1), D(50))
    assert floored.score == D(30) and floored.reasons == (ScoreReason.FLOORED,)
    assert floored.explanation_zh.endswith("（保底 30）")


def test_gate_caps_the_total() -> None:
    safety = score_indicator(ScoringRule(gate=Gate(D(60), D(60))), D(10), D(5), D(20), key="s")
    sales = score_indicator(ScoringRule(), D(10), D(15), D(80), key="sales")
    assert safety.gate_cap == D(60)
    assert "below the gate 60: the total is capped at 60" in safety.explanation_en
    assert "低于门槛 60：总分封顶 60" in safety.explanation_zh
    total = score_total([safety, sales])
    assert total.total == D("60.00") and total.gated_by == ("s",)
    assert total.explanation("en").endswith("= 60 → Fail (gated by s)")
    assert total.grade is not None and total.grade.key == "fail"
    passed = score_indicator(ScoringRule(gate=Gate(D(60), D(60))), D(10), D(6), D(20), key="s")
    assert score_total([passed, sales]).total == D("132.00")


def test_target_distance_stops_at_zero_unless_a_floor_says_otherwise() -> None:
    rule = ScoringRule(kind=ScoringKind.TARGET_DISTANCE, penalty=D(30))
    result = score_indicator(rule, D(10), D(6), W)
    assert result.raw == D(-20) and result.score == D(0)
    assert result.reasons == (ScoreReason.DISTANCE_FLOOR,)
    assert result.explanation_en == ("(100 − 30 × |6 − 10|) = -20 → 0 × 100 % = 0 (not below 0)")
    floored = score_indicator(ScoringRule(**{**rule.__dict__, "floor": D(10)}), D(10), D(6), W)
    assert floored.score == D(10) and floored.reasons == (ScoreReason.FLOORED,)


def test_missing_actual_makes_the_total_incomplete_never_zero() -> None:
    present = score_indicator(ScoringRule(), D(10), D(12), D(60), key="sales")
    absent = score_indicator(ScoringRule(), D(4), None, D(40), key="new_customers")
    assert absent.status is Status.MISSING and absent.reasons == (ScoreReason.MISSING_ACTUAL,)
    assert absent.explanation_zh == "尚无实际值：得分不完整"
    total = score_total([present, absent])
    assert total.status is Status.INCOMPLETE and total.total is None and total.grade is None
    assert total.missing == ("new_customers",) and total.reasons == (ScoreReason.INCOMPLETE,)
    assert total.explanation("zh") == "不完整：new_customers 无得分"
    no_target = score_indicator(ScoringRule(), None, D(3), W, key="x")
    assert no_target.status is Status.MISSING and no_target.reasons == (ScoreReason.MISSING_TARGET,)


@pytest.mark.parametrize(
    ("rule", "target", "actual", "reason"),
    [
        (ScoringRule(), D(0), D(3), ScoreReason.ZERO_TARGET),
        (ScoringRule(direction=LOWER), D(0), D(3), ScoreReason.ZERO_TARGET),
        (ScoringRule(), D(-5), D(3), ScoreReason.NEGATIVE_TARGET),
        (ScoringRule(direction=LOWER), D(2), D(0), ScoreReason.ZERO_ACTUAL_LOWER),
        (ScoringRule(direction=LOWER), D(2), D(-1), ScoreReason.NEGATIVE_ACTUAL_LOWER),
        (ScoringRule(kind=ScoringKind.LINEAR), D(2), D(1), ScoreReason.MISSING_ZERO_ANCHOR),
        (ScoringRule(kind=ScoringKind.LINEAR, zero_anchor=D(2)), D(2), D(1), ScoreReason.ZERO_SPAN),
        (ScoringRule(kind=ScoringKind.RATING), None, D(6), ScoreReason.RATING_OUT_OF_RANGE),
        (ScoringRule(kind=ScoringKind.RATING), None, D("2.5"), ScoreReason.RATING_OUT_OF_RANGE),
    ],
)
def test_undefined_inputs_are_reported_not_raised(
    rule: ScoringRule, target: Decimal, actual: Decimal, reason: ScoreReason
) -> None:
    result = score_indicator(rule, target, actual, W, key="k")
    assert result.status is Status.UNDEFINED and result.reasons == (reason,)
    assert result.score is None and result.explanation_en and result.explanation_zh
    total = score_total([result])
    assert total.status is Status.INCOMPLETE and total.undefined == ("k",)


def test_zero_actual_under_lower_scores_the_cap_when_there_is_one() -> None:
    result = score_indicator(ScoringRule(direction=LOWER, cap=D(150)), D(2), D(0), D(40))
    assert result.score == D(150) and ScoreReason.ZERO_ACTUAL_LOWER_CAPPED in result.reasons
    assert result.explanation_en.startswith("2 / 0 → 150 × 40 % = 60")


def test_zero_actual_under_lower_reaches_the_top_band() -> None:
    bands = (Band(D(0), D(0)), Band(D(100), D(100)), Band(D(120), D(110)))
    rule = ScoringRule(kind=ScoringKind.BANDS, direction=LOWER, bands=bands)
    result = score_indicator(rule, D(2), D(0), W)
    assert result.score == D(110) and result.reasons == (ScoreReason.ZERO_ACTUAL_LOWER_TOP_BAND,)
    assert result.explanation_zh.startswith("完成率 ∞ % → 120 起档位：110 × 100 % = 110")
    assert score_indicator(rule, D(2), D("1.6"), W).score == D(110)  # 125 %
    assert score_indicator(rule, D(2), D(3), W).score == D(0)  # 66.67 %


def test_negative_values() -> None:
    loss = score_indicator(ScoringRule(), D(10), D(-5), W)
    assert loss.score == D(-50) and ScoreReason.NEGATIVE_ACTUAL in loss.reasons
    assert "negative actual" in loss.explanation_en and "实际值为负数" in loss.explanation_zh
    line = ScoringRule(kind=ScoringKind.LINEAR, zero_anchor=D(-10))
    assert score_indicator(line, D(10), D(-5), W).score == D(25)
    bands = ScoringRule(kind=ScoringKind.BANDS, basis=BandBasis.ACTUAL, bands=(Band(D(0), D(50)),))
    below = score_indicator(bands, None, D(-1), W)
    assert below.score == D(0) and below.reasons == (ScoreReason.BELOW_BANDS,)


def test_rounding_is_half_up_once_at_the_end() -> None:
    # Thirds: each contribution shows as 33.33, yet the total, rounded once, is 100.
    thirds = [score_indicator(ScoringRule(), D(1), D(1), W / 3, key=str(i)) for i in range(3)]
    assert [i.explanation_en[-5:] for i in thirds] == ["33.33"] * 3
    assert score_total(thirds).total == D("100.00")
    half = score_indicator(ScoringRule(), D(1000), D("800.05"), W)  # 80.005
    total = score_total([half])
    assert half.score == D("80.005") and total.total == D("80.01")
    below = score_indicator(ScoringRule(), D(1000), D("799.95"), W)  # 79.995 -> 80.00, Good
    graded = score_total([below])
    assert graded.total == D("80.00") and graded.grade is not None
    assert graded.grade.key == "good"


def test_tenant_grade_bands_and_zero_weights() -> None:
    bands = (GradeBand("a", D(100), "A", "甲"), GradeBand("b", None, "B", "乙"))
    item = score_indicator(ScoringRule(), D(10), D(10), W)
    assert score_total([item], bands).grade == bands[0]
    weightless = score_indicator(ScoringRule(), D(10), D(10), D(0))
    total = score_total([weightless])
    assert total.status is Status.UNDEFINED and total.reasons == (ScoreReason.NO_WEIGHT,)


# Property tests ------------------------------------------------------------------------

positive = st.decimals(min_value=D("0.01"), max_value=D(100000), places=2)
values = st.decimals(min_value=D(-100000), max_value=D(100000), places=2)
DIRECTIONAL = [
    (ScoringRule(), positive),
    (ScoringRule(direction=LOWER), positive),
    (ScoringRule(kind=ScoringKind.LINEAR, zero_anchor=D(-50)), values),
    (ScoringRule(kind=ScoringKind.LINEAR, direction=LOWER, zero_anchor=D(500)), values),
    (ScoringRule(cap=D(120), floor=D(10)), positive),
]


@pytest.mark.parametrize(("rule", "actuals"), DIRECTIONAL)
def test_each_direction_is_monotonic_in_the_actual(
    rule: ScoringRule, actuals: st.SearchStrategy[Decimal]
) -> None:
    @FEW
    @given(actuals, actuals)
    def check(a: Decimal, b: Decimal) -> None:
        low, high = sorted((a, b))
        s_low = score_indicator(rule, D(100), low, W).score
        s_high = score_indicator(rule, D(100), high, W).score
        assert s_low is not None and s_high is not None
        if rule.direction is Direction.HIGHER:
            assert s_low <= s_high
        else:
            assert s_low >= s_high

    check()


weights = st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=8)


def _items(ws: list[int], actuals: list[Decimal]) -> list[IndicatorScore]:
    return [
        score_indicator(ScoringRule(), D(10), a, D(w), key=str(i))
        for i, (w, a) in enumerate(zip(ws, actuals, strict=False))
    ]


@FEW
@given(weights, st.lists(positive, min_size=8, max_size=8))
def test_total_is_the_sum_of_its_parts(ws: list[int], actuals: list[Decimal]) -> None:
    total = score_total(_items(ws, actuals))
    with localcontext(prec=60):  # the engine's precision
        assert total.exact == sum(p for _, p in total.parts)
    if sum(ws) == 100:
        items = total.items
        assert total.exact == sum(i.contribution for i in items if i.contribution is not None)


@FEW
@given(
    st.lists(st.integers(min_value=0, max_value=20), min_size=0, max_size=4),
    st.lists(values, min_size=5, max_size=5),
)
def test_with_weights_of_100_the_total_is_the_exact_sum_of_contributions(
    ws: list[int], actuals: list[Decimal]
) -> None:
    items = _items([*ws, 100 - sum(ws)], actuals)
    total = score_total(items)
    contributions = [i.contribution for i in items if i.contribution is not None]
    assert total.exact == sum(contributions)  # no normalizing division: exact
    assert all(i.contribution == i.weight / 100 * (i.score or 0) for i in items)


@FEW
@given(weights, st.lists(positive, min_size=8, max_size=8), st.integers(1, 1000))
def test_scaling_weights_changes_nothing(ws: list[int], actuals: list[Decimal], k: int) -> None:
    plain = score_total(_items(ws, actuals))
    scaled = score_total(_items([w * k for w in ws], actuals))
    assert plain.total == scaled.total and plain.grade == scaled.grade


@FEW
@given(weights, st.lists(values, min_size=8, max_size=8))
def test_the_grade_always_matches_the_total(ws: list[int], actuals: list[Decimal]) -> None:
    total = score_total(_items(ws, actuals))
    assert total.total is not None and total.grade is not None
    assert total.exact is not None
    assert total.total == total.exact.quantize(D("0.01"), rounding=ROUND_HALF_UP)
    expected = next(b for b in DEFAULT_GRADE_BANDS if b.minimum is None or total.total >= b.minimum)
    assert total.grade == expected == grade_for(total.total)
