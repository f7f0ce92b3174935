"""The few SQL helpers the score pipeline shares, for both backends.

Scores are read and written for a whole plan at once (a recompute of 10,000 people × 8
indicators within a second is the goal), so the pipeline speaks SQL directly instead of
building model objects: ids, times and JSON travel as the columns store them. A list of ids
is one parameter however long it is: a JSON array read with ``json_each`` on SQLite, an
array (``= ANY``) on PostgreSQL; so reads never grow in statements with the people.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from tortoise.backends.base.client import BaseDBAsyncClient

from server.models import Score


def client() -> BaseDBAsyncClient:
    """The connection in use (the caller's transaction when there is one)."""
    return Score._meta.db


def connection_name() -> str:
    """For ``in_transaction``: the scores' connection."""
    return str(Score._meta.default_connection)


def dialect(db: BaseDBAsyncClient) -> str:
    return str(db.capabilities.dialect)


def numbered(sql: str, dialect_name: str) -> str:
    """Statements are written with ``?``; PostgreSQL wants ``$1, $2...`` (no ``?`` appears
    in these statements otherwise)."""
    if dialect_name != "postgres":
        return sql
    parts = sql.split("?")
    out = [parts[0]]
    for n, part in enumerate(parts[1:], start=1):
        out.append(f"${n}{part}")
    return "".join(out)


def ids_in(column: str, dialect_name: str, table: str = "") -> str:
    """A filter on ``column`` (of ``table`` when given) by one list parameter
    (``ids_param``)."""
    name = f'{table}."{column}"' if table else f'"{column}"'
    if dialect_name == "postgres":
        return f"{name} = ANY(?::uuid[])"
    return f"{name} IN (SELECT value FROM json_each(?))"


def ids_param(ids: Collection[UUID], dialect_name: str) -> Any:
    if dialect_name == "postgres":
        return list(ids)
    return json.dumps([str(i) for i in ids])


def uuid_param(value: UUID | None, dialect_name: str) -> Any:
    if value is None or dialect_name == "postgres":
        return value
    return str(value)  # SQLite keeps ids as text, as the ORM writes them


def time_param(value: datetime, dialect_name: str) -> Any:
    if dialect_name == "postgres":
        return value
    return value.isoformat(" ")  # as the ORM's SQLite adapter writes datetimes


def as_uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


def as_optional_uuid(value: Any) -> UUID | None:
    return None if value is None else as_uuid(value)


def as_iso(value: Any) -> str | None:
    """A stored datetime (text on SQLite, a datetime on PostgreSQL) as aware ISO 8601 UTC."""
    if value is None:
        return None
    if isinstance(value, str) and value.endswith("+00:00"):
        return value.replace(" ", "T", 1)  # SQLite's text of a UTC time: only the "T" differs
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if when.utcoffset() is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat()


def as_json(value: Any) -> Any:
    """A JSON column as read raw: text on both backends (asyncpg has no JSON codec here)."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


async def fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Rows of one statement as plain tuples (``?`` placeholders on both backends)."""
    db = client()
    query = numbered(sql, dialect(db))
    if sql.lstrip().upper().startswith("SELECT"):
        _, rows = await db.execute_query(query, list(params))
        return [tuple(row) for row in rows]
    # A write with RETURNING: the PostgreSQL client returns rows only from a fetch.
    return [tuple(row.values()) for row in await db.execute_query_dict(query, list(params))]
