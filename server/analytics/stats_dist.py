"""Student's t distribution in pure Python: its CDF, two-sided tail and quantile.

The CDF goes through the regularized incomplete beta function, evaluated by its continued
fraction with the modified Lentz algorithm (Numerical Recipes 6.4): for T with ``df``
degrees of freedom, P(|T| >= t) = I_x(df/2, 1/2) with x = df / (df + t^2). The quantile
inverts it by Newton's method from the normal quantile (bisection as a fallback); it is
cached, since intervals ask for the same few (p, df) over and over.

Accuracy against scipy.stats.t is ~1e-12 relative for df up to 10^6 and quantiles up to
1e154 in size, beyond which t^2 overflows (tests/server/analytics/test_stats.py).
"""

from __future__ import annotations

import math
from functools import lru_cache
from statistics import NormalDist

_EPS = 1e-16
_TINY = 1e-300
_MAX_ITERATIONS = 100_000


def _continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of I_x(a, b), modified Lentz; converges fast for x < (a+1)/(a+b+2)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, _MAX_ITERATIONS + 1):
        m2 = 2 * m
        # The even step of the fraction...
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        # ...and the odd one.
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            return h
    raise ArithmeticError(f"incomplete beta did not converge for a={a}, b={b}, x={x}")


def _log_gamma_ratio(a: float, b: float) -> float:
    """ln Gamma(a + b) - ln Gamma(a), without the cancellation of two huge lgammas.

    For large a the difference of Stirling series keeps ~1e-15 relative accuracy, where
    lgamma(1e5) ~ 1e6 would leave only ~1e-10 absolute.
    """
    if a < 10.0:
        return math.lgamma(a + b) - math.lgamma(a)

    def correction(z: float) -> float:
        w = 1.0 / (z * z)
        series = 1 / 12 - w * (
            1 / 360 - w * (1 / 1260 - w * (1 / 1680 - w * (1 / 1188 - w * 691 / 360360)))
        )
        return series / z

    return (
        b * math.log(a) + (a + b - 0.5) * math.log1p(b / a) - b + correction(a + b) - correction(a)
    )


def betainc(a: float, b: float, x: float, y: float | None = None) -> float:
    """The regularized incomplete beta function I_x(a, b) (scipy.special.betainc).

    ``y`` is 1 - x when the caller knows it more precisely than the subtraction gives.
    """
    if y is None:
        y = 1.0 - x
    if x <= 0.0:
        return 0.0
    if y <= 0.0:
        return 1.0
    # log(x) from the smaller of x and y, whichever is known to full relative precision.
    log_x = math.log1p(-y) if y < 0.5 else math.log(x)
    log_y = math.log1p(-x) if x < 0.5 else math.log(y)
    if a >= b:
        log_beta = math.lgamma(b) - _log_gamma_ratio(a, b)
    else:
        log_beta = math.lgamma(a) - _log_gamma_ratio(b, a)
    log_front = a * log_x + b * log_y - log_beta
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _continued_fraction(a, b, x) / a
    # The symmetry I_x(a, b) = 1 - I_y(b, a) keeps the fraction in its fast region.
    return 1.0 - math.exp(log_front) * _continued_fraction(b, a, y) / b


def t_two_sided(t: float, df: float) -> float:
    """P(|T| >= |t|) for T ~ Student's t with ``df`` degrees of freedom."""
    if math.isinf(t):
        return 0.0
    t2 = t * t
    return betainc(df / 2.0, 0.5, df / (df + t2), t2 / (df + t2))


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) (scipy.stats.t.cdf)."""
    tail = t_two_sided(t, df) / 2.0
    return tail if t < 0 else 1.0 - tail


@lru_cache(maxsize=1024)
def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom (scipy.stats.t.ppf)."""
    if not 0.0 < p < 1.0:
        if p == 0.0:
            return -math.inf
        if p == 1.0:
            return math.inf
        raise ValueError(f"probability out of range: {p}")
    if df <= 0:
        raise ValueError(f"degrees of freedom must be positive: {df}")
    if p == 0.5:
        return 0.0
    if p > 0.5:
        return -t_quantile(1.0 - p, df)
    return -_upper_point(p, df)


def _log_pdf(t: float, df: float) -> float:
    """log of Student's t density."""
    return (
        _log_gamma_ratio(df / 2.0, 0.5)
        - 0.5 * math.log(df * math.pi)
        - (df + 1.0) / 2.0 * math.log1p(t * t / df)
    )


def _central(s: float, df: float) -> float:
    """P(|T| < s), accurate when small (near the median the tail, 1/2 - tiny, is not)."""
    s2 = s * s
    return betainc(0.5, df / 2.0, s2 / (df + s2), df / (df + s2))


def _upper_point(p: float, df: float) -> float:
    """s > 0 with P(T <= -s) = p < 1/2: Newton from the normal quantile, bisection fallback.

    Near the median Newton runs on P(|T| < s) = 1 - 2p (exact for p >= 1/4), in the tail on
    log P(T <= -s), so each converges in a handful of steps to the last bits.
    """
    s = -NormalDist().inv_cdf(p)
    central = p >= 0.25
    log_p = math.log(p)
    for _ in range(60):
        try:
            if central:
                step = (1.0 - 2.0 * p - _central(s, df)) / (2.0 * math.exp(_log_pdf(s, df)))
            else:
                log_tail = math.log(t_two_sided(s, df) / 2.0)
                step = (log_tail - log_p) * math.exp(log_tail - _log_pdf(s, df))
        except (OverflowError, ValueError):  # beyond floats (p ~ 1e-300): bisect instead
            break
        following = s + step if s + step > 0.0 else s / 2.0
        # Quadratic convergence: after a step of 1e-12 the error left is far below an ulp.
        if abs(following - s) <= 1e-12 * s:
            return following
        s = following
    lo, hi = 0.0, 1.0
    while t_two_sided(hi, df) / 2.0 > p and hi < 1e300:
        lo, hi = hi, hi * 2.0
    while hi - lo > 4 * math.ulp(hi):
        mid = (lo + hi) / 2.0
        if t_two_sided(mid, df) / 2.0 > p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2.0
