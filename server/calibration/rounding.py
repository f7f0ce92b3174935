"""Largest-remainder rounding: whole counts from shares that add up to the total exactly."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal


def largest_remainder(shares: Sequence[Decimal], total: int) -> list[int]:
    """Whole numbers proportional to ``shares`` (any non-negative weights, e.g. percentages)
    summing to exactly ``total`` (Hamilton's method): each gets the floor of its quota, and
    the units left over go to the largest remainders, ties to the earlier share.

    >>> largest_remainder([Decimal(20), Decimal(30), Decimal(40), Decimal(10)], 7)
    [1, 2, 3, 1]
    """
    if total < 0:
        raise ValueError("total must not be negative")
    if any(s < 0 for s in shares):
        raise ValueError("shares must not be negative")
    weight = sum(shares, Decimal(0))
    if not shares or weight == 0:
        return [0] * len(shares)
    quotas = [s * total / weight for s in shares]
    counts = [int(q) for q in quotas]  # floor: quotas are never negative
    left = total - sum(counts)
    # Exact decimals: equal remainders are equal, so ties go to the earlier share.
    order = sorted(range(len(shares)), key=lambda i: (-(quotas[i] - counts[i]), i))
    for i in order[:left]:
        counts[i] += 1
    return counts
