"""``dashboard(period)``: what the caller's role needs, in one round trip (docs/analytics.md).

The view follows the caller's ``analytics:read`` grant:

- COMPANY: the grant covers the company (GM, HR VP, performance admin);
- DIVISION: it covers department subtrees and he is a VP there;
- TEAM: it covers a department (a department manager: his team);
- SELF: only his own (an employee).

COMPANY, DIVISION and TEAM show completion per department, the grade distribution, overdue
process steps, open appeals and the alignment of department plans with the company's; the
COMPANY and DIVISION views add the department ranking. SELF shows the caller's own score,
grade, completion and trend. Every part is a fixed number of grouped statements over the
caller's reach, so the dashboard's statements do not grow with the departments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from server.analytics import dashboard_parts as parts
from server.analytics import distribution, ranking
from server.analytics import trend as trends
from server.analytics.dashboard_overdue import OverdueStep, process
from server.analytics.periods import Period, previous
from server.analytics.raters_sql import plan_filter, reach_filter
from server.analytics.scope import Reach, reach
from server.audit import Actor
from server.models.fields import from_units
from server.permissions import Permission
from server.scoring import sql
from server.vocabulary import PeriodKind, Role

TWO = Decimal("0.01")
FOUR = Decimal("0.0001")
TREND_PERIODS = 12  # the employee's trend: this period and the eleven before


class DashboardView(StrEnum):
    COMPANY = "company"
    DIVISION = "division"
    TEAM = "team"
    SELF = "self"


@dataclass(frozen=True)
class SelfSummary:
    score: Decimal | None
    grade: str | None
    completion_rate: Decimal | None
    trend: trends.Trend


@dataclass(frozen=True)
class Dashboard:
    view: DashboardView
    period: Period
    reach: Reach
    completion: list[parts.DepartmentCompletion]
    distribution: distribution.GradeDistribution | None  # None for SELF
    ranking: ranking.DepartmentRanking | None  # None for TEAM and SELF
    overdue: list[OverdueStep]
    open_appeals: int
    alignment: list[parts.PlanAlignment]
    me: SelfSummary | None


def view_of(actor: Actor) -> DashboardView:
    grant = actor.authz.scope(Permission("analytics", "read"), required=True)
    if grant.everything:
        return DashboardView.COMPANY
    if grant.departments or grant.team:
        roles = {str(role) for role, _ in actor.caller.assignments}
        return DashboardView.DIVISION if Role.VP.value in roles else DashboardView.TEAM
    return DashboardView.SELF


def _today(zone: str, now: datetime) -> date:
    """The company's day (deadlines are days where the company is); its time zone came
    with the reach, which reads the company once per request."""
    try:
        return now.astimezone(ZoneInfo(zone)).date()
    except (KeyError, ValueError):
        return now.date()


async def _own(period: Period, scope: Reach) -> tuple[Decimal | None, str | None, Decimal | None]:
    """The caller's own score of the period (the first scored plan's, when several)."""
    params: list[Any] = []
    plans = plan_filter("p", period, scope.company_id, params)
    where = reach_filter(scope, "s", params, scores=True, plan="p")
    rows = await sql.fetch(  # plans first: analytics.sql.PLAN_SCORES says why
        f"""
SELECT s.total, s.grade, s.indicators_total FROM plan p CROSS JOIN score s
WHERE s.plan_id = p.id AND {plans} AND {where} AND s.employee_id = ?
ORDER BY p.period_start, s.id
""",
        [*params, sql.uuid_param(scope.employee_id, sql.dialect(sql.client()))],
    )
    if not rows:
        return None, None, None
    total, grade, achieved = rows[0]
    return (
        None if total is None else from_units(total, 6).quantize(TWO),
        None if grade is None else str(grade),
        None if achieved is None else (from_units(achieved, 6) / 100).quantize(FOUR),
    )


async def dashboard(
    actor: Actor, period: Period, lang: str, now: datetime | None = None
) -> Dashboard:
    now = now or datetime.now(UTC)
    view = view_of(actor)
    scope = await reach(actor, "read")
    if view is DashboardView.SELF:
        score, grade, rate = await _own(period, scope)
        mine = await trends.subject_reach(actor, actor.caller.employee_id, None)
        found = await trends.trend(mine, PeriodKind(period.kind), _back(period), period.start)
        me = SelfSummary(score, grade, rate, found)
        return Dashboard(view, period, scope, [], None, None, [], 0, [], me)
    today = _today(scope.timezone, now)
    steps = await process(period, scope, now, today)
    return Dashboard(
        view=view,
        period=period,
        reach=scope,
        completion=await parts.completion(period, scope),
        distribution=await distribution.grade_distribution(scope, period, lang),
        ranking=(
            None if view is DashboardView.TEAM else await ranking.department_ranking(scope, period)
        ),
        overdue=steps.overdue,
        open_appeals=steps.open_appeals,
        alignment=await parts.alignment(period, scope),
        me=None,
    )


def _back(period: Period) -> date:
    """The first day of the trend's window: ``TREND_PERIODS`` periods ending at ``period``."""
    first = period
    for _ in range(TREND_PERIODS - 1):
        first = previous(first)
    return first.start
