"""``scoreDrivers``: which indicators actually drive the final score, against their weights.

Over the scope's observations of one period (one person in one plan, see
server/analytics/observations.py), the final score is regressed on the indicators' scores
(ordinary least squares of standardized variables, server/analytics/stats.py):

- an indicator enters when at least half of the observations, and at least the tenant's
  ``min_points``, carry a score for it (a department's own indicators do not enter a
  company-wide regression where most people are measured on others; ask for the
  department's scope to see them); the observations used are those carrying all of them;
- each indicator's standardized coefficient, and its share of the explained variance by
  Pratt's measure (beta_j x r_jy / R^2; the shares add up to 1, a negative one marks a
  suppressor);
- its current weight: the average weight the used observations' assignments give it, and
  that as a share of 100, so ``gap`` = variance share - weight share says which weights are
  out of line with what separates people's results (the article's 10 % -> 20 % decision).

A total is the weighted sum of the indicators' scores (before gates and formulas), so an
indicator's variance share grows with its weight and with how much people differ on it:
a heavy indicator everyone meets equally drives nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from server.analytics import memo, stats
from server.analytics.observations import Observation, load, stamp
from server.analytics.periods import Period
from server.analytics.scope import Reach
from server.analytics.settings import analytics_settings

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ScoreDriver:
    indicator: str
    weight: Decimal  # average assigned weight, 2 places
    weight_share: float  # that weight / 100
    coefficient: float | None
    variance_share: float | None
    gap: float | None  # variance_share - weight_share


@dataclass(frozen=True)
class ScoreDrivers:
    status: stats.RegressionStatus
    n: int
    r_squared: float | None
    drivers: list[ScoreDriver]


async def score_drivers(reach: Reach, period: Period) -> ScoreDrivers:
    """The regression of the period's observations; kept for the process with the freshness
    stamp of its rows (server/analytics/memo.py), so a repeated request costs two reads."""
    settings = await analytics_settings(reach.company_id)
    fresh = await stamp(reach, [period])
    key = ("drivers", reach, period, settings.min_points)
    kept: ScoreDrivers | None = memo.recall(key, fresh)
    if kept is None:
        kept = _drivers(await load(reach, [period], fresh, indicators=True), settings.min_points)
        memo.remember(key, fresh, None, kept)
    return kept


def _drivers(observations: list[Observation], min_points: int) -> ScoreDrivers:
    carried: Counter[str] = Counter()
    for observation in observations:
        carried.update(observation.indicators.keys())
    enough = max(min_points, (len(observations) + 1) // 2)
    names = sorted(name for name, count in carried.items() if count >= enough)
    used = [o for o in observations if all(name in o.indicators for name in names)]
    if not names:
        return ScoreDrivers(stats.RegressionStatus.TOO_FEW_POINTS, len(used), None, [])
    result = stats.standardized_regression(
        [o.total for o in used],
        [[o.indicators[name] for o in used] for name in names],
        min_points,
    )
    drivers = []
    for j, name in enumerate(names):
        weights = [o.weights[name] for o in used]
        weight = sum(weights, Decimal(0)) / len(weights) if weights else Decimal(0)
        weight_share = float(weight / HUNDRED)
        coefficient = share = gap = None
        if result.betas is not None:
            coefficient = result.betas[j]
        if result.shares is not None:
            share = result.shares[j]
            gap = share - weight_share
        drivers.append(
            ScoreDriver(
                name,
                weight.quantize(CENT, ROUND_HALF_EVEN),
                weight_share,
                coefficient,
                share,
                gap,
            )
        )
    return ScoreDrivers(result.status, result.n, result.r_squared, drivers)
