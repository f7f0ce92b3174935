"""The engine's numbers: its exact context and how a number is shown in an explanation."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

CENT = Decimal("0.01")
ZERO = Decimal(0)
# A 60-digit context: a repeating quotient such as 1 / 3 is exact far below anything shown.
CONTEXT = Context(prec=60)


def display(value: Decimal) -> str:
    """A number as the explanations show it: half-up to 2 places, no trailing zeros."""
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP).normalize()
    return f"{rounded:f}"
