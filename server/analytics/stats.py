"""The statistics behind the analytics, in pure Python.

Why no numpy/scipy: the analytics need a handful of functions (a t CDF and quantile,
Pearson and Spearman with a p-value and a Fisher-z interval, Benjamini-Hochberg, a small
OLS, empirical-Bayes shrinkage, z-scores), a few hundred lines with ``math`` and
``statistics``. numpy + scipy would add ~100 MB of wheels and native code to a server that
otherwise has none, for arrays of at most a few thousand numbers. The results are checked
against scipy's, computed once and written into tests/server/analytics/test_stats.py.

Determinism: every sum is ``math.fsum`` (exactly rounded, so independent of order) and the
callers feed values in a sorted order, so SQLite and PostgreSQL give identical floats.
"""

from __future__ import annotations

import math
import operator
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from server.analytics.stats_dist import betainc, t_cdf, t_quantile, t_two_sided

__all__ = [
    "Centered",
    "ControlLimits",
    "Correlation",
    "CorrelationStatus",
    "Regression",
    "RegressionStatus",
    "benjamini_hochberg",
    "betainc",
    "centered",
    "control_limits",
    "pearson",
    "pearson_centered",
    "ranks",
    "shrink",
    "spearman",
    "standardized_regression",
    "t_cdf",
    "t_interval",
    "t_quantile",
    "t_two_sided",
    "zscores",
]

DEFAULT_MIN_POINTS = 8
# A pivot of the predictors' correlation matrix below this is 1 - R^2 of a predictor on the
# others: below 1e-9 the predictor is (numerically) a combination of the rest.
SINGULAR_TOLERANCE = 1e-9


class CorrelationStatus(StrEnum):
    OK = "OK"
    TOO_FEW_POINTS = "TOO_FEW_POINTS"
    CONSTANT_SERIES = "CONSTANT_SERIES"


class RegressionStatus(StrEnum):
    OK = "OK"
    TOO_FEW_POINTS = "TOO_FEW_POINTS"
    SINGULAR = "SINGULAR"


def _mean(values: Sequence[float]) -> float:
    total = math.fsum(values)
    if math.isinf(total):  # huge magnitudes: average the scaled values instead
        scale = max(abs(v) for v in values)
        return math.fsum(v / scale for v in values) / len(values) * scale
    return total / len(values)


def _deviations(values: Sequence[float]) -> tuple[list[float], float]:
    """Deviations from the mean, scaled to at most 1 in size, and their norm (0: constant).

    Scaling keeps the squares of huge (1e200) or tiny (1e-200) values finite and nonzero.
    """
    mean = _mean(values)
    deviations = [v - mean for v in values]
    scale = max(abs(d) for d in deviations)
    if scale == 0.0 or all(v == values[0] for v in values):
        return [0.0] * len(values), 0.0
    scaled = [d / scale for d in deviations]
    return scaled, math.sqrt(math.fsum(map(operator.mul, scaled, scaled)))


def _r(dx: Sequence[float], nx: float, dy: Sequence[float], ny: float) -> float:
    if len(dx) != len(dy):
        raise ValueError("the series differ in length")
    r = math.fsum(map(operator.mul, dx, dy)) / (nx * ny)
    return max(-1.0, min(1.0, r))


# --- intervals and limits ---------------------------------------------------------------


def t_interval(n: int, mean: float, sd: float, level: float = 0.95) -> tuple[float, float] | None:
    """The ``level`` t-interval of a mean of ``n`` values with sample sd ``sd``; None if n < 2."""
    if n < 2:
        return None
    half = t_quantile((1.0 + level) / 2.0, n - 1) * sd / math.sqrt(n)
    return mean - half, mean + half


@dataclass(frozen=True)
class ControlLimits:
    mean: float
    sd: float  # sample standard deviation (n - 1)
    lower: float  # mean - 2 sd
    upper: float  # mean + 2 sd


def control_limits(values: Sequence[float]) -> ControlLimits | None:
    """Mean +/- 2 sample sd over the window; None with fewer than two values."""
    if len(values) < 2:
        return None
    mean = _mean(values)
    sd = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1))
    return ControlLimits(mean, sd, mean - 2 * sd, mean + 2 * sd)


def zscores(values: Sequence[float]) -> list[float | None]:
    """(x - mean) / sample sd for each value; all None when n < 2 or the values are constant."""
    limits = control_limits(values)
    if limits is None or limits.sd == 0.0:
        return [None] * len(values)
    return [(v - limits.mean) / limits.sd for v in values]


# --- shrinkage --------------------------------------------------------------------------


def shrink(groups: Sequence[tuple[int, float, float]]) -> list[float]:
    """Empirical-Bayes (normal-normal) shrunken group means.

    ``groups`` holds (n, mean, within-group sample variance) per group; a group of one
    person has no within variance (pass 0, it carries no weight in the pooled variance).
    - sigma^2, the within variance: pooled, sum (n_i - 1) s_i^2 / sum (n_i - 1);
    - tau^2, the between variance: the one-way ANOVA method-of-moments estimator for unequal
      groups, (MSB - MSW) / n0 with n0 = (N - sum n_i^2 / N) / (k - 1), floored at 0;
    - mu, the grand mean: precision-weighted, weights 1 / (tau^2 + sigma^2 / n_i) (with
      tau^2 = 0 these are proportional to n_i, the mean over all people);
    - shrunk_i = mu + B_i (mean_i - mu), B_i = tau^2 / (tau^2 + sigma^2 / n_i).
    A small group moves far toward mu, a big one hardly. With fewer than two groups, or
    no within variance to judge the spread by, the means come back unchanged.
    """
    if any(n < 1 for n, _, _ in groups):
        raise ValueError("every group needs at least one value")
    k = len(groups)
    means = [m for _, m, _ in groups]
    within_df = sum(n - 1 for n, _, _ in groups)
    if k < 2 or within_df == 0:
        return means
    sigma2 = math.fsum((n - 1) * v for n, _, v in groups) / within_df
    total = sum(n for n, _, _ in groups)
    grand = math.fsum(n * m for n, m, _ in groups) / total
    msb = math.fsum(n * (m - grand) ** 2 for n, m, _ in groups) / (k - 1)
    n0 = (total - math.fsum(n * n for n, _, _ in groups) / total) / (k - 1)
    tau2 = max(0.0, (msb - sigma2) / n0)
    if sigma2 == 0.0:
        return means  # no noise within groups: the observed means are the truth
    weights = [1.0 / (tau2 + sigma2 / n) for n, _, _ in groups]
    mu = math.fsum(w * m for w, m in zip(weights, means, strict=True)) / math.fsum(weights)
    return [mu + tau2 / (tau2 + sigma2 / n) * (m - mu) for n, m, _ in groups]


# --- correlation ------------------------------------------------------------------------


@dataclass(frozen=True)
class Correlation:
    n: int
    status: CorrelationStatus
    r: float | None = None
    p_value: float | None = None
    low: float | None = None  # 95 % interval by Fisher's z; None when n <= 3
    high: float | None = None


def _correlation(r: float, n: int) -> Correlation:
    """r with its two-sided p-value (t with n - 2 df, as scipy) and Fisher-z 95 % interval."""
    # t = r sqrt((n-2) / (1-r^2)) makes df / (df + t^2) = 1 - r^2: the tail is I_{1-r^2}.
    one_minus = (1.0 - r) * (1.0 + r)
    p = betainc((n - 2) / 2.0, 0.5, one_minus, r * r) if one_minus > 0.0 else 0.0
    if n <= 3:
        return Correlation(n, CorrelationStatus.OK, r, p)
    if one_minus <= 0.0:
        return Correlation(n, CorrelationStatus.OK, r, p, r, r)  # perfect: the interval collapses
    z = statistics.NormalDist().inv_cdf(0.975) / math.sqrt(n - 3)
    centre = math.atanh(r)
    return Correlation(n, CorrelationStatus.OK, r, p, math.tanh(centre - z), math.tanh(centre + z))


def _checked(
    xs: Sequence[float], ys: Sequence[float], min_points: int
) -> tuple[list[float], float, list[float], float] | Correlation:
    if len(xs) != len(ys):
        raise ValueError("the series differ in length")
    n = len(xs)
    if n < max(min_points, 3):
        return Correlation(n, CorrelationStatus.TOO_FEW_POINTS)
    dx, nx = _deviations(xs)
    dy, ny = _deviations(ys)
    if nx == 0.0 or ny == 0.0:
        return Correlation(n, CorrelationStatus.CONSTANT_SERIES)
    return dx, nx, dy, ny


def pearson(
    xs: Sequence[float], ys: Sequence[float], min_points: int = DEFAULT_MIN_POINTS
) -> Correlation:
    """Pearson's r (scipy.stats.pearsonr), its p-value and 95 % interval (Fisher z).

    Fewer than ``min_points`` pairs (never fewer than 3) -> TOO_FEW_POINTS; a series with
    one value throughout -> CONSTANT_SERIES; neither carries a number.
    """
    checked = _checked(xs, ys, min_points)
    if isinstance(checked, Correlation):
        return checked
    return _correlation(_r(*checked), len(xs))


@dataclass(frozen=True)
class Centered:
    """A series prepared once for many pairs (a correlation matrix): its length, its scaled
    deviations from the mean and their norm (0: constant), as ``pearson`` computes them."""

    n: int
    deviations: list[float]
    norm: float


def centered(values: Sequence[float]) -> Centered:
    deviations, norm = _deviations(values)
    return Centered(len(values), deviations, norm)


def pearson_centered(x: Centered, y: Centered, min_points: int = DEFAULT_MIN_POINTS) -> Correlation:
    """``pearson`` of two prepared series (of ranks: ``spearman``); the same floats."""
    if x.n != y.n:
        raise ValueError("the series differ in length")
    if x.n < max(min_points, 3):
        return Correlation(x.n, CorrelationStatus.TOO_FEW_POINTS)
    if x.norm == 0.0 or y.norm == 0.0:
        return Correlation(x.n, CorrelationStatus.CONSTANT_SERIES)
    return _correlation(_r(x.deviations, x.norm, y.deviations, y.norm), x.n)


def ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties getting the average of the ranks they span (scipy rankdata)."""
    order = sorted(range(len(values)), key=values.__getitem__)
    result = [0.0] * len(values)
    size = len(order)
    start = 0
    while start < size:
        first = values[order[start]]
        end = start
        while end + 1 < size and values[order[end + 1]] == first:
            end += 1
        average = (start + end) / 2.0 + 1.0
        for position in range(start, end + 1):
            result[order[position]] = average
        start = end + 1
    return result


def spearman(
    xs: Sequence[float], ys: Sequence[float], min_points: int = DEFAULT_MIN_POINTS
) -> Correlation:
    """Spearman's rho (scipy.stats.spearmanr): Pearson's r of the average ranks.

    The p-value is scipy's (t with n - 2 df on rho). The 95 % interval uses the same Fisher
    z transform with standard error 1/sqrt(n - 3) as Pearson's, a common approximation for
    rho (scipy gives no interval for Spearman).
    """
    if len(xs) != len(ys):
        raise ValueError("the series differ in length")
    if len(xs) < max(min_points, 3):
        return Correlation(len(xs), CorrelationStatus.TOO_FEW_POINTS)
    return pearson(ranks(xs), ranks(ys), min_points)


def benjamini_hochberg(p_values: Sequence[float | None]) -> list[float | None]:
    """Benjamini-Hochberg adjusted p-values (scipy.stats.false_discovery_control, 'bh').

    None entries (pairs without a p-value) are skipped and stay None; m counts the others.
    """
    present = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    m = len(present)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 1.0
    for rank in range(m, 0, -1):  # from the largest p down, keeping the running minimum
        p, index = present[rank - 1]
        running = min(running, p * m / rank)
        adjusted[index] = running
    return adjusted


# --- regression -------------------------------------------------------------------------


@dataclass(frozen=True)
class Regression:
    n: int
    status: RegressionStatus
    betas: list[float] | None = None  # standardized coefficients, one per column
    r_squared: float | None = None
    shares: list[float] | None = None  # Pratt: beta_j r_jy / R^2, adding up to 1


def _solve(matrix: list[list[float]], rhs: list[float]) -> list[float] | None:
    """Gaussian elimination with partial pivoting; None when a pivot is below tolerance."""
    k = len(rhs)
    a = [[*row, b] for row, b in zip(matrix, rhs, strict=True)]
    for col in range(k):
        pivot = max(range(col, k), key=lambda row: abs(a[row][col]))
        if abs(a[pivot][col]) < SINGULAR_TOLERANCE:
            return None
        a[col], a[pivot] = a[pivot], a[col]
        for row in range(col + 1, k):
            factor = a[row][col] / a[col][col]
            for j in range(col, k + 1):
                a[row][j] -= factor * a[col][j]
    solution = [0.0] * k
    for row in range(k - 1, -1, -1):
        rest = math.fsum(a[row][j] * solution[j] for j in range(row + 1, k))
        solution[row] = (a[row][k] - rest) / a[row][row]
    return solution


def standardized_regression(
    y: Sequence[float], columns: Sequence[Sequence[float]], min_points: int = DEFAULT_MIN_POINTS
) -> Regression:
    """OLS of standardized y on standardized columns: betas, R^2 and Pratt's variance shares.

    The normal equations of standardized variables are R_xx beta = r_xy (the predictors'
    correlation matrix and their correlations with y), solved by Gaussian elimination.
    R^2 = sum beta_j r_jy, and Pratt's measure splits it: share_j = beta_j r_jy / R^2 (the
    shares add up to 1; one can be negative, a suppressor). TOO_FEW_POINTS when
    n < k + 2 or n < ``min_points``; SINGULAR when y or a column is constant or the columns
    are (numerically) collinear.
    """
    n, k = len(y), len(columns)
    if any(len(column) != n for column in columns):
        raise ValueError("the columns differ in length from y")
    if k == 0 or n < k + 2 or n < min_points:
        return Regression(n, RegressionStatus.TOO_FEW_POINTS)
    dy, ny = _deviations(y)
    standardized = [_deviations(column) for column in columns]
    if ny == 0.0 or any(norm == 0.0 for _, norm in standardized):
        return Regression(n, RegressionStatus.SINGULAR)
    r_xx = [[_r(*a, *b) for b in standardized] for a in standardized]
    r_xy = [_r(*a, dy, ny) for a in standardized]
    betas = _solve(r_xx, r_xy)
    if betas is None:
        return Regression(n, RegressionStatus.SINGULAR)
    parts = [b * r for b, r in zip(betas, r_xy, strict=True)]
    r_squared = math.fsum(parts)
    shares = [part / r_squared for part in parts] if r_squared > 0.0 else None
    return Regression(n, RegressionStatus.OK, betas, r_squared, shares)
