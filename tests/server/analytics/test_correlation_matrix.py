"""The matrix of server/analytics/correlation.py without a database: pairwise complete
observations, statuses and the Benjamini-Hochberg adjustment across the pairs."""

from __future__ import annotations

import pytest

from server.analytics.correlation import CorrelationMethod, PValueAdjustment, matrix_of
from server.analytics.stats import CorrelationStatus, benjamini_hochberg, pearson, spearman

A = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]
B = [2.1, 1.9, 3.5, 4.2, 4.8, 6.6, 6.1, 8.4, 9.9, 9.0]
C: list[float | None] = [5.0, None, 4.0, 6.0, None, 5.5, 7.0, 3.0, 6.5, 4.5]
D = [3.0] * 10


def test_pairs_use_the_observations_carrying_both() -> None:
    pairs = matrix_of([A, B, C, D], CorrelationMethod.PEARSON, PValueAdjustment.NONE, 8)
    assert [(p.x, p.y) for p in pairs] == [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
    ab, ac, ad = pairs[0], pairs[1], pairs[2]
    assert ab.n == 10 and ab.coefficient == pearson(A, B).r
    kept = [i for i, c in enumerate(C) if c is not None]
    assert ac.n == 8
    assert ac.coefficient == pearson([A[i] for i in kept], [C[i] for i in kept]).r
    assert ad.status is CorrelationStatus.CONSTANT_SERIES and ad.coefficient is None
    assert all(p.adjusted_p_value == p.p_value for p in pairs)
    short = matrix_of([A, C], CorrelationMethod.PEARSON, PValueAdjustment.NONE, 9)
    assert (short[0].n, short[0].status) == (8, CorrelationStatus.TOO_FEW_POINTS)


def test_spearman_and_the_adjustment_across_the_matrix() -> None:
    pairs = matrix_of(
        [A, B, C, D], CorrelationMethod.SPEARMAN, PValueAdjustment.BENJAMINI_HOCHBERG, 8
    )
    assert pairs[0].coefficient == spearman(A, B).r
    adjusted = benjamini_hochberg([p.p_value for p in pairs])
    assert [p.adjusted_p_value for p in pairs] == adjusted
    assert pairs[2].adjusted_p_value is None
    present = [p for p in pairs if p.p_value is not None]
    assert len(present) == 3  # every pair with the constant D has none
    smallest = min(present, key=lambda p: p.p_value or 0.0)
    assert smallest.adjusted_p_value == pytest.approx((smallest.p_value or 0.0) * 3, rel=1e-12)
    assert all((p.adjusted_p_value or 0.0) >= (p.p_value or 0.0) for p in present)
