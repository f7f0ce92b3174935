"""Bonus amounts from base x coefficient, and a pool split to the cent: pure, exact.

``largest_remainder`` splits a pool in proportion to weights into whole cents that add up to
the pool exactly (Hamilton's method): every share is first rounded down to the cent, then
the cents left over go one each to the largest remainders (ties to the earlier person).
The arithmetic is in exact integers, so no weight or pool loses a digit on the way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def _scaled(value: Decimal, places: int) -> int:
    """``value`` x 10^places as an exact integer (no context rounding: from the digits)."""
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    number = int("".join(map(str, digits)) or "0") * 10 ** (exponent + places)
    return -number if sign else number


def largest_remainder(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """``total`` (whole cents, >= 0) split by ``weights`` (>= 0, not all 0) to the cent."""
    if total < 0 or total != total.quantize(CENT):
        raise ValueError("the total must be a non-negative amount in whole cents")
    if any(w < 0 for w in weights) or not any(w > 0 for w in weights):
        raise ValueError("weights must be non-negative and not all zero")
    cents = int(total * 100)
    # Exact integers throughout: each weight in units of its finest place, so the shares
    # cents x w / sum(w) have one denominator and their remainders compare as integers.
    places = max(0, *(-int(w.as_tuple().exponent) for w in weights))
    units = [_scaled(w, places) for w in weights]
    whole = sum(units)
    floors: list[int] = []
    remainders: list[int] = []
    for u in units:
        share, rest = divmod(cents * u, whole)
        floors.append(share)
        remainders.append(rest)
    left = cents - sum(floors)
    order = sorted(range(len(units)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(c).scaleb(-2) for c in floors]


@dataclass(frozen=True)
class Claim:
    """One person's part: his base amount and his grade's coefficient (None: unknown)."""

    base: Decimal | None
    coefficient: Decimal | None

    @property
    def weight(self) -> Decimal | None:
        if self.base is None or self.coefficient is None:
            return None
        return self.base * self.coefficient


def allocate(claims: Sequence[Claim], pool: Decimal | None) -> list[Decimal | None]:
    """Each claim's amount: base x coefficient half-up to the cent without a pool; with one,
    the pool split in proportion to base x coefficient so the amounts add up to it exactly.
    A claim without a base or a grade gets None and no share; a pool nobody can share (every
    weight 0 or unknown) stays undistributed: every known claim gets 0."""
    weights = [c.weight for c in claims]
    if pool is None:
        return [None if w is None else w.quantize(CENT, rounding=ROUND_HALF_UP) for w in weights]
    known = [i for i, w in enumerate(weights) if w is not None]
    amounts: list[Decimal | None] = [None] * len(claims)
    shares = [weights[i] or Decimal(0) for i in known]
    if not any(s > 0 for s in shares):
        for i in known:
            amounts[i] = Decimal("0.00")
        return amounts
    for i, amount in zip(known, largest_remainder(pool, shares), strict=True):
        amounts[i] = amount
    return amounts
