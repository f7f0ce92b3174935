"""``analyticsVariables`` and ``indicatorCorrelation`` (server/analytics/correlation.py)."""

from __future__ import annotations

import math

import strawberry
from strawberry.types import Info

from schema.analytics.common import AnalyticsScopeInput, PeriodInput, decode_periods, decode_scope
from schema.permissions import AUTH
from server.analytics import correlation as service
from server.analytics.correlation import CorrelationMethod, PValueAdjustment
from server.analytics.stats import CorrelationStatus
from server.analytics.variables import VariableKind, VariableRef, analytics_variables

strawberry.enum(
    VariableKind,
    name="AnalyticsVariableKind",
    description="INDICATOR: an indicator's score by its name (achievement % for a ratio "
    "rule, after floor and cap); METRIC: a connector metric over the period by its key; "
    "FINAL_SCORE: the final score.",
)
strawberry.enum(CorrelationMethod, description="PEARSON: r; SPEARMAN: rho (average ranks).")
strawberry.enum(
    PValueAdjustment,
    description="NONE, or BENJAMINI_HOCHBERG across the matrix's pairs with a p-value.",
)
strawberry.enum(
    CorrelationStatus,
    description="OK; TOO_FEW_POINTS: fewer than minPoints observations with both values; "
    "CONSTANT_SERIES: one of the two never varies. Only OK pairs carry numbers.",
)


def rounded(value: float | None) -> float | None:
    """A statistic to 6 decimal places."""
    return None if value is None else round(value, 6)


def significant(value: float | None) -> float | None:
    """A p-value to 6 significant digits (a tiny one stays readable)."""
    if value is None or value == 0.0 or not math.isfinite(value):
        return value
    return float(f"{value:.6g}")


@strawberry.input(description="A variable: INDICATOR and METRIC name one; FINAL_SCORE none.")
class AnalyticsVariableInput:
    kind: VariableKind
    name: str | None = None


@strawberry.type(description="A variable with the observations (person x plan) carrying it.")
class AnalyticsVariable:
    kind: VariableKind
    name: str = strawberry.field(description="The indicator's name or the metric's key.")
    label: str
    observations: int


@strawberry.type(description="One pair of variables (x < y index `variables`).")
class CorrelationPair:
    x: int
    y: int
    n: int = strawberry.field(description="Observations carrying both.")
    status: CorrelationStatus
    coefficient: float | None = strawberry.field(description="r or rho, 6 places.")
    p_value: float | None = strawberry.field(
        description="Two-sided, from the t distribution with n - 2 df; 6 significant digits."
    )
    adjusted_p_value: float | None = strawberry.field(
        description="Benjamini-Hochberg adjusted (the p-value itself without an adjustment)."
    )
    low: float | None = strawberry.field(description="95 % interval by Fisher's z.")
    high: float | None


@strawberry.type(description="A correlation matrix over the scope's observations.")
class CorrelationMatrix:
    method: CorrelationMethod
    adjustment: PValueAdjustment
    min_points: int
    variables: list[AnalyticsVariable]
    pairs: list[CorrelationPair]


def _variables(found: list[service.Variable]) -> list[AnalyticsVariable]:
    return [
        AnalyticsVariable(kind=v.kind, name=v.name, label=v.label, observations=v.observations)
        for v in found
    ]


@strawberry.type
class CorrelationQuery:
    @strawberry.field(
        permission_classes=AUTH,
        description="The variables the scope's observations (one person in one plan of the "
        "periods, with a final score) carry: the final score, indicators by name, metrics "
        "by key, each with its count (analytics:drivers).",
    )
    async def analytics_variables(
        self, info: Info, periods: list[PeriodInput], scope: AnalyticsScopeInput | None = None
    ) -> list[AnalyticsVariable]:
        decoded = decode_periods(periods)
        reach = await decode_scope(info, "drivers", scope)
        found = await analytics_variables(
            info.context.actor.metrics, reach, decoded, info.context.lang
        )
        return _variables(found)

    @strawberry.field(
        permission_classes=AUTH,
        description="Pairwise correlations of the variables over the scope's observations "
        "(one person in one plan of the periods): n, r or rho, p-value, 95 % interval, "
        "optionally Benjamini-Hochberg adjusted; at most 20 variables and 24 periods "
        "(analytics:drivers).",
    )
    async def indicator_correlation(
        self,
        info: Info,
        periods: list[PeriodInput],
        variables: list[AnalyticsVariableInput],
        scope: AnalyticsScopeInput | None = None,
        method: CorrelationMethod = CorrelationMethod.PEARSON,
        adjustment: PValueAdjustment = PValueAdjustment.NONE,
    ) -> CorrelationMatrix:
        decoded = decode_periods(periods)
        reach = await decode_scope(info, "drivers", scope)
        found = await service.indicator_correlation(
            info.context.actor.metrics,
            reach,
            decoded,
            [VariableRef(v.kind, v.name) for v in variables],
            method,
            adjustment,
            info.context.lang,
        )
        return CorrelationMatrix(
            method=found.method,
            adjustment=found.adjustment,
            min_points=found.min_points,
            variables=_variables(found.variables),
            pairs=[
                CorrelationPair(
                    x=p.x,
                    y=p.y,
                    n=p.n,
                    status=p.status,
                    coefficient=rounded(p.coefficient),
                    p_value=significant(p.p_value),
                    adjusted_p_value=significant(p.adjusted_p_value),
                    low=rounded(p.low),
                    high=rounded(p.high),
                )
                for p in found.pairs
            ],
        )
