"""The feedback state machine: answer, accept, escalate (decide is in ``deciding``).

Every transition is one conditional UPDATE on the row's (state, revision) as read: of two
callers racing for the same transition, exactly one changes the row and the other answers
CONFLICT, on SQLite and PostgreSQL alike. Each writes its audit entry and its outbox event
in the same transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from tortoise.transactions import in_transaction

from server.audit import Actor, record
from server.errors import Conflict
from server.feedback import settings as feedback_settings
from server.feedback.access import (
    escalation_handler,
    load_feedback,
    require,
    require_handler,
    utcnow,
)
from server.feedback.events import announce
from server.feedback.plans import ActionInput, add_actions, check_actions
from server.feedback.raising import check_text
from server.feedback.vocabulary import (
    ADMIN_LEVEL,
    SKIP_LEVEL,
    FeedbackEventKind,
    FeedbackState,
)
from server.models import Feedback
from server.permissions import FEEDBACK_ACCEPT, FEEDBACK_ANSWER, FEEDBACK_ESCALATE
from server.vocabulary import AuditAction, AuditObjectType

OPEN = FeedbackState.OPEN.value
ANSWERED = FeedbackState.ANSWERED.value
ESCALATED = FeedbackState.ESCALATED.value


def refuse(row: Feedback, action: str) -> Conflict:
    return Conflict("feedback_state", state=row.state.upper(), action=action)


async def take(row: Feedback, action: str, **values: Any) -> Feedback:
    """Move the row as read to ``values``, or CONFLICT when it moved meanwhile."""
    moved = await Feedback.filter(id=row.id, state=row.state, revision=row.revision).update(
        revision=row.revision + 1, **values
    )
    if not moved:
        await row.refresh_from_db()
        raise refuse(row, action)
    await row.refresh_from_db()
    return row


def stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


async def answer_feedback(
    actor: Actor, feedback_id: UUID, answer: str, actions: list[ActionInput]
) -> Feedback:
    """The handler's answer with an improvement plan: the manager on an OPEN feedback, the
    skip-level manager or VP on one escalated to level 1. Late answers are taken (and show
    as late against ``answer_due_at``): an answer is better than none."""
    row = await load_feedback(actor, feedback_id)
    require(actor, FEEDBACK_ANSWER, row)
    waiting = row.state == OPEN or (row.state == ESCALATED and row.level == SKIP_LEVEL)
    if not waiting:
        raise refuse(row, "answer")
    require_handler(actor, row)
    text = check_text(answer, "answer")
    checked = await check_actions(actor, actions, utcnow())
    now = utcnow()
    before = {"state": row.state, "level": row.level}
    async with in_transaction():
        await take(
            row,
            "answer",
            state=ANSWERED,
            answer=text,
            answered_by=actor.caller.employee_id,
            answered_at=now,
            updated_at=now,
        )
        added = await add_actions(row, checked)
        await record(
            actor,
            AuditAction.FEEDBACK_ANSWER,
            AuditObjectType.FEEDBACK,
            row.id,
            before=before,
            after={
                "state": ANSWERED,
                "level": row.level,
                "answer": text,
                "actions": [
                    {"text": a.text, "owner": a.owner_id, "due_on": a.due_on} for a in added
                ],
                "late": now > row.answer_due_at,
            },
        )
        await announce(row, FeedbackEventKind.ANSWERED)
    return row


async def accept_feedback(actor: Actor, feedback_id: UUID) -> Feedback:
    """The person accepts the answer: closed."""
    row = await load_feedback(actor, feedback_id)
    require(actor, FEEDBACK_ACCEPT, row)
    if row.state != ANSWERED:
        raise refuse(row, "accept")
    now = utcnow()
    async with in_transaction():
        await take(row, "accept", state=FeedbackState.ACCEPTED.value, accepted_at=now)
        await record(
            actor,
            AuditAction.FEEDBACK_ACCEPT,
            AuditObjectType.FEEDBACK,
            row.id,
            before={"state": ANSWERED},
            after={"state": row.state},
        )
        await announce(row, FeedbackEventKind.ACCEPTED)
    return row


async def escalate_feedback(actor: Actor, feedback_id: UUID, reason: str = "") -> Feedback:
    """The person takes it one level up: from an answer he does not accept, or from no
    answer once it is overdue. Level 1 is the skip-level manager or the VP (whoever
    ``escalation_handler`` finds; none: straight to level 2), level 2 the performance admin."""
    row = await load_feedback(actor, feedback_id)
    require(actor, FEEDBACK_ESCALATE, row)
    if row.state not in (OPEN, ANSWERED, ESCALATED) or row.level >= ADMIN_LEVEL:
        raise refuse(row, "escalate")
    now = utcnow()
    if row.state != ANSWERED and now <= row.answer_due_at:
        raise Conflict("answer_not_due", due=stamp(row.answer_due_at))
    text = check_text(reason, "reason", required=False)
    handler = await escalation_handler(row) if row.level < SKIP_LEVEL else None
    level = SKIP_LEVEL if handler is not None else ADMIN_LEVEL
    settings = await feedback_settings.load(row.company_id)
    before = {"state": row.state, "level": row.level, "handler": row.handler_id}
    async with in_transaction():
        await take(
            row,
            "escalate",
            state=ESCALATED,
            level=level,
            handler_id=handler,
            escalation_reason=text,
            escalated_at=now,
            # The next level's own deadline: its answer (or the decision) is due then.
            answer_due_at=now + timedelta(hours=settings.answer_hours),
        )
        await record(
            actor,
            AuditAction.FEEDBACK_ESCALATE,
            AuditObjectType.FEEDBACK,
            row.id,
            before=before,
            after={"state": ESCALATED, "level": level, "handler": handler, "reason": text},
        )
        await announce(row, FeedbackEventKind.ESCALATED)
    return row
