"""Scalars Jixiao serializes its own way: one definition each, used by every field.

``Decimal``: strawberry's writes ``str(value)``, which is exponent notation for normalized
values (``Decimal("60").normalize()`` is ``6E+1``) and keeps trailing zeros otherwise
(``"1.50"``). Ours writes plain, normalized digits: ``"60"``, ``"10000"``, ``"1.5"``, ``"0"``.
Input is parsed exactly as strawberry's (the same strings are accepted).
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from strawberry.schema.types.base_scalars import DecimalDefinition
from strawberry.types.scalar import ScalarDefinition


def plain_decimal(value: object) -> str:
    """``value`` as plain, normalized decimal digits: never an exponent, no trailing zeros."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        return str(number)
    if number.is_zero():
        return "0"  # also for -0 and 0E-8
    # Not Decimal.normalize(): it rounds to the context's 28 digits. "f" is exact.
    digits = format(number, "f")
    return digits.rstrip("0").rstrip(".") if "." in digits else digits


PlainDecimal: ScalarDefinition = dataclasses.replace(DecimalDefinition, serialize=plain_decimal)

SCALAR_OVERRIDES: dict[object, ScalarDefinition] = {Decimal: PlainDecimal}
