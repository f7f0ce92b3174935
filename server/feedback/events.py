"""The outbox event a feedback change emits, in the change's transaction."""

from __future__ import annotations

from server.events import FeedbackEvent
from server.feedback.vocabulary import FeedbackEventKind, FeedbackState
from server.models import Feedback
from server.outbox import emit

# Once closed, nobody is waited on: reminders need no handler or due time.
CLOSED = frozenset({FeedbackState.ACCEPTED.value, FeedbackState.DECIDED.value})


def event(row: Feedback, kind: FeedbackEventKind) -> FeedbackEvent:
    closed = row.state in CLOSED
    return FeedbackEvent(
        row.company_id,
        row.id,
        kind.value,
        employee_id=row.employee_id,
        department_id=row.department_id,
        manager_id=row.manager_id,
        handler_id=None if closed else row.handler_id,
        level=row.level,
        state=row.state,
        answer_due_at=None if closed else row.answer_due_at,
    )


async def announce(row: Feedback, kind: FeedbackEventKind) -> None:
    await emit(event(row, kind))
