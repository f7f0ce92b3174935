"""A member's change of one person's grade (and optionally total) in an open session.

The reason is mandatory; the computed grade and total stay on the change beside the
calibrated ones. Each change is audited (``calibration.change`` on the session).

Concurrency: every change first bumps the session's revision on the condition that it is
still open; that UPDATE is what a lock's own conditional UPDATE of the same row waits for
(PostgreSQL) or is serialized with (SQLite), so no change lands in a locked session. One
person's change is one row per (session, score), updated only at the revision the caller
read (``expected_revision``, 0 for none yet): of two editors, the second is CONFLICT.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from server import validation
from server.audit import Actor, record
from server.calibration.sessions import ensure_unpublished, get_session, scope_of
from server.calibration.vocabulary import CalibrationState
from server.errors import BadInput, Conflict, Forbidden, NotFound
from server.models import CalibrationChange, CalibrationSession, Score
from server.permissions import CALIBRATION_CHANGE
from server.scoring.settings import load_setup
from server.vocabulary import AuditAction, AuditObjectType

MAX_REASON = 2000
MAX_TOTAL = Decimal(1000)


async def _grades(row: Score) -> list[str]:
    """The grade keys the score was graded with (its frozen bands), else the company's."""
    kept = (row.result or {}).get("grade_bands") or []
    if kept:
        return [str(b["key"]) for b in kept]
    return [b.key for b in (await load_setup(row.company_id)).grade_bands]


async def change_grade(
    actor: Actor,
    session_id: UUID,
    score_id: UUID,
    grade: str,
    reason: str,
    total: Decimal | None = None,
    expected_revision: int | None = None,
) -> CalibrationChange:
    session = await get_session(actor, session_id)
    reason = validation.text(reason, "reason", max_length=MAX_REASON)
    if total is not None:
        total = validation.number(total, "total", places=2, maximum=MAX_TOTAL)
    score = await Score.get_or_none(
        id=score_id, company_id=session.company_id, plan_id=session.plan_id
    )
    if score is None:
        raise NotFound("score")
    if not (await scope_of(session)).covers(score.department_id):
        raise BadInput("calibration_not_in_scope", field="scoreId")
    if not actor.authz.check(CALIBRATION_CHANGE, (score.department_id,)):
        raise Forbidden("forbidden", action="change", object_type="calibration")
    if session.state != CalibrationState.OPEN.value:
        raise Conflict("calibration_locked")
    if not score.frozen:
        raise Conflict("calibration_score_changed", version=score.version)
    grades = await _grades(score)
    if grade not in grades:
        raise BadInput(
            "calibration_unknown_grade", field="grade", grade=grade, grades=", ".join(grades)
        )
    await ensure_unpublished(session.plan_id)
    now = datetime.now(UTC)
    try:
        async with in_transaction():
            still_open = await CalibrationSession.filter(
                id=session.id, state=CalibrationState.OPEN.value
            ).update(revision=F("revision") + 1)
            if not still_open:
                raise Conflict("calibration_locked")
            row = await _write(actor, session, score, grade, total, reason, expected_revision, now)
    except IntegrityError as exc:  # a concurrent first change of the same person
        raise Conflict("calibration_score_changed", version=score.version) from exc
    return row


async def _write(
    actor: Actor,
    session: CalibrationSession,
    score: Score,
    grade: str,
    total: Decimal | None,
    reason: str,
    expected: int | None,
    now: datetime,
) -> CalibrationChange:
    found = await CalibrationChange.get_or_none(session_id=session.id, score_id=score.id)
    current = 0 if found is None else found.revision
    if expected is not None and expected != current:
        raise Conflict("calibration_score_changed", version=current)
    values: dict[str, Any] = {
        "grade": grade,
        "total": total,
        "reason": reason,
        "changed_by": actor.caller.employee_id,
        "changed_at": now,
        "base_version": score.version,
    }
    if found is None:
        row = await CalibrationChange.create(
            company_id=session.company_id,
            session_id=session.id,
            score_id=score.id,
            employee_id=score.employee_id,
            department_id=score.department_id,
            manager_id=score.manager_id,
            original_grade=score.grade,
            original_total=score.total,
            **values,
        )
        before = {"grade": score.grade, "total": score.total}
    else:
        done = await CalibrationChange.filter(id=found.id, revision=current).update(
            revision=current + 1, **values
        )
        if not done:
            raise Conflict("calibration_score_changed", version=current + 1)
        before = {"grade": found.grade, "total": found.total, "reason": found.reason}
        row = await CalibrationChange.get(id=found.id)
    await record(
        actor,
        AuditAction.CALIBRATION_CHANGE,
        AuditObjectType.CALIBRATION_SESSION,
        session.id,
        before={"score": score.id, "employee": score.employee_id, **before},
        after={
            "score": score.id,
            "employee": score.employee_id,
            "grade": grade,
            "total": total,
            "reason": reason,
            "computed_grade": score.grade,
            "computed_total": score.total,
        },
    )
    return row
