"""Analytics in GraphQL (docs/analytics.md): each part adds its class to the merges below."""

from __future__ import annotations

from strawberry.tools import merge_types

from schema.analytics.correlation import CorrelationQuery
from schema.analytics.dashboard import DashboardQuery
from schema.analytics.distribution import DistributionQuery
from schema.analytics.drivers import DriversQuery
from schema.analytics.export import ExportQuery
from schema.analytics.ranking import RankingQuery
from schema.analytics.raters import RatersQuery
from schema.analytics.settings import AnalyticsSettingsMutation, AnalyticsSettingsQuery
from schema.analytics.trend import TrendQuery

AnalyticsQuery = merge_types(
    "AnalyticsQuery",
    (
        AnalyticsSettingsQuery,
        DistributionQuery,
        RankingQuery,
        TrendQuery,
        RatersQuery,
        DashboardQuery,
        CorrelationQuery,
        DriversQuery,
        ExportQuery,
    ),
)
AnalyticsMutation = merge_types(
    "AnalyticsMutation",
    (AnalyticsSettingsMutation,),
)

__all__ = ["AnalyticsMutation", "AnalyticsQuery"]
