"""One actual at a time: annotating it, overriding a connector's value, clearing an override.

Each is audited, writes a revision and recomputes the person's score in its transaction.
Overriding replaces a connector's value (never a manual one: that is re-recorded) and needs
``actual:override`` (the performance admin's by default, see policies/policy.csv) and a
reason; the connector's own value stays visible beside it (``connector_value``) and keeps
being updated by later syncs, so clearing the override goes straight back to it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from tortoise.transactions import in_transaction

from server import validation
from server.actuals import store
from server.actuals.access import (
    MANUAL,
    MAX_REASON,
    VALUE_MAX,
    VALUE_PLACES,
    Located,
    data_source,
    locate,
    lock_open_plans,
    note_text,
    visible,
)
from server.audit import Actor, record
from server.authz import ACTUAL_ANNOTATE, ACTUAL_OVERRIDE
from server.errors import BadInput, Conflict, NotFound
from server.models import Actual
from server.scoring import recompute as scoring
from server.scoring.vocabulary import ActualSource
from server.vocabulary import AuditAction, AuditObjectType


def _slot(found: Located, key: str) -> store.Slot:
    a = found.assignment
    return store.Slot(
        a.company_id, a.id, a.plan_id, a.employee_id, a.department_id, a.manager_id, key
    )


def _snapshot(actual: Actual) -> dict[str, Any]:
    return {
        "employee_id": actual.employee_id,
        "indicator_key": actual.indicator_key,
        "value": actual.value,
        "source": actual.source,
        "connector_value": actual.connector_value,
        "note": actual.note,
        "reason": actual.reason,
    }


async def _finish(
    actor: Actor, actual: Actual, action: AuditAction, before: dict[str, Any], **revision: Any
) -> Actual:
    await store.save([actual], [store.revision_of(actual, **revision)])
    await record(
        actor, action, AuditObjectType.ACTUAL, actual.id, before=before, after=_snapshot(actual)
    )
    await scoring.recompute(actual.company_id, actual.plan_id, {actual.employee_id})
    return actual


def _reason(value: str) -> str:
    cleaned = note_text(value, "reason", max_length=MAX_REASON)
    if not visible(cleaned):
        raise BadInput("required", field="reason")
    return cleaned


async def annotate_actual(
    actor: Actor, plan_id: UUID, employee_id: UUID, key: str, note: str
) -> Actual:
    """Set the note of an actual of any source (an empty note clears it)."""
    found = await locate(actor, plan_id, employee_id, key, perm=ACTUAL_ANNOTATE)
    text = note_text(note, "note")
    now = datetime.now(UTC)
    async with in_transaction():
        await lock_open_plans(actor.caller.company_id, [plan_id])
        slot = _slot(found, key)
        actual = (await store.lock([slot], source=ActualSource.MANUAL, at=now)).get(slot.key)
        if actual is None:
            raise NotFound("actual")
        if actual.note == text:
            return actual
        before = _snapshot(actual)
        actual.note = text
        actual.revision += 1
        # The revision says who wrote the note and when; the value keeps its own provenance.
        return await _finish(
            actor, actual, AuditAction.ACTUAL_ANNOTATE, before, set_by=actor.caller.employee_id
        )


def _connector_indicator(found: Located, key: str) -> None:
    if data_source(found.indicator) == MANUAL:
        name = str(found.indicator.get("name") or key)
        raise BadInput("actual_not_connector", field="indicatorKey", indicator=name)


async def override_actual(
    actor: Actor, plan_id: UUID, employee_id: UUID, key: str, value: Decimal, reason: str
) -> Actual:
    """Replace a connector's value, with a reason; the connector's stays in connector_value."""
    found = await locate(actor, plan_id, employee_id, key, perm=ACTUAL_OVERRIDE)
    _connector_indicator(found, key)
    number = validation.number(value, "value", places=VALUE_PLACES, maximum=VALUE_MAX)
    why = _reason(reason)
    now = datetime.now(UTC)
    async with in_transaction():
        await lock_open_plans(actor.caller.company_id, [plan_id])
        slot = _slot(found, key)
        locked = await store.lock([slot], claim=[slot], source=ActualSource.CONNECTOR, at=now)
        actual = locked[slot.key]
        before = _snapshot(actual)
        if actual.source != ActualSource.OVERRIDE:
            actual.connector_value = actual.value  # the connector's (None before any sync)
        elif actual.value == number and actual.reason == why:
            return actual
        actual.value, actual.source, actual.reason = number, ActualSource.OVERRIDE.value, why
        actual.set_by, actual.set_at = actor.caller.employee_id, now
        actual.revision += 1
        return await _finish(actor, actual, AuditAction.ACTUAL_OVERRIDE, before)


async def clear_actual_override(
    actor: Actor, plan_id: UUID, employee_id: UUID, key: str, reason: str
) -> Actual:
    """Back to the connector's value; the revision names who cleared the override and why."""
    found = await locate(actor, plan_id, employee_id, key, perm=ACTUAL_OVERRIDE)
    _connector_indicator(found, key)
    why = _reason(reason)
    now = datetime.now(UTC)
    async with in_transaction():
        await lock_open_plans(actor.caller.company_id, [plan_id])
        slot = _slot(found, key)
        actual = (await store.lock([slot], source=ActualSource.CONNECTOR, at=now)).get(slot.key)
        if actual is None or actual.source != ActualSource.OVERRIDE:
            raise Conflict("not_overridden")
        before = _snapshot(actual)
        actual.value, actual.connector_value = actual.connector_value, None
        actual.source, actual.reason = ActualSource.CONNECTOR.value, ""
        actual.set_by, actual.set_at = None, now
        actual.revision += 1
        return await _finish(
            actor,
            actual,
            AuditAction.ACTUAL_OVERRIDE,
            before,
            set_by=actor.caller.employee_id,
            reason=why,
        )
