"""``indicatorCorrelation``: a correlation matrix over the scope's observations.

Each pair of variables is correlated over the observations (one person in one plan, see
server/analytics/observations.py) that carry both (pairwise complete), so n differs by
pair. Pearson's r or Spearman's rho comes with n, a two-sided p-value and a 95 % interval
(server/analytics/stats.py); a pair with fewer than the tenant's ``min_points`` points or
with a constant series says so instead of a number. The Benjamini-Hochberg adjustment runs
across the matrix's pairs that have a p-value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import cast

from server.analytics import memo, stats
from server.analytics.observations import load, stamp
from server.analytics.periods import Period
from server.analytics.scope import Reach
from server.analytics.settings import analytics_settings
from server.analytics.variables import (
    Variable,
    VariableKind,
    VariableRef,
    check_periods,
    check_refs,
    described,
    known_indicators,
    label_of,
    series_of,
)
from server.metrics import MetricRegistry


class CorrelationMethod(StrEnum):
    PEARSON = "PEARSON"
    SPEARMAN = "SPEARMAN"


class PValueAdjustment(StrEnum):
    NONE = "NONE"
    BENJAMINI_HOCHBERG = "BENJAMINI_HOCHBERG"


@dataclass(frozen=True)
class CorrelationPair:
    x: int  # indexes into the matrix's variables, x < y
    y: int
    n: int
    status: stats.CorrelationStatus
    coefficient: float | None
    p_value: float | None
    adjusted_p_value: float | None  # equals p_value without an adjustment
    low: float | None
    high: float | None


@dataclass(frozen=True)
class CorrelationMatrix:
    method: CorrelationMethod
    adjustment: PValueAdjustment
    min_points: int
    variables: list[Variable]
    pairs: list[CorrelationPair]


def matrix_of(
    series: Sequence[Sequence[float | None]],
    method: CorrelationMethod,
    adjustment: PValueAdjustment,
    min_points: int,
) -> list[CorrelationPair]:
    """Every pair (x < y) of ``series`` (one value or None per observation, aligned).

    A pair is correlated over the observations carrying both values, in their order. Each
    variable is prepared (ranked for Spearman, centered) once per set of observations its
    pairs share, not once per pair: mostly every variable is present throughout and the 15
    pairs of 6 variables need 6 preparations."""
    spearman = method is CorrelationMethod.SPEARMAN
    least = max(min_points, 3)
    flags = [bytes(v is not None for v in values) for values in series]
    positions: dict[bytes, list[int]] = {}
    prepared: dict[tuple[int, bytes], stats.Centered] = {}

    def prepare(variable: int, common: bytes) -> stats.Centered:
        ready = prepared.get((variable, common))
        if ready is None:
            values = series[variable]
            chosen = cast(list[float], [values[i] for i in positions[common]])
            ready = stats.centered(stats.ranks(chosen) if spearman else chosen)
            prepared[(variable, common)] = ready
        return ready

    found: list[tuple[int, int, stats.Correlation]] = []
    for x in range(len(series)):
        for y in range(x + 1, len(series)):
            if len(series[x]) != len(series[y]):
                raise ValueError("the series differ in length")
            common = flags[x]
            if flags[y] != common:
                common = bytes(a & b for a, b in zip(flags[x], flags[y], strict=True))
            where = positions.get(common)
            if where is None:
                where = positions[common] = [i for i, flag in enumerate(common) if flag]
            if len(where) < least:
                found.append(
                    (x, y, stats.Correlation(len(where), stats.CorrelationStatus.TOO_FEW_POINTS))
                )
                continue
            found.append(
                (x, y, stats.pearson_centered(prepare(x, common), prepare(y, common), min_points))
            )
    p_values = [c.p_value for _, _, c in found]
    adjusted = (
        stats.benjamini_hochberg(p_values)
        if adjustment is PValueAdjustment.BENJAMINI_HOCHBERG
        else p_values
    )
    return [
        CorrelationPair(x, y, c.n, c.status, c.r, c.p_value, adj, c.low, c.high)
        for (x, y, c), adj in zip(found, adjusted, strict=True)
    ]


async def indicator_correlation(
    registry: MetricRegistry,
    reach: Reach,
    periods: Sequence[Period],
    refs: Sequence[VariableRef],
    method: CorrelationMethod = CorrelationMethod.PEARSON,
    adjustment: PValueAdjustment = PValueAdjustment.NONE,
    lang: str = "en",
) -> CorrelationMatrix:
    check_periods(periods)
    checked = check_refs(refs, registry)
    method, adjustment = CorrelationMethod(method), PValueAdjustment(adjustment)
    names = {r.name for r in checked if r.kind is VariableKind.INDICATOR and r.name}
    metrics = [r.name for r in checked if r.kind is VariableKind.METRIC and r.name]
    settings = await analytics_settings(reach.company_id)
    fresh = await stamp(reach, periods, metrics=bool(metrics))
    # The whole answer is kept too: a repeated request costs the two reads above.
    key = ("matrix", reach, tuple(periods), tuple(checked), method, adjustment, settings.min_points)
    kept: tuple[list[Variable], list[CorrelationPair]] | None = memo.recall(key, fresh, registry)
    if kept is None:
        observations = await load(
            reach,
            periods,
            fresh,
            indicators=bool(names),
            names=names,
            registry=registry,
            metrics=metrics,
        )
        known_indicators(checked, observations)
        series = [series_of(ref, observations) for ref in checked]
        pairs = matrix_of(series, method, adjustment, settings.min_points)
        # Labels follow the language: kept without them.
        kept = (described(checked, series, registry, "en"), pairs)
        memo.remember(key, fresh, registry, kept)
    variables, pairs = kept
    return CorrelationMatrix(
        method,
        adjustment,
        settings.min_points,
        [
            replace(v, label=label_of(r, registry, lang))
            for v, r in zip(variables, checked, strict=True)
        ],
        list(pairs),
    )
