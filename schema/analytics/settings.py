"""The tenant's analytics thresholds: read and patched."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from schema.permissions import AUTH
from server.analytics import settings
from server.analytics.settings import AnalyticsSettingsView


@strawberry.type(description="A tenant's analytics thresholds.")
class AnalyticsSettings:
    min_points: int = strawberry.field(
        description="A correlation pair with fewer points is TOO_FEW_POINTS (default 8)."
    )
    min_ratees: int = strawberry.field(
        description="A manager who rated fewer people is not shown in rater effects (default 5)."
    )

    @classmethod
    def of(cls, view: AnalyticsSettingsView) -> AnalyticsSettings:
        return cls(min_points=view.min_points, min_ratees=view.min_ratees)


@strawberry.input(description="A patch of the analytics thresholds: what is given changes.")
class UpdateAnalyticsSettingsInput:
    min_points: int | None = None
    min_ratees: int | None = None


@strawberry.type
class AnalyticsSettingsQuery:
    @strawberry.field(permission_classes=AUTH, description="The tenant's analytics thresholds.")
    async def analytics_settings(self, info: Info) -> AnalyticsSettings:
        return AnalyticsSettings.of(await settings.read_settings(info.context.actor))


@strawberry.type
class AnalyticsSettingsMutation:
    @strawberry.mutation(
        permission_classes=AUTH,
        description="Change the analytics thresholds (scoring_settings:update: the "
        "performance admin); audited.",
    )
    async def update_analytics_settings(
        self, info: Info, input: UpdateAnalyticsSettingsInput
    ) -> AnalyticsSettings:
        view = await settings.update_settings(
            info.context.actor, min_points=input.min_points, min_ratees=input.min_ratees
        )
        return AnalyticsSettings.of(view)
