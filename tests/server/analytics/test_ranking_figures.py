"""The ranking's per-department figures from exact SQL sums, and the trend's control limits,
against hand computation (no database: the sums are given as the statement returns them)."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from server.analytics.ranking import RankingBasis, _figures, _ranked, _Sums
from server.analytics.sql import variance
from server.analytics.trend import control

UNIT = 1_000_000


def sums(*totals: int) -> _Sums:
    """A department's sums as the statement returns them: units and cents squared."""
    return _Sums(
        headcount=len(totals),
        scored=len(totals),
        units=sum(t * UNIT for t in totals),
        squares=sum((t * 100) ** 2 for t in totals),
        completion_units=sum(t * UNIT for t in totals),
        completions=len(totals),
    )


A, B, C = UUID(int=1), UUID(int=2), UUID(int=3)
NAMES = {A: "A", B: "B", C: "C"}


def test_variance_from_exact_sums() -> None:
    # 90, 100: mean 95, s^2 = (25 + 25) / 1 = 50
    assert variance(2, 190 * UNIT, 9000**2 + 10000**2) == 50.0
    assert variance(1, 90 * UNIT, 9000**2) == 0.0


def test_shrinkage_pulls_small_groups_hardest() -> None:
    # A: 90 100 (n 2, mean 95, s^2 50); B: 60 70 80 70 (n 4, mean 70, s^2 200/3);
    # C: 75 85 80 (n 3, mean 80, s^2 25).
    # sigma^2 = (1 x 50 + 3 x 66.667 + 2 x 25) / 6 = 50; grand mean 710 / 9 = 78.889;
    # MSB = (2 x 16.111^2 + 4 x 8.889^2 + 3 x 1.111^2) / 2 = 419.444;
    # n0 = (9 - 29 / 9) / 2 = 2.8889; tau^2 = (419.444 - 50) / 2.8889 = 127.885.
    # weights 1 / (tau^2 + sigma^2 / n): A 1 / 152.885, B 1 / 140.385, C 1 / 144.552;
    # mu = 81.306; B_i = tau^2 / (tau^2 + sigma^2 / n): A 0.83648, B 0.91096, C 0.88470:
    # A 81.306 + 0.83648 x 13.694 = 92.76, B 81.306 - 0.91096 x 11.306 = 71.01,
    # C 81.306 - 0.88470 x 1.306 = 80.15.
    figures = {
        f.department_id: f
        for f in _figures({A: sums(90, 100), B: sums(60, 70, 80, 70), C: sums(75, 85, 80)}, NAMES)
    }
    assert figures[A].shrunken == Decimal("92.76")
    assert figures[B].shrunken == Decimal("71.01")
    assert figures[C].shrunken == Decimal("80.15")
    assert figures[A].average == Decimal("95.00")
    assert figures[B].completion_rate == Decimal("0.7000")
    # A: t(0.975, 1) = 12.7062 x sqrt(50) / sqrt(2) = 63.53 -> [31.47, 158.53]
    assert figures[A].interval == (Decimal("31.47"), Decimal("158.53"))


def test_ranks_share_ties_and_put_the_unscored_last() -> None:
    empty = _Sums(headcount=3)
    figures = _figures({A: sums(80, 90), B: sums(85), C: empty}, NAMES)
    ranked = [(rank, f.name) for rank, f in _ranked(figures, RankingBasis.AVERAGE)]
    assert ranked == [(1, "A"), (1, "B"), (3, "C")]
    assert next(f for f in figures if f.name == "C").average is None
    assert next(f for f in figures if f.name == "B").interval is None  # one person


def test_control_limits_flag_a_real_drop() -> None:
    # nine months at 80 and one at 50: mean 77, s^2 = (9 x 3^2 + 27^2) / 9 = 90,
    # s = 9.4868; limits 77 -/+ 18.97 = [58.03, 95.97]: 50 is out, the 80s are not
    points = [Decimal(80)] * 9 + [Decimal(50), None]
    (mean, sd, lower, upper), flags = control(points)
    assert (mean, sd, lower, upper) == (
        Decimal("77.00"),
        Decimal("9.49"),
        Decimal("58.03"),
        Decimal("95.97"),
    )
    assert flags == [False] * 9 + [True, False]
    assert control([Decimal(80), None]) == ((None, None, None, None), [False, False])
