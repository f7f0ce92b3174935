"""The department ranking of a period: per department its headcount, completion rate,
average score with a 95 % t-interval, the empirical-Bayes shrunken average, its rank, and
the change against the previous period.

One statement reads both periods grouped by (period, department): row count, scored count,
the exact sums of totals and of their squares (cents), the sum and count of completions.
Everything after that is per department in Python: the interval and the shrinkage from
server/analytics/stats.py over those exact sums. A department is the one each score row
was assigned in (its department at assignment time), as every score read places it.

Small teams must not top the table by chance: the interval shows how little a mean of
three says, and ``SHRUNKEN`` ranks by the average pulled toward the scope's mean by
``B = tau^2 / (tau^2 + sigma^2 / n)`` (docs/analytics.md).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from server.analytics import sql as asql
from server.analytics import stats
from server.analytics.periods import Period, previous
from server.analytics.scope import Reach
from server.errors import Forbidden
from server.org_tree import org_chart
from server.scoring import sql

LEVEL = Decimal("0.95")


class RankingBasis(StrEnum):
    AVERAGE = "average"
    SHRUNKEN = "shrunken"
    COMPLETION = "completion"


@dataclass
class _Sums:
    headcount: int = 0
    scored: int = 0
    units: int = 0  # sum of totals (millionths)
    squares: int = 0  # sum of squared totals (cents^2)
    completion_units: int = 0
    completions: int = 0


@dataclass(frozen=True)
class DeptFigures:
    department_id: UUID
    name: str
    headcount: int
    scored: int
    completion_rate: Decimal | None
    average: Decimal | None
    interval: tuple[Decimal, Decimal] | None
    shrunken: Decimal | None


@dataclass(frozen=True)
class DepartmentRank:
    figures: DeptFigures
    rank: int
    previous_rank: int | None
    previous_average: Decimal | None
    average_change: Decimal | None
    completion_change: Decimal | None


@dataclass(frozen=True)
class DepartmentRanking:
    period: Period
    previous_period: Period
    rank_by: RankingBasis
    company_average: Decimal | None
    rows: tuple[DepartmentRank, ...]
    interval_level: Decimal = LEVEL


def statement(reach: Reach, periods: list[Period], dialect: str) -> tuple[str, list[Any]]:
    params: list[Any] = []
    plans = asql.plans_of("p", periods, dialect, params, reach.company_id)
    where = reach.where("s", dialect, params, plan="p")
    cents = f'(s."total" / {asql.CENTS_PER_UNIT})'
    text = (
        'SELECT p."period_start", s."department_id", COUNT(*), COUNT(s."total"), '
        f'SUM(s."total"), SUM({cents} * {cents}), SUM(s."indicators_total"), '
        'COUNT(s."indicators_total") '
        f"{asql.PLAN_SCORES} WHERE {asql.PLAN_SCORE_JOIN} AND {plans} AND {where} GROUP BY 1, 2"
    )
    return text, params


async def _sums(reach: Reach, periods: list[Period]) -> dict[date, dict[UUID, _Sums]]:
    dialect = sql.dialect(sql.client())
    text, params = statement(reach, periods, dialect)
    found: dict[date, dict[UUID, _Sums]] = defaultdict(lambda: defaultdict(_Sums))
    for start, dept, people, scored, units, squares, comp_units, comps in await sql.fetch(
        text, params
    ):
        day = start if isinstance(start, date) else date.fromisoformat(str(start))
        sums = found[day][sql.as_uuid(dept)]
        sums.headcount += asql.as_int(people)
        sums.scored += asql.as_int(scored)
        sums.units += asql.as_int(units)
        sums.squares += asql.as_int(squares)
        sums.completion_units += asql.as_int(comp_units)
        sums.completions += asql.as_int(comps)
    return found


def _figures(
    per: dict[UUID, _Sums], names: dict[UUID, str], intervals: bool = True
) -> list[DeptFigures]:
    """Each department's figures; ``intervals``: with its t-interval (the previous
    period's are never shown, so it skips them)."""
    ordered = sorted(per.items(), key=lambda item: (names.get(item[0], ""), str(item[0])))
    scored = [(d, s) for d, s in ordered if s.scored]
    groups = [
        (s.scored, asql.mean_float(s.units, s.scored), asql.variance(s.scored, s.units, s.squares))
        for _, s in scored
    ]
    shrunk = dict(zip([d for d, _ in scored], stats.shrink(groups) if groups else [], strict=True))
    out: list[DeptFigures] = []
    for dept, s in ordered:
        interval = None
        if intervals and s.scored >= 2:
            mean = asql.mean_float(s.units, s.scored)
            sd = asql.variance(s.scored, s.units, s.squares) ** 0.5
            bounds = stats.t_interval(s.scored, mean, sd, float(LEVEL))
            if bounds is not None:
                low, high = asql.to_decimal(bounds[0]), asql.to_decimal(bounds[1])
                interval = None if low is None or high is None else (low, high)
        out.append(
            DeptFigures(
                dept,
                names.get(dept, ""),
                s.headcount,
                s.scored,
                asql.rate(s.completion_units, s.completions),
                asql.average(s.units, s.scored),
                interval,
                asql.to_decimal(shrunk[dept]) if dept in shrunk else None,
            )
        )
    return out


def _value(row: DeptFigures, basis: RankingBasis) -> Decimal | None:
    if basis == RankingBasis.SHRUNKEN:
        return row.shrunken
    if basis == RankingBasis.COMPLETION:
        return row.completion_rate
    return row.average


def _ranked(rows: list[DeptFigures], basis: RankingBasis) -> list[tuple[int, DeptFigures]]:
    """Best first; equal values share a rank (1, 2, 2, 4); departments without a value
    come last, sharing the rank after the valued ones, in name order."""
    valued = sorted(
        (r for r in rows if _value(r, basis) is not None),
        key=lambda r: (-(_value(r, basis) or Decimal(0)), r.name, str(r.department_id)),
    )
    out: list[tuple[int, DeptFigures]] = []
    for i, row in enumerate(valued):
        same = i and _value(valued[i - 1], basis) == _value(row, basis)
        out.append((out[-1][0] if same else i + 1, row))
    out.extend((len(valued) + 1, r) for r in rows if _value(r, basis) is None)
    return out


def _minus(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else a - b


async def department_ranking(
    reach: Reach, period: Period, basis: RankingBasis = RankingBasis.AVERAGE
) -> DepartmentRanking:
    """The ranking over the rows ``reach`` covers (FORBIDDEN for a caller who may only see
    himself); two periods in one statement, whatever the number of departments."""
    if reach.personal:
        raise Forbidden("forbidden", action="read", object_type="analytics")
    before = previous(period)
    found = await _sums(reach, [period, before])
    chart = await org_chart(reach.company_id)
    names = {d: row.name for d, row in chart.departments.items()}
    current = _figures(found.get(period.start, {}), names)
    earlier = {
        f.department_id: f for f in _figures(found.get(before.start, {}), names, intervals=False)
    }
    earlier_rank = {f.department_id: rank for rank, f in _ranked(list(earlier.values()), basis)}
    rows: list[DepartmentRank] = []
    for rank, figures in _ranked(current, basis):
        old = earlier.get(figures.department_id)
        rows.append(
            DepartmentRank(
                figures,
                rank,
                earlier_rank.get(figures.department_id),
                old.average if old else None,
                _minus(figures.average, old.average if old else None),
                _minus(figures.completion_rate, old.completion_rate if old else None),
            )
        )
    whole = found.get(period.start, {}).values()
    company_average = asql.average(sum(s.units for s in whole), sum(s.scored for s in whole))
    return DepartmentRanking(period, before, basis, company_average, tuple(rows))
