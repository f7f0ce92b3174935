"""The employee report: one person's score(s) in a period, explained, with the trend, the
rank in the department where the policy allows, and rule-based suggestions.

Sight: a score is in a report when the caller holds ``report:read`` over the person's
position (kept on the score at assignment time) and may read the score itself: ``score:read``
at once, or ``score:read_published`` once the plan's results are released
(``server.scoring.publishing.visible_scores_q``, the scores' own rule). Both are one SQL
filter, so neither the report nor its trend ever loads a score the caller may not see. A
report with no score in sight is NOT_FOUND, whether the person, the period or the right is
missing. The rank needs ``report:rank`` over the person: otherwise it is None.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from tortoise.expressions import Q

from server.audit import Actor
from server.errors import BadInput, NotFound
from server.models import Assignment, Department, Employee, Score
from server.permissions import REPORT_RANK, REPORT_READ
from server.reports.lines import (
    IndicatorLine,
    bands_of,
    complete,
    grade_name,
    indicator_lines,
    total_explanation,
)
from server.reports.messages import label
from server.reports.suggestions import Period, Suggestion, suggestions_over
from server.scoring import publishing, snapshot
from server.scoring.settings import load_setup

TREND_LENGTH = 6  # earlier periods shown
MAX_SCORES = 24  # plans of one person in the period asked for (two years of months)
_COLUMNS = {"department": "department_id", "owner": "employee_id", "manager": "manager_id"}


@dataclass(frozen=True)
class Rank:
    position: int  # 1 for the highest total; ties share a position
    count: int  # scores with a total in the same plan and department

    def text(self, lang: str) -> str:
        return label("rank_text", lang, position=self.position, count=self.count)


@dataclass(frozen=True)
class PlanResult:
    plan_id: UUID
    plan_name: str
    period_start: date
    period_end: date
    complete: bool
    total: Decimal | None
    grade: str | None  # the band's key
    grade_name: str | None
    explanation: str
    frozen: bool
    indicators: tuple[IndicatorLine, ...]
    rank: Rank | None


@dataclass(frozen=True)
class TrendPoint:
    plan_id: UUID
    plan_name: str
    period_start: date
    period_end: date
    total: Decimal | None
    grade: str | None
    grade_name: str | None


@dataclass(frozen=True)
class EmployeeReport:
    employee_id: UUID
    employee_name: str
    department_name: str
    period_start: date
    period_end: date
    lang: str
    results: tuple[PlanResult, ...]  # oldest plan first
    trend: tuple[TrendPoint, ...]  # earlier plans, oldest first
    suggestions: tuple[Suggestion, ...]


def _and(*terms: Q | None) -> Q | None:
    present = [t for t in terms if t is not None]
    if not present:
        return None
    return present[0] if len(present) == 1 else Q(*present, join_type=Q.AND)


def visible_scores(actor: Actor, now: datetime) -> Q | None:
    """The scores a report may show the caller, as one filter (None: all of the company's):
    ``report:read`` over the person, and the score itself readable (``visible_scores_q``)."""
    report = actor.authz.scope(REPORT_READ).q(**_COLUMNS)
    return _and(report, publishing.visible_scores_q(actor, now))


def position(row: Score) -> tuple[UUID, UUID, UUID | None]:
    return (row.department_id, row.employee_id, row.manager_id)


async def _rank(actor: Actor, row: Score) -> Rank | None:
    if row.total is None or not actor.authz.check(REPORT_RANK, position(row)):
        return None
    peers = Score.filter(
        company_id=row.company_id, plan_id=row.plan_id, department_id=row.department_id
    )
    above = await peers.filter(total__gt=row.total).count()
    count = await peers.filter(total__isnull=False).count()
    return Rank(above + 1, count)


async def _units(rows: Sequence[Score]) -> dict[UUID, dict[str, str]]:
    found = await Assignment.filter(id__in=[r.assignment_id for r in rows]).values_list(
        "id", "indicators"
    )
    return {
        assignment_id: {str(i.get("key")): str(i.get("unit") or "") for i in indicators or ()}
        for assignment_id, indicators in found
    }


async def employee_report(
    actor: Actor,
    employee_id: UUID,
    period_start: date,
    period_end: date,
    lang: str,
    *,
    now: datetime | None = None,
) -> EmployeeReport:
    """The report of ``employee_id`` over the plans whose period lies within the one given."""
    if period_end < period_start:
        raise BadInput("dates_order", field="periodEnd", other="periodStart")
    now = now or publishing.utcnow()
    caller = actor.caller
    employee = await Employee.get_or_none(id=employee_id, company_id=caller.company_id)
    if employee is None:
        raise NotFound("report")
    sight = visible_scores(actor, now)
    rows = await (
        _query(actor, employee_id, sight)
        .filter(plan__period_start__gte=period_start, plan__period_end__lte=period_end)
        .order_by("plan__period_start", "plan__period_end", "plan__name")
        .limit(MAX_SCORES + 1)
    )
    if not rows:
        raise NotFound("report")
    if len(rows) > MAX_SCORES:
        raise BadInput("too_many_results", max=MAX_SCORES)
    earlier = await (
        _query(actor, employee_id, sight)
        .filter(plan__period_end__lt=rows[0].plan.period_start)
        .order_by("-plan__period_start", "-plan__period_end")
        .limit(TREND_LENGTH)
    )
    earlier.reverse()
    bands = (await load_setup(caller.company_id)).grade_bands
    await snapshot.attach([*rows, *earlier[-1:]])  # live scores are kept compact
    units = await _units([*rows, *earlier[-1:]])
    department = await Department.get(id=employee.department_id).values_list("name", flat=True)

    def period_of(row: Score) -> Period:
        lines = indicator_lines(row, units.get(row.assignment_id, {}), lang)
        return Period(row.plan.name, row.total, complete(row.status), lines)

    results: list[PlanResult] = []
    periods: list[tuple[Period, Period | None]] = []
    previous = period_of(earlier[-1]) if earlier else None
    for row in rows:
        current = period_of(row)
        periods.append((current, previous))
        previous = current
        results.append(
            PlanResult(
                plan_id=row.plan_id,
                plan_name=row.plan.name,
                period_start=row.plan.period_start,
                period_end=row.plan.period_end,
                complete=current.complete,
                total=row.total,
                grade=row.grade,
                grade_name=grade_name(row.grade, bands_of(row, bands), lang),
                explanation=total_explanation(row, lang),
                frozen=row.frozen,
                indicators=current.lines,
                rank=await _rank(actor, row),
            )
        )
    trend = tuple(
        TrendPoint(
            plan_id=row.plan_id,
            plan_name=row.plan.name,
            period_start=row.plan.period_start,
            period_end=row.plan.period_end,
            total=row.total,
            grade=row.grade,
            grade_name=grade_name(row.grade, bands_of(row, bands), lang),
        )
        for row in earlier
    )
    return EmployeeReport(
        employee_id=employee.id,
        employee_name=employee.name,
        department_name=str(department),
        period_start=period_start,
        period_end=period_end,
        lang=lang,
        results=tuple(results),
        trend=trend,
        suggestions=suggestions_over(periods, lang),
    )


def _query(actor: Actor, employee_id: UUID, sight: Q | None) -> Any:
    query = Score.filter(company_id=actor.caller.company_id, employee_id=employee_id)
    if sight is not None:
        query = query.filter(sight)
    return query.select_related("plan")
