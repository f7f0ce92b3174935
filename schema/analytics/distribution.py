"""``gradeDistribution``: count and share per grade (server/analytics/distribution.py)."""

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
)
from schema.calibration.guideline import CalibrationGuideline
from schema.permissions import AUTH
from server.analytics import distribution


@strawberry.type(description="One grade: how many people hold it, before and after calibration.")
class GradeShare:
    grade: str = strawberry.field(description="The grade band's key")
    label: str = strawberry.field(description="The band's name in the caller's language")
    computed_count: int = strawberry.field(description="People with this grade as computed")
    computed_share: Decimal = strawberry.field(
        description="Of the people with a computed grade, as a fraction (0.2000 is 20 %)"
    )
    calibrated_count: int = strawberry.field(description="People with this grade now")
    calibrated_share: Decimal
    min_share: Decimal | None = strawberry.field(description="The guideline's, as a fraction")
    max_share: Decimal | None
    target_share: Decimal | None


@strawberry.type(description="The grade distribution of a period over a scope.")
class GradeDistribution:
    period: AnalyticsPeriod
    scope_name: str
    headcount: int = strawberry.field(description="People with a score in the period's plans")
    scored: int = strawberry.field(description="Of them, people with a total")
    grades: list[GradeShare] = strawberry.field(description="The tenant's bands, best first")
    guideline: CalibrationGuideline

    @classmethod
    def of(cls, info: Info, found: distribution.GradeDistribution) -> GradeDistribution:
        return cls(
            period=analytics_period(info, found.period),
            scope_name=found.scope_name,
            headcount=found.headcount,
            scored=found.scored,
            grades=[
                GradeShare(
                    grade=g.grade,
                    label=g.label,
                    computed_count=g.computed_count,
                    computed_share=g.computed_share,
                    calibrated_count=g.calibrated_count,
                    calibrated_share=g.calibrated_share,
                    min_share=g.min_share,
                    max_share=g.max_share,
                    target_share=g.target_share,
                )
                for g in found.grades
            ],
            guideline=CalibrationGuideline.of(found.guideline, found.guideline_revision),
        )


@strawberry.type
class DistributionQuery:
    @strawberry.field(
        permission_classes=AUTH,
        description="Count and share per grade, computed and calibrated, beside the guideline "
        "(analytics:read; the rows the caller's score grants reach).",
    )
    async def grade_distribution(
        self, info: Info, period: PeriodInput, scope: AnalyticsScopeInput | None = None
    ) -> GradeDistribution:
        chosen = decode_period(period)
        reach = await decode_scope(info, "read", scope)
        found = await distribution.grade_distribution(reach, chosen, info.context.lang)
        return GradeDistribution.of(info, found)
