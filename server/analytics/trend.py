"""A trend: score, completion and grade per period for a person, a department or a division
(its subtree), with control limits (mean +/- 2 sample sd over the window's averages), so a
real drop stands out from noise.

One statement groups the subject's scores of the window's plans by period. A point's grade
is the tenant's band for its average (server/scoring/grades.grade_for); a point outside the
limits is out of control. A person sees his own trend (of released results); anyone else's
needs a grant over him.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from server.analytics import sql as asql
from server.analytics import stats
from server.analytics.periods import Period, periods_between
from server.analytics.scope import OrgLevel, Reach, reach
from server.audit import Actor
from server.errors import BadInput, Forbidden, NotFound
from server.models import Employee
from server.permissions import ANALYTICS_READ, SCORE_READ
from server.scoring import sql
from server.scoring.grades import grade_for
from server.scoring.settings import load_setup
from server.vocabulary import PeriodKind


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    scored: int
    average: Decimal | None
    completion_rate: Decimal | None
    grade: str | None
    out_of_control: bool


@dataclass(frozen=True)
class Trend:
    subject_name: str
    points: tuple[TrendPoint, ...]
    mean: Decimal | None
    sd: Decimal | None
    upper: Decimal | None
    lower: Decimal | None


async def subject_reach(
    actor: Actor, employee_id: UUID | None, department_id: UUID | None
) -> Reach:
    """The rows of a trend's subject: exactly one of a person or a department (a division is
    a department: its subtree). NOT_FOUND for another company's; FORBIDDEN for one the
    caller's grants do not reach."""
    if (employee_id is None) == (department_id is None):
        raise BadInput("required", field="subject.employeeId")
    if department_id is not None:
        return await reach(actor, "read", OrgLevel.DEPARTMENT, department_id)
    caller = actor.caller
    person = await Employee.get_or_none(id=employee_id, company_id=caller.company_id)
    if person is None:
        raise NotFound("employee")
    mine = await reach(actor, "read")
    if person.id != caller.employee_id:
        position = (person.department_id, person.id, person.manager_id)
        authz = actor.authz
        if mine.personal or not (
            authz.check(ANALYTICS_READ, position) and authz.check(SCORE_READ, position)
        ):
            raise Forbidden("forbidden", action="read", object_type="analytics")
    return mine.about(person.id, person.name)


Limits = tuple[Decimal | None, Decimal | None, Decimal | None, Decimal | None]


def control(averages: list[Decimal | None]) -> tuple[Limits, list[bool]]:
    """(mean, sd, lower, upper) over the periods with an average, and whether each point
    lies outside [lower, upper]. The limits are taken over the shown (rounded) averages and
    compared rounded: what the chart draws is what is judged."""
    limits = stats.control_limits([float(a) for a in averages if a is not None])
    if limits is None:
        return (None, None, None, None), [False] * len(averages)
    lower, upper = asql.to_decimal(limits.lower), asql.to_decimal(limits.upper)
    assert lower is not None and upper is not None  # finite: from finite averages
    flags = [a is not None and not lower <= a <= upper for a in averages]
    return (asql.to_decimal(limits.mean), asql.to_decimal(limits.sd), lower, upper), flags


def statement(reach: Reach, periods: list[Period], dialect: str) -> tuple[str, list[Any]]:
    params: list[Any] = []
    # A department's trend reads its subtree's scores by the (company, department) index,
    # a few rows per period, and finds each one's plan; a person's, the window's plans
    # first and his one score in each (``asql.PLAN_SCORES``). Either way never every score
    # of the window's plans (the whole company, a dozen times), which is what SQLite
    # picks for the department when left to itself.
    subtree = reach.within is not None
    plans = asql.plans_of("p", periods, dialect, params, reach.company_id)
    where = reach.where("s", dialect, params, plan=None if subtree else "p")
    order = 'FROM "score" AS s CROSS JOIN "plan" AS p' if subtree else asql.PLAN_SCORES
    text = (
        'SELECT p."period_start", COUNT(s."total"), SUM(s."total"), '
        'SUM(s."indicators_total"), COUNT(s."indicators_total") '
        f"{order} WHERE {asql.PLAN_SCORE_JOIN} AND {plans} AND {where} GROUP BY 1"
    )
    return text, params


async def trend(
    reach: Reach, kind: PeriodKind, first: date, last: date, field: str = "from"
) -> Trend:
    periods = periods_between(kind, first, last, field)
    dialect = sql.dialect(sql.client())
    text, params = statement(reach, periods, dialect)
    found: dict[date, tuple[int, int, int, int]] = {}
    for start, scored, units, comp_units, comps in await sql.fetch(text, params):
        day = start if isinstance(start, date) else date.fromisoformat(str(start))
        found[day] = (
            asql.as_int(scored),
            asql.as_int(units),
            asql.as_int(comp_units),
            asql.as_int(comps),
        )
    averages: list[Decimal | None] = []
    for period in periods:
        scored, units, _, _ = found.get(period.start, (0, 0, 0, 0))
        averages.append(asql.average(units, scored))
    limits, flags = control(averages)
    bands = (await load_setup(reach.company_id)).grade_bands
    points: list[TrendPoint] = []
    for period, average, out in zip(periods, averages, flags, strict=True):
        scored, _, comp_units, comps = found.get(period.start, (0, 0, 0, 0))
        points.append(
            TrendPoint(
                period,
                scored,
                average,
                asql.rate(comp_units, comps),
                None if average is None else grade_for(average, bands).key,
                out,
            )
        )
    mean, sd, lower, upper = limits
    return Trend(reach.name, tuple(points), mean, sd, upper, lower)
