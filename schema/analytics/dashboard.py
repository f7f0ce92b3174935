"""``dashboard(period)``: the caller's role-scoped overview (server/analytics/dashboard.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry
from strawberry.types import Info

from schema.analytics.common import (
    AnalyticsPeriod,
    PeriodInput,
    analytics_period,
    decode_period,
    prime,
)
from schema.analytics.distribution import GradeDistribution
from schema.analytics.ranking import DepartmentRanking
from schema.analytics.trend import Trend
from schema.org.types import Department, department_ref
from schema.permissions import AUTH
from schema.plans.types import Plan
from server.analytics import dashboard as service
from server.analytics.dashboard import DashboardView
from server.analytics.dashboard_overdue import ProcessStep

strawberry.enum(
    DashboardView,
    description="Whose overview: the company (GM, HR VP, performance admin), a VP's "
    "divisions, a department manager's team, or the caller himself.",
)
strawberry.enum(
    ProcessStep,
    description="A step of the performance cycle that can fall behind its deadline.",
)


@strawberry.type(description="One department's people, scores and completion in the period.")
class DepartmentCompletion:
    headcount: int = strawberry.field(description="People with a score row in the period.")
    scored: int
    completion_rate: Decimal | None = strawberry.field(
        description="Average weighted achievement (1.2200 for 122 %)."
    )
    average_score: Decimal | None
    department_id: strawberry.Private[object]

    @strawberry.field
    def department(self, info: Info) -> Department | None:
        return department_ref(info, self.department_id)


@strawberry.type(description="Overdue items of one step: how many, and the earliest deadline.")
class OverdueStep:
    step: ProcessStep
    count: int
    due: date | None


@strawberry.type(
    description="Which indicators of the period's company plans a department plan carries "
    "(matched by name or key); share = carried / company indicators."
)
class PlanAlignment:
    company_indicators: list[str]
    carried: list[str]
    missing: list[str]
    share: Decimal
    department_id: strawberry.Private[object]
    plan_id: strawberry.Private[object]

    @strawberry.field
    def department(self, info: Info) -> Department | None:
        return department_ref(info, self.department_id)

    @strawberry.field(description="The department plan (null: the department has none).")
    async def plan(self, info: Info) -> Plan | None:
        if self.plan_id is None:
            return None
        return Plan.of(await info.context.loaders.scores.plan.load(self.plan_id))


@strawberry.type(description="The caller's own result of the period and his trend.")
class SelfSummary:
    score: Decimal | None
    grade: str | None
    completion_rate: Decimal | None
    trend: Trend | None


@strawberry.type(description="What the caller's role needs from one period, in one round trip.")
class Dashboard:
    view: DashboardView
    period: AnalyticsPeriod
    scope_name: str
    completion: list[DepartmentCompletion]
    distribution: GradeDistribution | None
    ranking: DepartmentRanking | None
    overdue: list[OverdueStep]
    open_appeals: int = strawberry.field(description="Feedback not yet accepted or decided.")
    alignment: list[PlanAlignment]
    me: SelfSummary | None


def _of(info: Info, found: service.Dashboard) -> Dashboard:
    me = None
    if found.me is not None:
        me = SelfSummary(
            score=found.me.score,
            grade=found.me.grade,
            completion_rate=found.me.completion_rate,
            trend=Trend.of(info, found.me.trend),
        )
    return Dashboard(
        view=found.view,
        period=analytics_period(info, found.period),
        scope_name=found.reach.name,
        completion=[
            DepartmentCompletion(
                headcount=c.headcount,
                scored=c.scored,
                completion_rate=c.completion_rate,
                average_score=c.average_score,
                department_id=c.department_id,
            )
            for c in found.completion
        ],
        distribution=(
            None if found.distribution is None else GradeDistribution.of(info, found.distribution)
        ),
        ranking=None if found.ranking is None else DepartmentRanking.of(info, found.ranking),
        overdue=[OverdueStep(step=o.step, count=o.count, due=o.due) for o in found.overdue],
        open_appeals=found.open_appeals,
        alignment=[
            PlanAlignment(
                company_indicators=a.company_indicators,
                carried=a.carried,
                missing=a.missing,
                share=a.share,
                department_id=a.department_id,
                plan_id=a.plan_id,
            )
            for a in found.alignment
        ],
        me=me,
    )


@strawberry.type
class DashboardQuery:
    @strawberry.field(
        permission_classes=AUTH,
        description="The caller's overview of a period, as his role needs it (view): "
        "completion per department, distribution, ranking, overdue steps, open appeals and "
        "plan alignment; for an employee, his own score, grade and trend.",
    )
    async def dashboard(self, info: Info, period: PeriodInput) -> Dashboard:
        found = await service.dashboard(
            info.context.actor, decode_period(period), info.context.lang
        )
        ranked = found.ranking.rows if found.ranking is not None else ()
        await prime(
            info.context.loaders.org.department,
            [c.department_id for c in found.completion]
            + [r.figures.department_id for r in ranked]
            + [a.department_id for a in found.alignment],
        )
        return _of(info, found)
