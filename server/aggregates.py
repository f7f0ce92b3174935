"""Exact SQL aggregates over ``ScaledDecimalField`` columns, as ``Decimal``.

The database adds, counts and compares the stored whole units (``server.models.fields``);
this module turns them back into amounts, so callers never handle the scale. An average is
the exact sum divided by the count in ``Decimal``, never SQL's AVG (floating point on
SQLite, and a different rounding on PostgreSQL).

SQLite refuses a sum beyond the 64-bit range ("integer overflow") where PostgreSQL widens
to NUMERIC; such a query is answered again from the values, in Python, so the answer is
the same on both.

    await sum_of(MetricFact.filter(company_id=c, metric="sales"), "value")
    await totals(Indicator.filter(company_id=c), "weight", by=("plan_id",))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tortoise.exceptions import OperationalError
from tortoise.functions import Count, Max, Min, Sum
from tortoise.queryset import QuerySet

from server.models.fields import ScaledDecimalField, from_units


class _Units(Sum):
    populate_field_object = False  # the raw units: converted here, the same on both backends


class _Lowest(Min):
    populate_field_object = False


class _Highest(Max):
    populate_field_object = False


@dataclass(frozen=True)
class Totals:
    """Count, sum, minimum and maximum of the non-null values of one group."""

    count: int
    sum: Decimal  # 0 for an empty group
    min: Decimal | None
    max: Decimal | None

    @property
    def avg(self) -> Decimal | None:
        return None if self.count == 0 else self.sum / self.count


def _field(queryset: QuerySet[Any], name: str) -> ScaledDecimalField[Any]:
    field = queryset.model._meta.fields_map.get(name)
    if not isinstance(field, ScaledDecimalField):
        raise TypeError(f"{queryset.model.__name__}.{name} is not a ScaledDecimalField")
    return field


async def totals(
    queryset: QuerySet[Any], field: str, *, by: Sequence[str] = ()
) -> dict[tuple[Any, ...], Totals]:
    """``Totals`` of ``field`` per distinct value of the ``by`` columns (one group, keyed
    ``()``, without them; it is there, with count 0, even when no row matches)."""
    places = _field(queryset, field).places
    query = queryset.order_by().annotate(
        jx_n=Count(field), jx_sum=_Units(field), jx_min=_Lowest(field), jx_max=_Highest(field)
    )
    if by:
        query = query.group_by(*by)
    try:
        rows = await query.values(*by, "jx_n", "jx_sum", "jx_min", "jx_max")
    except OperationalError as exc:
        if "integer overflow" not in str(exc):
            raise
        return await _in_python(queryset, field, by)

    def amount(units: Any) -> Decimal | None:
        return None if units is None else from_units(units, places)

    found = {
        tuple(row[name] for name in by): Totals(
            int(row["jx_n"]),
            from_units(row["jx_sum"] or 0, places),
            amount(row["jx_min"]),
            amount(row["jx_max"]),
        )
        for row in rows
    }
    if not by and not found:
        found[()] = Totals(0, from_units(0, places), None, None)
    return found


async def _in_python(
    queryset: QuerySet[Any], field: str, by: Sequence[str]
) -> dict[tuple[Any, ...], Totals]:
    places = _field(queryset, field).places
    groups: dict[tuple[Any, ...], list[Decimal]] = {} if by else {(): []}
    for row in await queryset.order_by().values_list(*by, field):
        values = groups.setdefault(tuple(row[: len(by)]), [])
        if row[-1] is not None:
            values.append(row[-1])
    return {
        key: Totals(
            len(values),
            sum(values, from_units(0, places)),
            min(values, default=None),
            max(values, default=None),
        )
        for key, values in groups.items()
    }


async def sum_of(queryset: QuerySet[Any], field: str) -> Decimal:
    return (await totals(queryset, field))[()].sum


async def avg_of(queryset: QuerySet[Any], field: str) -> Decimal | None:
    return (await totals(queryset, field))[()].avg


async def min_of(queryset: QuerySet[Any], field: str) -> Decimal | None:
    return (await totals(queryset, field))[()].min


async def max_of(queryset: QuerySet[Any], field: str) -> Decimal | None:
    return (await totals(queryset, field))[()].max
