"""Rater effects: how each manager's ratings sit against the company's (docs/analytics.md).

The ratings are the overall ratings (1-5) of submitted manager evaluations of the period's
plans, within the caller's reach (``analytics:raters``). Per rater, SQL counts them and
adds them and their squares (whole numbers, exact on both backends); means and standard
deviations follow exactly in ``Decimal``. The company's figures are over every rating in
reach, so a VP compares his managers with his divisions.

- ``meanGap``: the rater's mean minus the company's.
- ``LENIENT`` / ``SEVERE``: the gap is beyond half the company's standard deviation AND a
  Welch t-test of his ratings against everyone else's in reach gives p < 0.05 (a large gap
  on three people is not yet a habit).
- ``CENTRAL_TENDENCY``: his standard deviation is below half the company's (he rates
  everyone alike).
- ``selfGap``: how far his people's self-evaluations sit above what was recorded. A self-
  evaluation states the person's own figure for his manual indicators; the manager's view
  of the same indicator is the recorded actual. Per indicator the difference is in
  achievement points, ``(self - recorded) / target x 100`` (the sign turned for
  lower-is-better indicators), averaged per person and then over the rater's people.
- A rater with fewer distinct people rated than the tenant's ``minRatees`` is not shown.
- ``normalized_scores``: each scored person's final score as a z-score within his rater's
  people (the rater of his manager evaluation, else his manager of record), for
  calibration: a page at a time, the rater's mean and sd from one grouped read of the
  page's raters. An export takes every row (a file, one pass).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any
from uuid import UUID

from server.analytics import raters_sql as q
from server.analytics.periods import Period
from server.analytics.scope import Reach
from server.analytics.settings import analytics_settings
from server.analytics.stats_dist import t_two_sided
from server.errors import BadInput
from server.models.fields import from_units
from server.paging import Page, check_first, decode_cursor, encode_cursor
from server.scoring import sql

TWO = Decimal("0.01")
ALPHA = 0.05
GAP_SDS = Fraction(1, 2)  # a lenient or severe mean lies beyond half a company sd
CENTRAL_SDS = Fraction(1, 2)  # a central rater's sd is below half the company's


class RaterFlag(StrEnum):
    LENIENT = "lenient"
    SEVERE = "severe"
    CENTRAL_TENDENCY = "central_tendency"


@dataclass(frozen=True)
class Moments:
    """Count, sum and sum of squares of whole-number ratings: exact statistics."""

    n: int
    total: int
    squares: int

    @property
    def mean(self) -> Fraction:
        return Fraction(self.total, self.n)

    @property
    def variance(self) -> Fraction | None:
        """The sample variance (n - 1), exact; None below two ratings."""
        if self.n < 2:
            return None
        return Fraction(self.n * self.squares - self.total * self.total, self.n * (self.n - 1))

    def minus(self, other: Moments) -> Moments:
        return Moments(self.n - other.n, self.total - other.total, self.squares - other.squares)


def decimal_of(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(TWO)


def sqrt_of(value: Fraction) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.sqrt().quantize(TWO)


def welch_p(one: Moments, rest: Moments) -> float | None:
    """Two-sided p of Welch's t-test of ``one``'s mean against ``rest``'s; None when either
    side has fewer than two ratings. Two constant samples: 0 if their means differ, else 1."""
    v1, v2 = one.variance, rest.variance
    if v1 is None or v2 is None:
        return None
    a, b = v1 / one.n, v2 / rest.n
    difference = one.mean - rest.mean
    if a + b == 0:
        return 0.0 if difference else 1.0
    t = float(difference) / math.sqrt(float(a + b))
    df = float((a + b) ** 2 / (a * a / (one.n - 1) + b * b / (rest.n - 1)))
    return t_two_sided(t, df)


@dataclass(frozen=True)
class RaterEffect:
    manager_id: UUID
    ratees: int
    ratings: int
    mean: Decimal
    sd: Decimal | None
    mean_gap: Decimal
    self_gap: Decimal | None
    p_value: float | None
    flags: tuple[RaterFlag, ...]


@dataclass(frozen=True)
class NormalizedScore:
    employee_id: UUID
    manager_id: UUID
    score: Decimal
    z_score: float | None


@dataclass(frozen=True)
class RaterEffects:
    reach: Reach
    company_mean: Decimal | None
    company_sd: Decimal | None
    min_ratees: int
    raters: list[RaterEffect]
    normalized: list[NormalizedScore]


def flags_of(one: Moments, company: Moments, p: float | None) -> tuple[RaterFlag, ...]:
    variance = company.variance
    if variance is None:
        return ()
    found: list[RaterFlag] = []
    gap = one.mean - company.mean
    # |gap| > k sd  <=>  gap^2 > k^2 var: exact, no square root
    beyond = gap * gap > GAP_SDS * GAP_SDS * variance
    if beyond and p is not None and p < ALPHA:
        found.append(RaterFlag.LENIENT if gap > 0 else RaterFlag.SEVERE)
    own = one.variance
    if own is not None and own < CENTRAL_SDS * CENTRAL_SDS * variance:
        found.append(RaterFlag.CENTRAL_TENDENCY)
    return tuple(found)


def _points(claimed: Any, recorded: Any, target: Any, direction: Any) -> Decimal | None:
    """``(claimed - recorded) / target x 100``, turned for lower-is-better; None without a
    usable target or figure."""
    try:
        goal = Decimal(str(target))
        figure = Decimal(str(claimed))
    except (ArithmeticError, ValueError):
        return None
    if not goal.is_finite() or not figure.is_finite() or goal == 0:
        return None
    points = (figure - from_units(recorded, 6)) / goal * 100
    return -points if direction == "lower" else points


async def _self_gaps(period: Period, scope: Reach) -> dict[UUID, Decimal]:
    """Per rater, the mean over his people of their mean self-versus-recorded gap."""
    params: list[Any] = []
    per_person: dict[tuple[UUID, UUID], list[Decimal]] = defaultdict(list)
    for rater, employee, claimed, recorded, target, direction in await sql.fetch(
        q.self_gaps_sql(period, scope, params), params
    ):
        if rater is None or target is None:
            continue
        points = _points(claimed, recorded, target, direction)
        if points is not None:
            per_person[(sql.as_uuid(rater), sql.as_uuid(employee))].append(points)
    per_rater: dict[UUID, list[Decimal]] = defaultdict(list)
    for (rater, _), gaps in sorted(per_person.items(), key=lambda i: (str(i[0][0]), str(i[0][1]))):
        per_rater[rater].append(sum(gaps, Decimal(0)) / len(gaps))
    return {r: (sum(g, Decimal(0)) / len(g)).quantize(TWO) for r, g in per_rater.items()}


@dataclass(frozen=True)
class Spread:
    """A rater's people's scores (stored units): count, sum, least, greatest, and the sum
    of squared deviations from their mean."""

    n: int
    total: int
    low: int
    high: int
    deviations: float

    def z(self, value: int) -> float | None:
        """(value - mean) / sample sd, to 6 places; None below two people or when they all
        scored the same (tested exactly, not on a float sd that rounding leaves above 0)."""
        if self.n < 2 or self.low == self.high:
            return None
        sd = math.sqrt(self.deviations / (self.n - 1))
        if sd == 0:
            return None
        return round(float(Fraction(value * self.n - self.total, self.n)) / sd, 6)


def _after(cursor: str | None) -> tuple[UUID, int, UUID] | None:
    """The (rater, score in units, score id) of a normalized-score cursor."""
    if cursor is None:
        return None
    key, row_id = decode_cursor(cursor)
    rater, _, total = key.partition("/")
    try:
        found = (UUID(rater), int(total), row_id)
    except ValueError as exc:
        raise BadInput("bad_cursor", field="after") from exc
    if not -(2**63) <= found[1] < 2**63:  # a BIGINT column: a larger figure fails the driver
        raise BadInput("bad_cursor", field="after")
    return found


async def normalized_scores(
    period: Period,
    scope: Reach,
    raters: Collection[UUID],
    *,
    first: int | None = None,
    after: str | None = None,
) -> Page[NormalizedScore]:
    """The scored people of ``raters`` (shown raters) with their z-scores within their
    rater's people, in (rater, score descending) order: a page of ``first`` after
    ``after``, or every row (``first`` None: an export). Two statements: the page, then the
    spread of the page's raters. The rows read and answered are bounded by ``first``; the
    database sorts the period's scores in reach once (no index holds the rater)."""
    if first is not None:
        check_first(first)
    start = _after(after)
    if not raters:
        return Page([], [], False)
    params: list[Any] = []
    limit = None if first is None else first + 1
    rows = await sql.fetch(q.rated_page_sql(period, scope, raters, start, limit, params), params)
    more = first is not None and len(rows) > first
    rows = rows[:first] if first is not None else rows
    if not rows:
        return Page([], [], more)
    page = [(sql.as_uuid(r), sql.as_uuid(e), int(t), sql.as_uuid(i)) for r, e, t, i in rows]
    params = []
    spreads = {
        sql.as_uuid(r[0]): Spread(int(r[1]), int(r[2]), int(r[3]), int(r[4]), float(r[5]))
        for r in await sql.fetch(
            q.rated_spread_sql(period, scope, {p[0] for p in page}, params), params
        )
    }
    found = [
        NormalizedScore(
            e, r, from_units(t, 6).quantize(TWO), spreads[r].z(t) if r in spreads else None
        )
        for r, e, t, _ in page
    ]
    cursors = [encode_cursor(f"{r}/{t}", i) for r, _, t, i in page]
    return Page(found, cursors, more)


async def rater_effects(period: Period, scope: Reach, normalized: bool = False) -> RaterEffects:
    """The rater effects of ``period`` over ``scope`` (a reach for ``analytics:raters``)."""
    minimum = (await analytics_settings(scope.company_id)).min_ratees
    params: list[Any] = []
    rows = await sql.fetch(q.ratings_sql(period, scope, params), params)
    moments = {sql.as_optional_uuid(r[0]): Moments(int(r[1]), int(r[3]), int(r[4])) for r in rows}
    people = {sql.as_optional_uuid(r[0]): int(r[2]) for r in rows}
    company = Moments(
        sum(m.n for m in moments.values()),
        sum(m.total for m in moments.values()),
        sum(m.squares for m in moments.values()),
    )
    if company.n == 0:
        return RaterEffects(scope, None, None, minimum, [], [])
    variance = company.variance
    self_gaps = await _self_gaps(period, scope)
    effects: list[RaterEffect] = []
    for rater, one in moments.items():
        if rater is None or people[rater] < minimum:
            continue
        p = welch_p(one, company.minus(one))
        own = one.variance
        effects.append(
            RaterEffect(
                manager_id=rater,
                ratees=people[rater],
                ratings=one.n,
                mean=decimal_of(one.mean),
                sd=None if own is None else sqrt_of(own),
                mean_gap=decimal_of(one.mean - company.mean),
                self_gap=self_gaps.get(rater),
                p_value=None if p is None else float(f"{p:.6g}"),
                flags=flags_of(one, company, p),
            )
        )
    effects.sort(key=lambda e: (-e.mean_gap, str(e.manager_id)))
    shown = {e.manager_id for e in effects}
    return RaterEffects(
        reach=scope,
        company_mean=decimal_of(company.mean),
        company_sd=None if variance is None else sqrt_of(variance),
        min_ratees=minimum,
        raters=effects,
        normalized=(await normalized_scores(period, scope, shown)).rows if normalized else [],
    )
