"""Manual bulk entry: ``record_actuals``, for the GraphQL mutation and the XLSX upload alike.

Every row is checked on its own and answered, accepted or rejected with its reason; nothing
is dropped. The accepted rows are written in one transaction, with a constant number of
statements whatever the batch's size (server/actuals/store.py), and the changed people's
scores are recomputed in that same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server import validation
from server.actuals import batches, store
from server.actuals.access import (
    MANUAL,
    VALUE_MAX,
    VALUE_PLACES,
    NotAssigned,
    data_source,
    indicator_of,
    is_rated,
    lock_open_plans,
    note_text,
    position,
    require_open,
    visible_plans,
)
from server.actuals.rows import ActualRow, RecordOutcome, RowRejection
from server.audit import Actor, record
from server.authz import ACTUAL_READ, ACTUAL_RECORD
from server.errors import BadInput, DomainError, Forbidden
from server.models import Actual, Assignment
from server.scoring import recompute as scoring
from server.scoring.vocabulary import ActualSource
from server.vocabulary import AuditAction, AuditObjectType

MAX_ROWS = 2000
MAX_CLIENT_KEY = 64


@dataclass(frozen=True)
class _Write:
    index: int
    slot: store.Slot
    value: Decimal
    note: str


def _slot(assignment: Assignment, key: str) -> store.Slot:
    return store.Slot(
        assignment.company_id,
        assignment.id,
        assignment.plan_id,
        assignment.employee_id,
        assignment.department_id,
        assignment.manager_id,
        key,
    )


def _check(
    actor: Actor,
    index: int,
    row: ActualRow,
    assignment: Assignment | None,
    seen: dict[tuple[UUID, UUID, str], int],
) -> _Write:
    """One row, as it will be written; the first failure is raised (the row's answer)."""
    path = f"rows[{index}]"
    if assignment is None or not actor.authz.check(ACTUAL_READ, position(assignment)):
        raise NotAssigned("not_assigned", field=f"{path}.employeeId")
    if not actor.authz.check(ACTUAL_RECORD, position(assignment)):
        raise Forbidden(
            "forbidden", field=f"{path}.employeeId", action="record", object_type="actual"
        )
    first = seen.setdefault((row.plan_id, row.employee_id, row.indicator_key), index)
    if first != index:
        raise BadInput(
            "duplicate_row", field=f"{path}.indicatorKey", indicator=row.indicator_key, first=first
        )
    indicator = indicator_of(assignment, row.indicator_key)
    if indicator is None:
        raise BadInput(
            "unknown_indicator", field=f"{path}.indicatorKey", indicator=row.indicator_key
        )
    name = str(indicator.get("name") or row.indicator_key)
    if data_source(indicator) != MANUAL:
        raise BadInput(
            "actual_from_connector",
            field=f"{path}.indicatorKey",
            indicator=name,
            metric=data_source(indicator),
        )
    if is_rated(indicator):
        raise BadInput("actual_rated", field=f"{path}.indicatorKey", indicator=name)
    if row.value is None:
        raise BadInput("required", field=f"{path}.value")
    value = validation.number(row.value, f"{path}.value", places=VALUE_PLACES, maximum=VALUE_MAX)
    note = note_text(row.note, f"{path}.note")
    return _Write(index, _slot(assignment, row.indicator_key), value, note)


async def _assignments(
    company_id: UUID, rows: Sequence[ActualRow]
) -> dict[tuple[UUID, UUID], Assignment]:
    """The rows' people's assignments, one statement."""
    if not rows:
        return {}
    found = await Assignment.filter(
        company_id=company_id,
        plan_id__in=list({r.plan_id for r in rows}),
        employee_id__in=list({r.employee_id for r in rows}),
    ).only(
        "id", "company_id", "plan_id", "employee_id", "department_id", "manager_id", "indicators"
    )
    return {(a.plan_id, a.employee_id): a for a in found}


async def _apply(
    actor: Actor, writes: list[_Write], client_key: str | None
) -> dict[UUID, set[UUID]]:
    """Write the accepted rows; the people whose actuals changed, by plan."""
    now = datetime.now(UTC)
    slots = [w.slot for w in writes]
    current = await store.lock(slots, claim=slots, source=ActualSource.MANUAL, at=now)
    changed: list[Actual] = []
    revisions = []
    people: dict[UUID, set[UUID]] = {}
    for write in writes:
        actual = current[write.slot.key]
        same = (
            actual.revision > 0
            and actual.source == ActualSource.MANUAL
            and actual.value == write.value
            and actual.note == write.note
        )
        if same:
            continue  # accepted, nothing to write: the value stands as it was set
        actual.value, actual.note = write.value, write.note
        actual.source = ActualSource.MANUAL.value
        actual.set_by, actual.set_at, actual.reason = actor.caller.employee_id, now, ""
        actual.connector_source = actual.sync_run_id = actual.connector_value = None
        actual.facts = 0
        actual.department_id, actual.manager_id = write.slot.department_id, write.slot.manager_id
        actual.revision += 1
        changed.append(actual)
        revisions.append(store.revision_of(actual, batch_key=client_key))
        people.setdefault(write.slot.plan_id, set()).add(write.slot.employee_id)
    await store.save(changed, revisions)
    return people


def _client_key(value: str | None) -> str | None:
    return validation.text(value, "clientKey", max_length=MAX_CLIENT_KEY, required=False) or None


async def record_actuals(
    actor: Actor, rows: Sequence[ActualRow], *, client_key: str | None = None
) -> RecordOutcome:
    """Record manual actuals: every row accepted or rejected with its reason, the accepted
    ones in one transaction. With ``client_key`` a re-sent batch changes nothing and answers
    the first answer (``replayed``); the key with other rows is a CONFLICT."""
    actor.authz.scope(ACTUAL_RECORD, required=True)
    if len(rows) > MAX_ROWS:
        raise BadInput("too_many_items", field="rows", max=MAX_ROWS)
    key = _client_key(client_key)
    caller = actor.caller
    rows_digest = batches.digest(rows)
    if key is not None:
        prior = await batches.find(caller.company_id, caller.employee_id, key)
        if prior is not None:
            return batches.replay(prior, rows_digest)
    plans = await visible_plans(actor, {r.plan_id for r in rows})
    for plan in plans.values():
        require_open(plan)
    assignments = await _assignments(caller.company_id, rows)
    writes: list[_Write] = []
    rejected: list[RowRejection] = []
    seen: dict[tuple[UUID, UUID, str], int] = {}
    for index, row in enumerate(rows):
        try:
            writes.append(
                _check(actor, index, row, assignments.get((row.plan_id, row.employee_id)), seen)
            )
        except DomainError as error:
            rejected.append(RowRejection(index, error))
    outcome = RecordOutcome(tuple(w.index for w in writes), tuple(rejected))
    try:
        async with in_transaction():
            await lock_open_plans(caller.company_id, plans)
            if key is not None:  # first: a racing send of the same key stops here
                await batches.store(
                    caller.company_id, caller.employee_id, key, rows_digest, outcome
                )
            people = await _apply(actor, writes, key)
            for plan_id in sorted(plans, key=str):
                accepted = [w for w in writes if w.slot.plan_id == plan_id]
                if not accepted:
                    continue
                changed = people.get(plan_id, set())
                await record(
                    actor,
                    AuditAction.ACTUAL_RECORD,
                    # One entry per batch and plan: it is about the plan's actuals.
                    AuditObjectType.PLAN,
                    plan_id,
                    after={
                        "plan_id": plan_id,
                        "accepted": len(accepted),
                        "rejected": sum(1 for r in rejected if rows[r.index].plan_id == plan_id),
                        "people": len(changed),
                        "client_key": key,
                    },
                )
                if changed:
                    await scoring.recompute(caller.company_id, plan_id, changed)
    except IntegrityError:
        # Another send of the same key committed first: answer as it did.
        prior = (
            None if key is None else await batches.find(caller.company_id, caller.employee_id, key)
        )
        if prior is None:
            raise
        return batches.replay(prior, rows_digest)
    return outcome
