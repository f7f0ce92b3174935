"""Bulk inserts for the demo history without model objects: one ``executemany`` per table and
chunk, values converted as the ORM would store them. Building tens of thousands of tortoise
model instances cost more than the database's own work (measured: 13 s of 20 for a year of
the two demo companies); plain dicts cost almost nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from tortoise import fields
from tortoise.models import Model

from server.models.fields import ScaledDecimalField, to_units
from server.scoring import sql

CHUNK = 1000


def _converter(field: fields.Field[Any], dialect: str, model: type[Model]) -> Callable[[Any], Any]:
    """How the ORM would store a value of ``field`` (chosen once per column, not per value)."""
    postgres = dialect == "postgres"
    if isinstance(field, ScaledDecimalField):
        places = field.places
        return lambda v: None if v is None else to_units(Decimal(v), places)
    if isinstance(field, fields.JSONField):
        return lambda v: None if v is None else field.to_db_value(v, model)
    if isinstance(field, fields.UUIDField):
        return (lambda v: v) if postgres else (lambda v: None if v is None else str(v))
    if isinstance(field, fields.DatetimeField):
        return lambda v: None if v is None else sql.time_param(v, dialect)
    if isinstance(field, fields.DateField) and not postgres:
        return lambda v: None if v is None else v.isoformat()
    if isinstance(field, fields.CharField | fields.TextField):
        return lambda v: None if v is None else str(v)  # plain text, not an enum member
    return lambda v: v


async def insert(model: type[Model], rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (field name -> value; omitted fields take their model default, ids a
    new UUID, timestamps now) into ``model``'s table."""
    if not rows:
        return
    meta = model._meta
    db = sql.client()
    dialect = sql.dialect(db)
    names = list(meta.fields_db_projection)
    columns = [meta.fields_db_projection[n] for n in names]
    now = datetime.now(UTC)
    defaults: dict[str, Any] = {}
    for name in names:
        field = meta.fields_map[name]
        if field.pk:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[name] = now
        elif field.default is not None:
            defaults[name] = field.default  # a callable is called per row
    # Per column: its name, its default (a callable is called per row) and its converter.
    plan: list[tuple[str, Any, bool, Callable[[Any], Any]]] = []
    for name in names:
        field = meta.fields_map[name]
        default = uuid.uuid4 if field.pk else defaults.get(name)
        plan.append((name, default, callable(default), _converter(field, dialect, model)))
    values = [
        [
            convert(row[name] if name in row else default() if call else default)
            for name, default, call, convert in plan
        ]
        for row in rows
    ]
    quoted = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    statement = sql.numbered(f'INSERT INTO "{meta.db_table}" ({quoted}) VALUES ({marks})', dialect)
    for start in range(0, len(values), CHUNK):
        await db.execute_many(statement, values[start : start + CHUNK])
