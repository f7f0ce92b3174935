"""The score pipeline's writes: bulk statements, never one per score.

PostgreSQL takes any number of rows in one statement (one array parameter per column);
SQLite in one statement per ``SQLITE_ROWS`` rows of plain bound values (measured: a JSON
array of 10,000 rows cost SQLite 5x more to take apart than binding them).

``upsert_scores`` inserts new scores and updates changed live ones, keyed by the unique
(plan, employee): ``INSERT ... ON CONFLICT DO UPDATE ... WHERE frozen = false``, the same
syntax on SQLite and PostgreSQL. The ``WHERE`` is the database's own guard that a frozen
score is never written by a recompute, even one that read the row before it was frozen:
PostgreSQL re-checks it on the locked, committed row. ``RETURNING`` says which rows were
really written (the events name exactly those).

``insert_versions`` copies just-frozen scores into ``ScoreVersion`` inside the database; the
unique (score, version) there is what makes a second freeze of the same version fail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from server.scoring import sql

# One row per score to write, in this order.
ROW = (
    "id",
    "assignment_id",
    "employee_id",
    "department_id",
    "manager_id",
    "status",
    "total",
    "indicators_total",
    "grade",
    "formula_version",
    "inputs",
    "result",
)
_PG_TYPES = (
    "uuid",
    "uuid",
    "uuid",
    "uuid",
    "uuid",
    "text",
    "bigint",
    "bigint",
    "text",
    "int",
    "text",
    "text",
)
_UPDATED = (*ROW[1:], "computed_at")
_COLUMNS = ", ".join(
    f'"{c}"'
    for c in (*ROW[:1], "company_id", "plan_id", *ROW[1:], "version", "frozen", "computed_at")
)


@dataclass(frozen=True)
class Written:
    """A score row as a write left it."""

    score_id: UUID
    employee_id: UUID
    department_id: UUID
    manager_id: UUID | None
    version: int


# SQLite binds at most 32766 values per statement: its upsert takes this many rows at once.
SQLITE_ROWS = 30000 // (len(ROW) + 5)


def _conflict(dialect: str, freeze: bool, expected: bool) -> str:
    sets = [f'"{c}" = excluded."{c}"' for c in _UPDATED]
    if freeze:
        sets += ['"frozen" = excluded."frozen"', '"version" = "score"."version" + 1']
    live = '"score"."frozen" = ' + ("false" if dialect == "postgres" else "0")
    if expected:
        live += ' AND "score"."version" = ?'
    return (
        f'ON CONFLICT ("plan_id", "employee_id") DO UPDATE SET {", ".join(sets)} '
        f"WHERE {live} "
        'RETURNING "id", "employee_id", "department_id", "manager_id", "version"'
    )


def _postgres_sql(freeze: bool, expected: bool) -> str:
    """One statement for any number of rows: one array parameter per column."""
    values = (
        'u."id", ?::uuid, ?::uuid, '
        + ", ".join(f'u."{c}"' for c in ROW[1:10])
        + ', u."inputs"::jsonb, u."result"::jsonb, ?::int, ?::boolean, ?::timestamptz'
    )
    arrays = ", ".join(f"?::{t}[]" for t in _PG_TYPES)
    names = ", ".join(f'"{c}"' for c in ROW)
    return (
        f'INSERT INTO "score" ({_COLUMNS}) SELECT {values} '
        f"FROM unnest({arrays}) AS u({names}) {_conflict('postgres', freeze, expected)}"
    )


def _sqlite_sql(count: int, freeze: bool, expected: bool) -> str:
    """Plain bound rows (a JSON array of them costs SQLite 5x more to take apart)."""
    row = "(" + ", ".join(["?"] * (len(ROW) + 5)) + ")"
    values = ", ".join([row] * count)
    return (
        f'INSERT INTO "score" ({_COLUMNS}) VALUES {values} {_conflict("sqlite", freeze, expected)}'
    )


def _written(rows: list[tuple[Any, ...]]) -> list[Written]:
    return [
        Written(
            sql.as_uuid(r[0]),
            sql.as_uuid(r[1]),
            sql.as_uuid(r[2]),
            sql.as_optional_uuid(r[3]),
            int(r[4]),
        )
        for r in rows
    ]


async def upsert_scores(
    company_id: UUID,
    plan_id: UUID,
    rows: Sequence[tuple[Any, ...]],
    now: datetime,
    *,
    freeze: bool = False,
    expected_version: int | None = None,
) -> list[Written]:
    """Insert or update ``rows`` (``ROW`` order) as live scores, or, with ``freeze``, as the
    next frozen version (only a live score at ``expected_version`` when that is given).
    One statement on PostgreSQL; one per ``SQLITE_ROWS`` rows on SQLite."""
    if not rows:
        return []
    name = sql.dialect(sql.client())
    expected = [] if expected_version is None else [expected_version]
    company, plan = sql.uuid_param(company_id, name), sql.uuid_param(plan_id, name)
    at = sql.time_param(now, name)
    if name == "postgres":
        arrays = [list(column) for column in zip(*rows, strict=True)]
        params = [company, plan, 1 if freeze else 0, freeze, at, *arrays, *expected]
        return _written(
            await sql.fetch(_postgres_sql(freeze, expected_version is not None), params)
        )
    written: list[Written] = []
    for start in range(0, len(rows), SQLITE_ROWS):
        chunk = rows[start : start + SQLITE_ROWS]
        params = []
        for r in chunk:
            # In _COLUMNS order: id, company, plan, the row's other columns, version, frozen,
            # computed_at.
            params += [
                str(r[0]),
                company,
                plan,
                *(str(v) if isinstance(v, UUID) else v for v in r[1:]),
            ]
            params += [1 if freeze else 0, 1 if freeze else 0, at]
        statement = _sqlite_sql(len(chunk), freeze, expected_version is not None)
        written += _written(await sql.fetch(statement, params + expected))
    return written


_VERSION_COLUMNS = (
    '"id", "company_id", "score_id", "plan_id", "employee_id", "department_id", "manager_id", '
    '"version", "status", "total", "indicators_total", "grade", "formula_version", "inputs", '
    '"result", "frozen_by", "frozen_at", "reopen_reason", "reopened_by"'
)
_COPIED = (
    's."company_id", s."id", s."plan_id", s."employee_id", s."department_id", s."manager_id", '
    's."version", s."status", s."total", s."indicators_total", s."grade", '
    's."formula_version", s."inputs", s."result"'
)


async def insert_versions(
    pairs: Sequence[tuple[UUID, UUID]],
    frozen_by: UUID | None,
    now: datetime,
    reopen_reason: str = "",
    reopened_by: UUID | None = None,
) -> None:
    """A ``ScoreVersion`` per (new version id, score id), copied from the score as it stands
    (frozen, at its new version)."""
    if not pairs:
        return
    name = sql.dialect(sql.client())
    extra = [
        sql.uuid_param(frozen_by, name),
        sql.time_param(now, name),
        reopen_reason,
        sql.uuid_param(reopened_by, name),
    ]
    if name == "postgres":
        statement = (
            f'INSERT INTO "score_version" ({_VERSION_COLUMNS}) SELECT u."id", {_COPIED}, '
            "?::uuid, ?::timestamptz, ?::text, ?::uuid "
            'FROM unnest(?::uuid[], ?::uuid[]) AS u("id", "score_id") '
            'JOIN "score" AS s ON s."id" = u."score_id"'
        )
        params = [*extra, [p[0] for p in pairs], [p[1] for p in pairs]]
    else:
        statement = (
            f'INSERT INTO "score_version" ({_VERSION_COLUMNS}) SELECT j.value ->> 0, {_COPIED}, '
            '?, ?, ?, ? FROM json_each(?) AS j JOIN "score" AS s ON s."id" = j.value ->> 1'
        )
        params = [*extra, sql.dumps([[str(a), str(b)] for a, b in pairs])]
    await sql.client().execute_query(sql.numbered(statement, name), params)
