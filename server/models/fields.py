"""``ScaledDecimalField``: an exact decimal stored as a whole number of 10^-places units.

Tortoise's ``DecimalField`` is NUMERIC on PostgreSQL but text on SQLite, where SQL compares
and sorts the text ("10" < "9") and SUM/AVG go through floating point. A BIGINT holding
value × 10^places is exact on both: SQL compares, sorts, sums, takes MIN and MAX of whole
numbers, and Python turns them back into ``Decimal``. The price is range: ±9223372036854775807
units, so ±9223372036854.775807 at 6 places; values beyond, or with more places than the
field keeps, are refused with a ``ValueError`` rather than rounded or wrapped.

What reaches the model as an ``int`` is read as the stored form (the database returns the
column as ``int``): give the model ``Decimal`` values. SQL sums and averages go through
``server.aggregates``, which knows the scale; tortoise's own ``Sum``/``Avg`` on this field
would return scaled numbers on PostgreSQL, and SQL arithmetic (``F("value") + 1``) works on
the stored units.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from tortoise.exceptions import ConfigurationError
from tortoise.fields.base import Field

if TYPE_CHECKING:
    from tortoise.models import Model

BIGINT_MIN = -(2**63)
BIGINT_MAX = 2**63 - 1

T_DECIMAL = TypeVar("T_DECIMAL", Decimal, Decimal | None)


def largest(places: int) -> Decimal:
    """The largest magnitude a field of ``places`` places holds."""
    return Decimal(BIGINT_MAX).scaleb(-places)


def to_units(value: Decimal, places: int, name: str = "value") -> int:
    """``value`` × 10^places as an int, exactly, or a ``ValueError`` saying why not.

    Integer arithmetic on the digits, so no decimal context can round, and a value like
    ``1e999999999`` is refused by its exponent before any big power of ten is built.
    """
    if not value.is_finite():
        raise ValueError(f"{name}: {value} is not a finite number")
    if value.is_zero():
        return 0
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    kept = len(digits)
    while digits[kept - 1] == 0:  # not zero, so this stops
        kept -= 1
    exponent += len(digits) - kept
    if exponent + places < 0:
        raise ValueError(f"{name}: {value} has more than {places} decimal places")
    if value.adjusted() + places > 18:  # 10^19 units and more cannot fit in a BIGINT
        raise ValueError(f"{name}: {value} is outside ±{largest(places)}")
    units = int("".join(map(str, digits[:kept]))) * 10 ** (exponent + places)
    units = -units if sign else units
    if not BIGINT_MIN <= units <= BIGINT_MAX:
        raise ValueError(f"{name}: {value} is outside ±{largest(places)}")
    return units


def from_units(units: int | Decimal, places: int) -> Decimal:
    """The ``Decimal`` a number of stored units stands for (an SQL sum on PostgreSQL comes
    back as an integral ``Decimal``). Built from the digits: no context precision rounds it."""
    sign, digits, exponent = Decimal(units).as_tuple()
    assert isinstance(exponent, int)  # finite: it came from an integer column
    return Decimal((sign, digits, exponent - places))


class ScaledDecimalField(Field[T_DECIMAL], Decimal):  # type: ignore[misc]
    """A ``Decimal`` with a fixed number of ``places``, stored as a BIGINT of units."""

    SQL_TYPE = "BIGINT"

    @overload
    def __init__(
        self: ScaledDecimalField[Decimal],
        places: int,
        *,
        null: Literal[False] = False,
        **kwargs: Any,
    ) -> None: ...

    @overload
    def __init__(
        self: ScaledDecimalField[Decimal | None],
        places: int,
        *,
        null: Literal[True],
        **kwargs: Any,
    ) -> None: ...

    def __init__(self, places: int, **kwargs: Any) -> None:
        if not 0 <= int(places) <= 18:
            raise ConfigurationError("'places' must be between 0 and 18")
        super().__init__(**kwargs)
        self.places = int(places)

    def _decimal(self, value: Any) -> Decimal:
        # Floats are refused: a float is already rounded, and this field is about exactness.
        if isinstance(value, Decimal):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return Decimal(value)
        if isinstance(value, str):
            try:
                return Decimal(value.strip())
            except ArithmeticError as exc:
                raise ValueError(f"{self.model_field_name}: {value!r} is not a number") from exc
        raise ValueError(
            f"{self.model_field_name}: expected a Decimal, int or str, not {type(value).__name__}"
        )

    def to_db_value(self, value: Any, instance: type[Model] | Model) -> int | None:
        if value is None:
            return None
        units = to_units(self._decimal(value), self.places, self.model_field_name or "value")
        self.validate(units)
        return units

    def to_python_value(self, value: Any) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return from_units(value, self.places)  # the column as the database returns it
        # A value given to the model: kept with exactly ``places`` places, as read back.
        units = to_units(self._decimal(value), self.places, self.model_field_name or "value")
        return from_units(units, self.places)

    @property
    def constraints(self) -> dict:
        return {"ge": -largest(self.places), "le": largest(self.places)}
