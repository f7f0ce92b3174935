"""Rater statistics without a database: exact moments, Welch's p against scipy, the flags.

Reference p-values: ``scipy.stats.ttest_ind(a, b, equal_var=False).pvalue`` (scipy 1.17.1),
computed once and written here.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from server.analytics.raters import (
    Moments,
    RaterFlag,
    Spread,
    _points,
    flags_of,
    sqrt_of,
    welch_p,
)


def moments(values: list[int]) -> Moments:
    return Moments(len(values), sum(values), sum(v * v for v in values))


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ([5, 5, 4, 3, 5], [1, 2, 1, 3, 1, 3, 3, 3], 0.0018841436007681473),
        ([3, 4, 5, 4, 4, 5], [1, 2, 3, 2, 5, 4, 3, 1, 2], 0.010765095253381101),
        ([3, 3, 3, 3, 4], [1, 5, 2, 4, 3, 3, 5, 1], 0.7473302214121386),
    ],
)
def test_welch_p_matches_scipy(a: list[int], b: list[int], expected: float) -> None:
    assert welch_p(moments(a), moments(b)) == pytest.approx(expected, rel=1e-9)


def test_welch_p_degenerate_samples() -> None:
    assert welch_p(moments([4]), moments([1, 2, 3])) is None  # one rating: no variance
    assert welch_p(moments([4, 4]), moments([2, 2, 2])) == 0.0  # constant and apart
    assert welch_p(moments([3, 3]), moments([3, 3, 3])) == 1.0  # constant and equal


def test_moments_are_exact() -> None:
    m = moments([5, 5, 4, 3, 5])
    assert (m.mean, m.variance) == (Fraction(22, 5), Fraction(4, 5))
    assert sqrt_of(Fraction(338, 156)) == Decimal("1.47")
    assert moments([7]).variance is None
    assert moments([1, 2, 3]).minus(moments([3])) == moments([1, 2])


def test_flags_need_a_large_gap_a_small_p_or_a_narrow_spread() -> None:
    company = moments([5, 5, 4, 3, 5, 1, 2, 1, 3, 1, 3, 3, 3])
    lenient = moments([5, 5, 4, 3, 5])
    assert flags_of(lenient, company, 0.0019) == (RaterFlag.LENIENT,)
    # the same gap without significance is no flag
    assert flags_of(lenient, company, 0.2) == ()
    severe = moments([1, 2, 1, 3, 1])
    assert flags_of(severe, company, 0.0019) == (RaterFlag.SEVERE,)
    central = moments([3, 3, 3])
    assert flags_of(central, company, 1.0) == (RaterFlag.CENTRAL_TENDENCY,)
    # a significant but small gap (within half an sd) is not leniency
    near = moments([3, 4, 3, 4, 3, 4])
    assert RaterFlag.LENIENT not in flags_of(near, company, 0.001)
    assert flags_of(lenient, moments([4]), 0.001) == ()  # no company spread to compare


def test_self_gap_points_turn_for_lower_is_better() -> None:
    # claimed 12 of target 10, 9 recorded (stored in millionths): +30 points
    assert _points("12", 9_000_000, "10", "higher") == Decimal(30)
    # a defect rate claimed 2 where 3 was recorded: he claims better, so +20 points
    assert _points("2", 3_000_000, "5", "lower") == Decimal(20)
    assert _points("2", 3_000_000, "0", "higher") is None  # no target to scale by
    assert _points("abc", 3_000_000, "5", "higher") is None


def test_spread_z_scores_and_constant_groups() -> None:
    # 80, 90, 100 points in millionths: mean 90, sd 10
    units = [80_000_000, 90_000_000, 100_000_000]
    deviations = float(sum((u - 90_000_000) ** 2 for u in units))
    spread = Spread(3, sum(units), min(units), max(units), deviations)
    assert [spread.z(u) for u in units] == [-1.0, 0.0, 1.0]
    # equal scores: None, even when a float sum of squares is left a hair above 0
    assert Spread(3, 3 * 83_333_333, 83_333_333, 83_333_333, 1e-20).z(83_333_333) is None
    assert Spread(1, 5, 5, 5, 0.0).z(5) is None
