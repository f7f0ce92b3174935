"""Writing actuals in bulk: a constant number of statements per batch, safe under races.

Every writer (manual batches, connector pulls, overrides) goes through the same three steps
inside its transaction, in the same order:

1. ``lock``: claim the slots it may create (``INSERT ... ON CONFLICT DO NOTHING`` of
   placeholder rows at revision 0), then read every slot it touches ``FOR UPDATE``. From here
   on no other writer can change or create these rows until the commit (PostgreSQL row locks;
   SQLite runs one write transaction at a time), so revision numbers never collide.
2. the caller changes the ``Actual`` objects in memory and lists the revisions;
3. ``save``: one upsert by primary key for the changed rows, one insert for the revisions.

Slots are claimed and locked in one order (assignment, indicator), so two batches touching
the same actuals wait for each other instead of deadlocking. The statements are plain SQL
because the ORM's bulk upsert can neither claim without overwriting nor write several rows
per statement on SQLite; each is chunked to stay under both databases' parameter limits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from server.models import Actual
from server.models.fields import to_units
from server.scoring.vocabulary import ActualSource

PLACES = 6
# Below SQLite's 32766 and PostgreSQL's 32767 bound parameters per statement.
MAX_PARAMS = 30_000

ACTUAL_COLUMNS = (
    "id",
    "company_id",
    "assignment_id",
    "plan_id",
    "employee_id",
    "department_id",
    "manager_id",
    "indicator_key",
    "value",
    "source",
    "connector_source",
    "sync_run_id",
    "facts",
    "connector_value",
    "set_by",
    "note",
    "reason",
    "revision",
    "set_at",
)
# What a save rewrites; the row's identity (company, assignment, plan, employee, key) stays.
MUTABLE = ACTUAL_COLUMNS[5:7] + ACTUAL_COLUMNS[8:]
REVISION_COLUMNS = (
    "id",
    "company_id",
    "actual_id",
    "revision",
    "value",
    "source",
    "connector_source",
    "sync_run_id",
    "set_by",
    "note",
    "reason",
    "batch_key",
    "set_at",
)
DECIMALS = frozenset({"value", "connector_value"})


@dataclass(frozen=True)
class Slot:
    """Where one actual lives: an assignment's indicator, with the person's position."""

    company_id: UUID
    assignment_id: UUID
    plan_id: UUID
    employee_id: UUID
    department_id: UUID
    manager_id: UUID | None
    indicator_key: str

    @property
    def key(self) -> tuple[UUID, str]:
        return (self.assignment_id, self.indicator_key)


def _cell(dialect: str, column: str, value: Any) -> Any:
    if value is None:
        return None
    if column in DECIMALS:
        return to_units(value, PLACES, column)  # the column's stored form (whole millionths)
    if isinstance(value, UUID):
        return str(value) if dialect == "sqlite" else value  # as the ORM writes them
    return value


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


async def _insert(
    table: str, columns: Sequence[str], rows: list[tuple[Any, ...]], tail: str
) -> None:
    if not rows:
        return
    db = Actual._meta.db
    dialect = db.capabilities.dialect
    per = max(1, MAX_PARAMS // len(columns))
    for start in range(0, len(rows), per):
        chunk = rows[start : start + per]
        if dialect == "postgres":
            width = len(columns)
            groups = [
                "(" + ", ".join(f"${i * width + j + 1}" for j in range(width)) + ")"
                for i in range(len(chunk))
            ]
        else:
            groups = ["(" + ", ".join("?" * len(columns)) + ")"] * len(chunk)
        sql = f'INSERT INTO "{table}" ({_quoted(columns)}) VALUES {", ".join(groups)} {tail}'
        params = [_cell(dialect, c, v) for row in chunk for c, v in zip(columns, row, strict=True)]
        await db.execute_query(sql, params)


def _placeholder(slot: Slot, source: ActualSource, at: datetime) -> tuple[Any, ...]:
    """A claimed slot's row until its writer fills it in: revision 0, no value."""
    row: dict[str, Any] = dict.fromkeys(ACTUAL_COLUMNS)
    row.update(
        id=uuid4(),
        company_id=slot.company_id,
        assignment_id=slot.assignment_id,
        plan_id=slot.plan_id,
        employee_id=slot.employee_id,
        department_id=slot.department_id,
        manager_id=slot.manager_id,
        indicator_key=slot.indicator_key,
        source=source.value,
        facts=0,
        note="",
        reason="",
        revision=0,
        set_at=at,
    )
    return tuple(row[c] for c in ACTUAL_COLUMNS)


def _slot_order(slot: Slot) -> tuple[str, str]:
    return (str(slot.assignment_id), slot.indicator_key)


async def lock(
    slots: Sequence[Slot], *, claim: Iterable[Slot] = (), source: ActualSource, at: datetime
) -> dict[tuple[UUID, str], Actual]:
    """The current actuals of ``slots``, locked until commit; ``claim`` slots that have none
    get a placeholder (revision 0, no value) the caller must fill in and save."""
    claimed = sorted({s.key: s for s in claim}.values(), key=_slot_order)
    await _insert(
        "actual",
        ACTUAL_COLUMNS,
        [_placeholder(s, source, at) for s in claimed],
        'ON CONFLICT ("assignment_id", "indicator_key") DO NOTHING',
    )
    if not slots:
        return {}
    plans = {s.plan_id for s in slots}
    assignments = {s.assignment_id for s in slots}
    keys = {s.indicator_key for s in slots}
    rows = (
        await Actual.filter(
            company_id=slots[0].company_id,
            plan_id__in=list(plans),
            assignment_id__in=list(assignments),
            indicator_key__in=list(keys),
        )
        .order_by("assignment_id", "indicator_key")
        .select_for_update()
    )
    wanted = {s.key for s in slots}
    return {k: row for row in rows if (k := (row.assignment_id, row.indicator_key)) in wanted}


async def lock_plan_actuals(
    company_id: UUID, plan_id: UUID, keys: Iterable[str]
) -> dict[tuple[UUID, str], Actual]:
    """Every actual of the plan's ``keys``, locked until commit (a whole-plan connector pull
    reads them by plan rather than by a list of thousands of assignments)."""
    rows = (
        await Actual.filter(company_id=company_id, plan_id=plan_id, indicator_key__in=list(keys))
        .order_by("assignment_id", "indicator_key")
        .select_for_update()
    )
    return {(row.assignment_id, row.indicator_key): row for row in rows}


def revision_of(actual: Actual, *, batch_key: str | None = None, **given: Any) -> tuple[Any, ...]:
    """The history row for the actual as it now stands, with the columns ``given`` instead
    (a connector revision while an override holds records the connector's value)."""
    row = {c: getattr(actual, c, None) for c in REVISION_COLUMNS}
    row.update(id=uuid4(), actual_id=actual.id, batch_key=batch_key, **given)
    return tuple(row[c] for c in REVISION_COLUMNS)


async def save(changed: Sequence[Actual], revisions: list[tuple[Any, ...]]) -> None:
    """Write the changed actuals (rows locked by ``lock``) and append their revisions."""
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in MUTABLE)
    await _insert(
        "actual",
        ACTUAL_COLUMNS,
        [tuple(getattr(a, c) for c in ACTUAL_COLUMNS) for a in changed],
        f'ON CONFLICT ("id") DO UPDATE SET {updates}',
    )
    await _insert("actual_revision", REVISION_COLUMNS, revisions, "")
