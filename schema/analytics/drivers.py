"""``scoreDrivers`` (server/analytics/drivers.py)."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry.types import Info

from schema.analytics.common import AnalyticsScopeInput, PeriodInput, decode_period, decode_scope
from schema.analytics.correlation import rounded
from schema.permissions import AUTH
from server.analytics import drivers as service
from server.analytics.stats import RegressionStatus

strawberry.enum(
    RegressionStatus,
    name="DriversStatus",
    description="OK; TOO_FEW_POINTS: no indicator carried by half the observations, or "
    "fewer observations than minPoints or indicators + 2; SINGULAR: the final score or an "
    "indicator is constant, or the indicators are collinear.",
)


@strawberry.type(description="One indicator's pull on the final score against its weight.")
class ScoreDriver:
    indicator: str = strawberry.field(description="The indicator's name.")
    weight: Decimal = strawberry.field(description="Its average assigned weight.")
    weight_share: float = strawberry.field(description="weight / 100.")
    coefficient: float | None = strawberry.field(description="Standardized coefficient.")
    variance_share: float | None = strawberry.field(
        description="Its share of the explained variance (Pratt: beta x r / R^2; they add up to 1)."
    )
    gap: float | None = strawberry.field(description="varianceShare - weightShare.")


@strawberry.type(description="The final score regressed on the indicators' scores.")
class ScoreDrivers:
    status: RegressionStatus
    n: int = strawberry.field(description="Observations used (carrying every indicator).")
    r_squared: float | None
    drivers: list[ScoreDriver]


@strawberry.type
class DriversQuery:
    @strawberry.field(
        permission_classes=AUTH,
        description="Which indicators drive the final score in the scope: standardized "
        "coefficients and shares of explained variance against the current weights "
        "(analytics:drivers).",
    )
    async def score_drivers(
        self, info: Info, period: PeriodInput, scope: AnalyticsScopeInput | None = None
    ) -> ScoreDrivers:
        decoded = decode_period(period)
        found = await service.score_drivers(await decode_scope(info, "drivers", scope), decoded)
        return ScoreDrivers(
            status=found.status,
            n=found.n,
            r_squared=rounded(found.r_squared),
            drivers=[
                ScoreDriver(
                    indicator=d.indicator,
                    weight=d.weight,
                    weight_share=round(d.weight_share, 6),
                    coefficient=rounded(d.coefficient),
                    variance_share=rounded(d.variance_share),
                    gap=rounded(d.gap),
                )
                for d in found.drivers
            ],
        )
