"""``departmentRanking``: departments by average, shrunken average or completion
(server/analytics/ranking.py)."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry.types import Info

from schema.analytics.common import (
    AnalyticsPeriod,
    AnalyticsScopeInput,
    PeriodInput,
    analytics_period,
    decode_period,
    decode_scope,
    prime,
)
from schema.org.types import Department, department_ref
from schema.permissions import AUTH
from server.analytics import ranking
from server.analytics.ranking import RankingBasis

strawberry.enum(
    RankingBasis,
    description="What departments are ranked by: the average score, the empirical-Bayes "
    "shrunken average, or the completion rate.",
)


@strawberry.type(description="A 95 % t-interval of a department's mean score.")
class ScoreInterval:
    low: Decimal
    high: Decimal
    level: Decimal


@strawberry.type(description="One department's figures and rank.")
class DepartmentRank:
    rank: int = strawberry.field(description="1 is best; equal values share a rank")
    headcount: int = strawberry.field(description="People with a score in the period's plans")
    scored: int = strawberry.field(description="Of them, people with a total")
    completion_rate: Decimal | None = strawberry.field(
        description="Average weighted achievement as a rate (1.2200 is 122 %)"
    )
    average_score: Decimal | None
    interval: ScoreInterval | None = strawberry.field(
        description="95 % t-interval of the average; null below two scored people"
    )
    shrunken_average: Decimal | None = strawberry.field(
        description="The average pulled toward the scope's mean by its reliability"
    )
    previous_rank: int | None
    previous_average: Decimal | None
    average_change: Decimal | None
    completion_change: Decimal | None
    department_id: strawberry.Private[object]

    @strawberry.field
    def department(self, info: Info) -> Department:
        return department_ref(info, self.department_id)


@strawberry.type(description="Departments ranked for a period, against the previous one.")
class DepartmentRanking:
    period: AnalyticsPeriod
    previous_period: AnalyticsPeriod
    rank_by: RankingBasis
    company_average: Decimal | None = strawberry.field(
        description="The average over every scored person in the scope"
    )
    rows: list[DepartmentRank]

    @classmethod
    def of(cls, info: Info, found: ranking.DepartmentRanking) -> DepartmentRanking:
        rows = []
        for row in found.rows:
            f = row.figures
            interval = (
                None
                if f.interval is None
                else ScoreInterval(
                    low=f.interval[0], high=f.interval[1], level=found.interval_level
                )
            )
            rows.append(
                DepartmentRank(
                    rank=row.rank,
                    headcount=f.headcount,
                    scored=f.scored,
                    completion_rate=f.completion_rate,
                    average_score=f.average,
                    interval=interval,
                    shrunken_average=f.shrunken,
                    previous_rank=row.previous_rank,
                    previous_average=row.previous_average,
                    average_change=row.average_change,
                    completion_change=row.completion_change,
                    department_id=f.department_id,
                )
            )
        return cls(
            period=analytics_period(info, found.period),
            previous_period=analytics_period(info, found.previous_period),
            rank_by=found.rank_by,
            company_average=found.company_average,
            rows=rows,
        )


@strawberry.type
class RankingQuery:
    @strawberry.field(
        permission_classes=AUTH,
        description="Departments by average score (with a 95 % interval), shrunken average "
        "or completion, with the change against the previous period (analytics:read).",
    )
    async def department_ranking(
        self,
        info: Info,
        period: PeriodInput,
        scope: AnalyticsScopeInput | None = None,
        rank_by: RankingBasis = RankingBasis.AVERAGE,
    ) -> DepartmentRanking:
        chosen = decode_period(period)
        reach = await decode_scope(info, "read", scope)
        found = await ranking.department_ranking(reach, chosen, RankingBasis(rank_by))
        await prime(
            info.context.loaders.org.department, (r.figures.department_id for r in found.rows)
        )
        return DepartmentRanking.of(info, found)
