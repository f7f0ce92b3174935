"""The score pipeline's writes: bulk statements, never one per score.

A recompute knows which people already have a score (it read their digests), so each chunk
of people it scores (``recompute.CHUNK``) is written in two statements at most:

- ``UPDATE ... FROM`` the rows of people who have one: PostgreSQL takes the rows as one array
  parameter per column (``unnest``), SQLite as ``VALUES`` lists of plain bound values, as
  many rows per statement as ``SQLITE_VALUES`` allows (a JSON array of 10,000 rows costs
  SQLite 5x more to take apart than binding them). ``WHERE frozen = false`` is the
  database's own guard that a frozen score is never written by a recompute, even one that
  read the row before it was frozen: PostgreSQL re-checks it on the locked, committed row.
- ``INSERT ... ON CONFLICT DO UPDATE ... WHERE frozen = false`` for the others, keyed by the
  unique (plan, employee): a score another writer inserted meanwhile is updated instead.

``RETURNING`` says which rows were really written (the events name exactly those); they are
turned into ``Written`` only when read (a plan-wide recompute reads just how many).

``insert_versions`` copies just-frozen scores into ``ScoreVersion`` inside the database; the
unique (score, version) there is what makes a second freeze of the same version fail.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, overload
from uuid import UUID, uuid4

from server.scoring import sql

# One row per score to write, in this order; ``inputs`` None: a live score's (none kept).
ROW = (
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
_PG_TYPES = ("uuid", "uuid", "uuid", "uuid", "text", "bigint", "bigint", "text", "int", "text")
_COLUMNS = ", ".join(
    f'"{c}"' for c in ("id", "company_id", "plan_id", *ROW, "version", "frozen", "computed_at")
)
_RETURNING = ("id", "employee_id", "department_id", "manager_id", "version")
# SQLite binds at most 32766 values per statement: its statements take as many rows as fit.
SQLITE_VALUES = 30000


@dataclass(frozen=True)
class Written:
    """A score row as a write left it."""

    score_id: UUID
    employee_id: UUID
    department_id: UUID
    manager_id: UUID | None
    version: int


class WrittenRows(Sequence[Written]):
    """The rows a write returned, each made a ``Written`` when read."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[Written]:
        return (self._one(r) for r in self._rows)

    @overload
    def __getitem__(self, index: int) -> Written: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Written]: ...

    def __getitem__(self, index: int | slice) -> Written | Sequence[Written]:
        if isinstance(index, slice):
            return [self._one(r) for r in self._rows[index]]
        return self._one(self._rows[index])

    @staticmethod
    def joined(parts: Sequence[WrittenRows]) -> WrittenRows:
        return WrittenRows([r for part in parts for r in part._rows])

    def score_ids(self) -> list[Any]:
        """The written scores' ids as the backend returned them (none made a ``Written``)."""
        return [r[0] for r in self._rows]

    @staticmethod
    def _one(r: tuple[Any, ...]) -> Written:
        return Written(
            sql.as_uuid(r[0]),
            sql.as_uuid(r[1]),
            sql.as_uuid(r[2]),
            sql.as_optional_uuid(r[3]),
            int(r[4]),
        )


_LIVE = tuple(c for c in ROW if c != "inputs")  # what an update of a live score sends
# A score still at its assignment's place keeps these as they are: setting them anyway costs
# SQLite a rewrite of the indexes over them for every row.
_PLACE = ("assignment_id", "department_id", "manager_id")


def _columns(freeze: bool, moved: bool) -> tuple[str, ...]:
    columns = ROW if freeze else _LIVE
    return columns if moved else tuple(c for c in columns if c not in _PLACE)


def _update_sql(dialect: str, freeze: bool, expected: bool, count: int, moved: bool) -> str:
    """Parameters in the text's order: ``computed_at``, the rows, company, plan (and the
    expected version)."""
    columns = _columns(freeze, moved)
    if dialect == "postgres":
        ref = {c: f'u."{c}"' for c in columns}
        ref["result"] += "::jsonb"
        if freeze:
            ref["inputs"] += "::jsonb"
        types = dict(zip(ROW, (*_PG_TYPES, "text"), strict=True))
        arrays = ", ".join(f"?::{types[c]}[]" for c in columns)
        names = ", ".join(f'"{c}"' for c in columns)
        source = f"unnest({arrays}) AS u({names})"
        true, false = "true", "false"
    else:
        ref = {c: f"u.column{n}" for n, c in enumerate(columns, start=1)}
        row = "(" + ", ".join(["?"] * len(columns)) + ")"
        source = f"(VALUES {', '.join([row] * count)}) AS u"
        true, false = "1", "0"
    sets = [f'"{c}" = {ref[c]}' for c in columns if c != "employee_id"]
    if freeze:
        sets += [f'"frozen" = {true}', '"version" = "score"."version" + 1']
    else:
        sets.append("\"inputs\" = '{}'")
    guard = ' AND "score"."version" = ?' if expected else ""
    returning = ", ".join(f'"score"."{c}"' for c in _RETURNING)
    return (
        f'UPDATE "score" SET {", ".join(sets)}, "computed_at" = ? FROM {source} '
        'WHERE "score"."company_id" = ? AND "score"."plan_id" = ? '
        f'AND "score"."employee_id" = {ref["employee_id"]} AND "score"."frozen" = {false}'
        f"{guard} RETURNING {returning}"
    )


def _conflict(dialect: str, freeze: bool, expected: bool) -> str:
    sets = [f'"{c}" = excluded."{c}"' for c in (*ROW, "computed_at") if c != "employee_id"]
    if freeze:
        sets += ['"frozen" = excluded."frozen"', '"version" = "score"."version" + 1']
    live = '"score"."frozen" = ' + ("false" if dialect == "postgres" else "0")
    if expected:
        live += ' AND "score"."version" = ?'
    returning = ", ".join(f'"{c}"' for c in _RETURNING)
    return (
        f'ON CONFLICT ("plan_id", "employee_id") DO UPDATE SET {", ".join(sets)} '
        f"WHERE {live} RETURNING {returning}"
    )


def _insert_sql(dialect: str, freeze: bool, expected: bool, count: int) -> str:
    """PostgreSQL: company, plan, version, frozen, computed_at, then one array per column
    (ids first); SQLite: each row's values in ``_COLUMNS`` order."""
    if dialect == "postgres":
        names = ", ".join(f'"{c}"' for c in ("id", *ROW))
        values = (
            'u."id", ?::uuid, ?::uuid, '
            + ", ".join(f'u."{c}"' for c in ROW[:9])
            + ', u."inputs"::jsonb, u."result"::jsonb, ?::int, ?::boolean, ?::timestamptz'
        )
        arrays = ", ".join(f"?::{t}[]" for t in ("uuid", *_PG_TYPES, "text"))
        return (
            f'INSERT INTO "score" ({_COLUMNS}) SELECT {values} '
            f"FROM unnest({arrays}) AS u({names}) {_conflict(dialect, freeze, expected)}"
        )
    row = "(" + ", ".join(["?"] * (len(ROW) + 6)) + ")"
    return (
        f'INSERT INTO "score" ({_COLUMNS}) VALUES {", ".join([row] * count)} '
        f"{_conflict(dialect, freeze, expected)}"
    )


def _shaped(rows: Sequence[tuple[Any, ...]], freeze: bool, moved: bool) -> list[tuple[Any, ...]]:
    """Rows (in ``ROW`` order) as ``_columns`` sends them: without ``inputs`` for a live
    score (it keeps none), without the place for one that did not move."""
    if moved:
        return list(rows) if freeze else [(*r[:9], r[10]) for r in rows]
    return [(r[1], *r[4:]) for r in rows] if freeze else [(r[1], *r[4:9], r[10]) for r in rows]


async def _update(
    rows: Sequence[tuple[Any, ...]],
    scope: list[Any],
    at: Any,
    name: str,
    freeze: bool,
    expected: list[int],
    moved: bool = True,
) -> list[tuple[Any, ...]]:
    shaped = _shaped(rows, freeze, moved)
    if name == "postgres":
        arrays = [list(column) for column in zip(*shaped, strict=True)]
        statement = _update_sql(name, freeze, bool(expected), len(rows), moved)
        return await sql.fetch(statement, [at, *arrays, *scope, *expected])
    found: list[tuple[Any, ...]] = []
    count = SQLITE_VALUES // len(shaped[0])
    for start in range(0, len(shaped), count):
        chunk = shaped[start : start + count]
        params: list[Any] = [at]
        for r in chunk:
            params += r
        statement = _update_sql(name, freeze, bool(expected), len(chunk), moved)
        found += await sql.fetch(statement, [*params, *scope, *expected])
    return found


async def _insert(
    rows: Sequence[tuple[Any, ...]],
    scope: list[Any],
    at: Any,
    name: str,
    freeze: bool,
    expected: list[int],
) -> list[tuple[Any, ...]]:
    empty = sql.dumps({})
    shaped = [(*r[:9], empty if r[9] is None else r[9], r[10]) for r in rows]
    version, frozen = (1, freeze) if freeze else (0, False)
    if name == "postgres":
        arrays = [list(column) for column in zip(*shaped, strict=True)]
        ids = [uuid4() for _ in shaped]
        statement = _insert_sql(name, freeze, bool(expected), len(rows))
        return await sql.fetch(statement, [*scope, version, frozen, at, ids, *arrays, *expected])
    found: list[tuple[Any, ...]] = []
    count = SQLITE_VALUES // (len(ROW) + 6)
    for start in range(0, len(shaped), count):
        chunk = shaped[start : start + count]
        params: list[Any] = []
        for r in chunk:
            params += [str(uuid4()), *scope, *r, version, int(frozen), at]
        statement = _insert_sql(name, freeze, bool(expected), len(chunk))
        found += await sql.fetch(statement, params + expected)
    return found


async def upsert_scores(
    company_id: UUID,
    plan_id: UUID,
    new: Sequence[tuple[Any, ...]],
    stored: Sequence[tuple[Any, ...]],
    now: datetime,
    *,
    freeze: bool = False,
    expected_version: int | None = None,
    placed: Sequence[tuple[Any, ...]] = (),
) -> WrittenRows:
    """Write ``new`` rows (people without a score), ``stored`` ones (people with one) and
    ``placed`` ones (people with one still at their assignment's place: the place is left
    as it is), each in ``ROW`` order with ids as the backend returned them, as live scores,
    or, with ``freeze``, as their next frozen version (only a live score at
    ``expected_version`` when that is given)."""
    name = sql.dialect(sql.client())
    expected = [] if expected_version is None else [expected_version]
    scope = [sql.uuid_param(company_id, name), sql.uuid_param(plan_id, name)]
    at = sql.time_param(now, name)
    found: list[tuple[Any, ...]] = []
    if stored:
        found += await _update(stored, scope, at, name, freeze, expected)
    if placed:
        found += await _update(placed, scope, at, name, freeze, expected, moved=False)
    if new:
        found += await _insert(new, scope, at, name, freeze, expected)
    return WrittenRows(found)


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
    pairs: Sequence[tuple[UUID, Any]],
    frozen_by: UUID | None,
    now: datetime,
    reopen_reason: str = "",
    reopened_by: UUID | None = None,
) -> None:
    """A ``ScoreVersion`` per (new version id, score id: a ``UUID`` or as the backend returned
    it), copied from the score as it stands (frozen, at its new version)."""
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
