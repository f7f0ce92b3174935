"""server/analytics/stats.py against scipy 1.17.1 / numpy, computed once and written here.

The reference script ran scipy.stats.pearsonr (with .confidence_interval), spearmanr,
linregress, t.ppf/cdf/sf/interval, false_discovery_control, zscore, scipy.special.betainc
and numpy.linalg.lstsq on z-scored columns; its outputs are the literals below.
"""

from __future__ import annotations

import math

import pytest

from server.analytics.stats import (
    CorrelationStatus,
    RegressionStatus,
    benjamini_hochberg,
    betainc,
    control_limits,
    pearson,
    ranks,
    shrink,
    spearman,
    standardized_regression,
    t_cdf,
    t_interval,
    t_quantile,
    t_two_sided,
    zscores,
)

REL = 1e-9

X = [49.93, 60.46, 57.42, 57.24, 66.19, 37.94, 43.73, 36.79, 48.92, 59.99, 49.78, 54.96]
Y = [18.49, 37.16, 29.01, 45.0, 45.04, 28.46, 25.89, 25.75, 33.3, 33.93, 26.88, 32.29]


def close(actual: float | None, expected: float, rel: float = REL) -> bool:
    assert actual is not None
    return math.isclose(actual, expected, rel_tol=rel, abs_tol=1e-300)


@pytest.mark.parametrize(
    ("p", "df", "expected"),
    [
        (0.975, 1, 12.706204736174694),
        (0.975, 2, 4.302652729749462),
        (0.975, 7, 2.364624251592784),
        (0.975, 30, 2.0422724563012378),
        (0.995, 100, 2.6258905214380173),
        (0.9, 1000, 1.2823987214609247),
        (0.975, 100000, 1.9599877075346095),
        (1e-10, 5, -156.82559270889433),
        (0.025, 3, -3.1824463052837086),
        (0.6, 4, 0.2707222947075976),
    ],
)
def test_t_quantile_matches_scipy(p: float, df: int, expected: float) -> None:
    assert close(t_quantile(p, df), expected)


def test_t_quantile_near_the_median() -> None:
    # scipy says -2.597460275364033e-07 here (1e-10 off); the exact value is -q / (2 f(0)):
    # P(|T| < s) = 2 f(0) s (1 + O(s^2)) with q = 1 - 2p and f(0) = G(4) / (sqrt(7 pi) G(3.5)).
    q = 1 - 2 * 0.4999999
    density = math.exp(math.lgamma(4) - math.lgamma(3.5)) / math.sqrt(7 * math.pi)
    assert close(t_quantile(0.4999999, 7), -q / (2 * density), 1e-12)
    assert close(t_quantile(1e-100, 1), -1 / math.tan(math.pi * 1e-100), 1e-12)  # Cauchy


def test_t_quantile_edges() -> None:
    assert t_quantile(0.5, 9) == 0.0
    assert t_quantile(0.0, 9) == -math.inf and t_quantile(1.0, 9) == math.inf
    with pytest.raises(ValueError):
        t_quantile(1.5, 9)
    with pytest.raises(ValueError):
        t_quantile(0.9, 0)


@pytest.mark.parametrize(
    ("t", "df", "cdf", "two_sided"),
    [
        (2.0, 5, 0.9490302605850708, 0.10193947882985835),
        (-1.3, 12, 0.10900858554175706, 0.21801717108351412),
        (10.0, 3, 0.9989358004707929, 0.0021283990584141503),
        (40.0, 30, 1.0, 1.3726045194406417e-27),
        (0.1, 200000, 0.5398277871618014, 0.9203444256763973),
    ],
)
def test_t_distribution_matches_scipy(t: float, df: int, cdf: float, two_sided: float) -> None:
    assert close(t_cdf(t, df), cdf, 1e-12)
    assert close(t_two_sided(t, df), two_sided)


def test_incomplete_beta_matches_scipy() -> None:
    assert close(betainc(2.5, 0.5, 0.3), 0.018927124071945658)
    assert close(betainc(50.0, 0.5, 0.99), 0.3173043978741973)
    assert betainc(2.0, 3.0, 0.0) == 0.0 and betainc(2.0, 3.0, 1.0) == 1.0


def test_t_interval_matches_scipy() -> None:
    interval = t_interval(12, 72.5, 6.3)
    assert interval is not None
    assert close(interval[0], 68.49717096981698) and close(interval[1], 76.50282903018302)
    assert t_interval(1, 72.5, 0.0) is None
    assert t_interval(0, 0.0, 0.0) is None


def test_pearson_matches_scipy() -> None:
    result = pearson(X, Y)
    assert result.status is CorrelationStatus.OK and result.n == 12
    assert close(result.r, 0.6688103084218918)
    assert close(result.p_value, 0.017402742028293533)
    assert close(result.low, 0.1540303720436007) and close(result.high, 0.8980226923168355)


def test_pearson_strong_negative_at_eight_points() -> None:
    a = [3.1, 4.7, 2.2, 5.9, 6.1, 1.0, 8.8, 7.3]
    b = [9.0, 7.5, 9.9, 5.1, 6.0, 11.2, 2.0, 4.4]
    result = pearson(a, b)
    assert result.status is CorrelationStatus.OK
    assert close(result.r, -0.9919364671976604)
    assert close(result.p_value, 1.3028244673987452e-06, 1e-8)
    assert close(result.low, -0.9985983564102943) and close(result.high, -0.9543346683706218)


@pytest.mark.parametrize("scale", [1e200, 1e-200])
def test_pearson_survives_huge_and_tiny_magnitudes(scale: float) -> None:
    result = pearson([v * scale for v in X], [v * scale for v in Y])
    assert close(result.r, 0.6688103084218918)
    assert close(result.p_value, 0.017402742028293533, 1e-8)


def test_pearson_agrees_with_linregress() -> None:
    # linregress(X, Y): rvalue 0.6688103084218919, pvalue 0.017402742028293467
    result = pearson(X, Y)
    assert close(result.r, 0.6688103084218919) and close(result.p_value, 0.017402742028293467)
    one = standardized_regression(Y, [X])
    assert one.status is RegressionStatus.OK and one.betas and one.shares
    assert close(one.betas[0], 0.6688103084218919)
    assert close(one.r_squared, 0.6688103084218919**2)
    assert one.shares == [1.0]


def test_too_few_points_and_constant_series() -> None:
    assert pearson(X[:7], Y[:7]) == pearson(X[:7], Y[:7], 8)
    short = pearson(X[:7], Y[:7])
    assert short.status is CorrelationStatus.TOO_FEW_POINTS and short.n == 7 and short.r is None
    assert pearson(X[:2], Y[:2], min_points=2).status is CorrelationStatus.TOO_FEW_POINTS
    flat = pearson(X, [3.5] * 12)
    assert flat.status is CorrelationStatus.CONSTANT_SERIES and flat.n == 12
    assert flat.r is None and flat.p_value is None and flat.low is None
    assert spearman([1.0] * 10, list(range(10))).status is CorrelationStatus.CONSTANT_SERIES
    assert spearman(X[:5], Y[:5]).status is CorrelationStatus.TOO_FEW_POINTS
    with pytest.raises(ValueError):
        pearson(X, Y[:-1])


def test_three_points_have_a_p_value_but_no_interval() -> None:
    result = pearson([1.0, 2.0, 3.0], [1.0, 3.0, 2.0], min_points=3)
    assert close(result.r, 0.5, 1e-12) and close(result.p_value, 0.6666666666666666, 1e-12)
    assert result.low is None and result.high is None


def test_perfect_correlation_collapses_the_interval() -> None:
    xs = [float(i) for i in range(10)]
    up = pearson(xs, [2 * v + 1 for v in xs])
    assert up.r == 1.0 and up.p_value == 0.0 and up.low == up.high == 1.0
    down = spearman(xs, [-(v**3) for v in xs])
    assert down.r == -1.0 and down.p_value == 0.0 and down.low == down.high == -1.0


def test_spearman_matches_scipy() -> None:
    result = spearman(X, Y)
    assert close(result.r, 0.7482517482517484) and close(result.p_value, 0.005124081698753054)


def test_spearman_with_ties_matches_scipy() -> None:
    xt = [1.0, 2, 2, 3, 3, 3, 4, 5, 5, 6]
    yt = [2.0, 1, 3, 3, 5, 4, 4, 6, 6, 5]
    assert ranks(xt) == [1.0, 2.5, 2.5, 5.0, 5.0, 5.0, 7.0, 8.5, 8.5, 10.0]
    result = spearman(xt, yt)
    assert close(result.r, 0.8531416630858343) and close(result.p_value, 0.001697887882024178)
    # Same Fisher-z interval as Pearson's on the ranks: tanh(atanh(rho) +/- 1.959964/sqrt(7)).
    z = 1.959963984540054 / math.sqrt(7)
    assert close(result.low, math.tanh(math.atanh(0.8531416630858343) - z), 1e-12)
    assert close(result.high, math.tanh(math.atanh(0.8531416630858343) + z), 1e-12)


def test_benjamini_hochberg_matches_scipy() -> None:
    ps: list[float | None] = [0.01, 0.04, 0.03, 0.2, 0.5, 0.001, 0.04]
    expected = [0.035, 0.056, 0.056, 0.23333333333333336, 0.5, 0.007, 0.056]
    adjusted = benjamini_hochberg(ps)
    assert all(close(a, e, 1e-12) for a, e in zip(adjusted, expected, strict=True))
    with_gaps = benjamini_hochberg([None, 0.01, None, 0.04, 0.03, 0.2, 0.5, 0.001, 0.04])
    assert with_gaps[0] is None and with_gaps[2] is None
    assert with_gaps[1:2] + with_gaps[3:] == adjusted
    assert benjamini_hochberg([]) == [] and benjamini_hochberg([None]) == [None]
    assert benjamini_hochberg([0.9, 0.95]) == [0.95, 0.95]  # capped by the running minimum


def floats(text: str) -> list[float]:
    return [float(v) for v in text.split()]


OX = [
    floats(
        "63.945 62.716 78.236 56.492 71.915 88.197 79.531 76.127 66.523 74.39 "
        "82.314 81.655 71.859 60.918 73.726 51.165 69.508 72.309 58.237 77.262"
    ),
    floats(
        "61.029 74.021 67.862 61.803 65.62 83.188 73.478 69.153 73.776 81.99 "
        "92.375 86.795 70.95 49.927 76.593 57.421 76.468 77.281 66.481 79.559"
    ),
    floats(
        "67.166 54.039 64.541 67.523 70.938 64.263 75.939 50.697 66.199 64.559 "
        "80.79 92.545 76.031 61.18 54.636 68.119 82.288 59.048 76.647 77.842"
    ),
]
OY = floats(
    "81.772 57.954 84.269 72.247 87.323 82.608 95.142 79.531 72.523 78.403 "
    "87.572 81.728 87.841 79.136 72.734 65.608 68.417 72.692 72.568 80.898"
)


def test_standardized_regression_matches_lstsq() -> None:
    result = standardized_regression(OY, OX)
    assert result.status is RegressionStatus.OK and result.n == 20
    assert result.betas and result.shares
    expected = [1.1975482905319565, -0.8656734195655621, 0.418415534548066]
    assert all(close(b, e) for b, e in zip(result.betas, expected, strict=True))
    assert close(result.r_squared, 0.7454646109606518)
    shares = [1.0079714768969021, -0.20962251316307579, 0.20165103626617376]
    assert all(close(s, e) for s, e in zip(result.shares, shares, strict=True))
    assert close(math.fsum(result.shares), 1.0, 1e-12)


def test_regression_degenerate_cases() -> None:
    assert standardized_regression(OY[:4], [c[:4] for c in OX]).status is (
        RegressionStatus.TOO_FEW_POINTS
    )  # n < k + 2
    assert standardized_regression(OY[:7], [OX[0][:7]]).status is RegressionStatus.TOO_FEW_POINTS
    assert standardized_regression(OY, []).status is RegressionStatus.TOO_FEW_POINTS
    constant = standardized_regression(OY, [OX[0], [1.0] * 20])
    assert constant.status is RegressionStatus.SINGULAR and constant.betas is None
    collinear = [2 * a - 3 * b for a, b in zip(OX[0], OX[1], strict=True)]
    assert standardized_regression(OY, [*OX[:2], collinear]).status is RegressionStatus.SINGULAR
    assert standardized_regression([5.0] * 20, OX).status is RegressionStatus.SINGULAR
    with pytest.raises(ValueError):
        standardized_regression(OY, [OX[0][:5]])


def test_control_limits_and_zscores() -> None:
    limits = control_limits([3.0, 5.0, 9.0, 11.0])
    assert limits is not None
    sd = math.sqrt(((4**2) + 2**2 + 2**2 + 4**2) / 3)  # mean 7
    assert limits.mean == 7.0 and close(limits.sd, sd, 1e-15)
    assert close(limits.lower, 7 - 2 * sd, 1e-15) and close(limits.upper, 7 + 2 * sd, 1e-15)
    assert control_limits([4.0]) is None
    expected = [-1.0954451150103324, -0.5477225575051662, 0.5477225575051662, 1.0954451150103324]
    zs = zscores([3.0, 5.0, 9.0, 11.0])
    assert all(close(z, e, 1e-14) for z, e in zip(zs, expected, strict=True))
    assert zscores([2.0, 2.0]) == [None, None] and zscores([1.0]) == [None]


def test_shrink_by_hand() -> None:
    # Three groups of 4 with within variance 4: sigma^2 = 4, grand mean 10, n0 = 4,
    # MSB = 4 (4 + 0 + 4) / 2 = 16, tau^2 = (16 - 4) / 4 = 3, B = 3 / (3 + 1) = 0.75.
    assert shrink([(4, 8.0, 4.0), (4, 10.0, 4.0), (4, 12.0, 4.0)]) == [8.5, 10.0, 11.5]
    # Unequal: the one-person group (no within variance) moves most toward mu.
    groups = [(1, 20.0, 0.0), (9, 10.0, 5.0), (10, 12.0, 6.0)]
    sigma2 = (8 * 5.0 + 9 * 6.0) / 17
    grand = (20 + 90 + 120) / 20
    msb = (1 * (20 - grand) ** 2 + 9 * (10 - grand) ** 2 + 10 * (12 - grand) ** 2) / 2
    n0 = (20 - (1 + 81 + 100) / 20) / 2
    tau2 = (msb - sigma2) / n0
    weights = [1 / (tau2 + sigma2 / n) for n, _, _ in groups]
    mu = sum(w * m for w, (_, m, _) in zip(weights, groups, strict=True)) / sum(weights)
    expected = [mu + tau2 / (tau2 + sigma2 / n) * (m - mu) for n, m, _ in groups]
    result = shrink(groups)
    assert all(close(r, e, 1e-12) for r, e in zip(result, expected, strict=True))
    assert abs(result[0] - 20.0) > abs(result[2] - 12.0)
    # Means closer than the noise explains: tau^2 floors at 0 and everyone gets mu.
    flat = shrink([(5, 10.0, 25.0), (5, 10.5, 25.0), (6, 9.8, 25.0)])
    assert all(close(v, (50 + 52.5 + 58.8) / 16, 1e-12) for v in flat)
    assert shrink([(3, 7.0, 1.0)]) == [7.0]
    assert shrink([(1, 7.0, 0.0), (1, 9.0, 0.0)]) == [7.0, 9.0]
    assert shrink([(3, 7.0, 0.0), (2, 9.0, 0.0)]) == [7.0, 9.0]
    with pytest.raises(ValueError):
        shrink([(0, 1.0, 0.0)])
