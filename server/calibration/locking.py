"""Locking a session, once: the calibrated results become the scores' next frozen version.

In one transaction: the session's conditional UPDATE from ``open`` to ``locked`` (only one of
any number of concurrent lockers finds it open; a change in flight either committed before,
and is read below, or finds the session locked), the guideline check under ``block`` (a
breach rolls the lock back: CONFLICT naming the grade and the group), then each changed
score is written as version n + 1 (a conditional UPDATE on the frozen version the change
was made against, so a score corrected meanwhile is CONFLICT, never overwritten) and copied
into ``ScoreVersion`` with the change's reason, as ``freezing.freeze_score`` does. Nobody
sees a half-done state: readers see the transaction's result or nothing of it, and the
plan's results are not yet published (checked in the same transaction).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from server.audit import Actor, record
from server.calibration.distribution import Distribution, distribution_of
from server.calibration.sessions import ensure_unpublished, get_session, target
from server.calibration.vocabulary import CalibrationEnforcement, CalibrationState
from server.errors import Conflict, Forbidden
from server.events import ScoreEvent
from server.models import CalibrationChange, CalibrationSession, Score
from server.outbox import emit
from server.permissions import CALIBRATION_LOCK
from server.scoring.vocabulary import ScoreEventKind
from server.scoring.writes import insert_versions
from server.vocabulary import AuditAction, AuditObjectType

REASON_PREFIX = "calibration: "


def _breach(distribution: Distribution) -> Conflict | None:
    """The first place the calibrated distribution leaves the guideline, as the CONFLICT."""
    for group in distribution.groups:
        for check in group.breaches:
            return Conflict(
                "calibration_outside_guideline",
                grade=check.grade,
                group=group.name,
                count=check.count,
                low=check.low,
                high=check.high,
            )
    return None


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _calibrated_result(row: Score, change: CalibrationChange, session_id: UUID) -> dict[str, Any]:
    """The frozen result with the calibrated grade (and total), and what it replaced."""
    result = dict(row.result or {})
    result["grade"] = change.grade
    if change.total is not None:
        result["total"] = _text(change.total.quantize(Decimal("0.01")))
    result["calibration"] = {
        "session": str(session_id),
        "computed_grade": change.original_grade,
        "computed_total": _text(change.original_total),
        "reason": change.reason,
        "changed_by": str(change.changed_by),
    }
    return result


async def _push(
    actor: Actor, session: CalibrationSession, changes: list[CalibrationChange], now: datetime
) -> list[ScoreEvent]:
    scores = {s.id: s for s in await Score.filter(id__in=[c.score_id for c in changes])}
    events: list[ScoreEvent] = []
    for change in changes:
        row = scores[change.score_id]
        values: dict[str, Any] = {
            "grade": change.grade,
            "version": change.base_version + 1,
            "result": _calibrated_result(row, change, session.id),
        }
        if change.total is not None:
            values["total"] = change.total
        written = await Score.filter(id=row.id, frozen=True, version=change.base_version).update(
            **values
        )
        if not written:
            raise Conflict("calibration_score_changed", version=row.version)
        await insert_versions(
            [(uuid4(), row.id)],
            actor.caller.employee_id,
            now,
            reopen_reason=REASON_PREFIX + change.reason,
            reopened_by=change.changed_by,
        )
        events.append(
            ScoreEvent(
                row.company_id,
                row.plan_id,
                ScoreEventKind.FROZEN.value,
                employee_id=row.employee_id,
                department_id=row.department_id,
                manager_id=row.manager_id,
                score_id=row.id,
                version=change.base_version + 1,
            )
        )
    return events


async def lock_session(actor: Actor, session_id: UUID) -> CalibrationSession:
    session = await get_session(actor, session_id)
    if not actor.authz.check(CALIBRATION_LOCK, target(session)):
        raise Forbidden("forbidden", action="lock", object_type="calibration")
    if session.state != CalibrationState.OPEN.value:
        raise Conflict("calibration_locked")
    now = datetime.now(UTC)
    try:
        async with in_transaction():
            claimed = await CalibrationSession.filter(
                id=session.id, state=CalibrationState.OPEN.value
            ).update(
                state=CalibrationState.LOCKED.value,
                locked_by=actor.caller.employee_id,
                locked_at=now,
                revision=F("revision") + 1,
            )
            if not claimed:
                raise Conflict("calibration_locked")
            await ensure_unpublished(session.plan_id)
            distribution = await distribution_of(session)
            breach = _breach(distribution)
            if (
                breach is not None
                and distribution.guideline.enforcement is CalibrationEnforcement.BLOCK
            ):
                raise breach
            changes = await CalibrationChange.filter(session_id=session.id).order_by("employee_id")
            events = await _push(actor, session, changes, now)
            await record(
                actor,
                AuditAction.CALIBRATION_LOCK,
                AuditObjectType.CALIBRATION_SESSION,
                session.id,
                before={"state": CalibrationState.OPEN.value},
                after={
                    "state": CalibrationState.LOCKED.value,
                    "changes": len(changes),
                    "outside_guideline": breach is not None,
                },
            )
            if events:
                await emit(*events)
    except IntegrityError as exc:  # a score's next version exists: it moved meanwhile
        raise Conflict("calibration_score_changed", version=0) from exc
    return await CalibrationSession.get(id=session.id)
