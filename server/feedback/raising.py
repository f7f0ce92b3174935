"""Raising feedback on a published result, or on one indicator of it.

Only the person himself (``feedback:raise`` on ``self``), only once the plan's results are
published to him and within the tenant's window after that. The answer is his manager's
(per the org chart now), due ``answer_hours`` later.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from uuid import UUID

from tortoise.transactions import in_transaction

from server import validation
from server.audit import Actor, record
from server.errors import BadInput, Conflict, NotFound
from server.feedback import settings as feedback_settings
from server.feedback.access import utcnow
from server.feedback.events import announce
from server.feedback.vocabulary import FeedbackCategory, FeedbackEventKind, FeedbackState
from server.models import Assignment, Employee, Feedback, ResultsRelease, Score
from server.permissions import FEEDBACK_RAISE
from server.scoring.results import get_score
from server.vocabulary import AuditAction, AuditObjectType

MAX_TEXT = 2000


def check_text(value: str, field: str, *, required: bool = True) -> str:
    """Trimmed, visible, at most ``MAX_TEXT`` characters, real Unicode (no lone surrogates:
    the edge refuses them in requests, this refuses them from any other caller)."""
    text = validation.text(value, field, max_length=MAX_TEXT, required=required)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BadInput("invalid_format", field=field, hint="not valid Unicode text") from exc
    return text


async def raise_feedback(
    actor: Actor,
    score_id: UUID,
    category: FeedbackCategory,
    text: str,
    indicator_key: str | None = None,
) -> Feedback:
    score = await Score.get_or_none(id=score_id, company_id=actor.caller.company_id)
    if score is None:
        raise NotFound("score")
    if score.employee_id != actor.caller.employee_id:
        # Someone else's: NOT_FOUND out of sight, else FORBIDDEN by the default policy.
        score = await get_score(actor, score_id)
    # One's own score is no secret to oneself: before publishing, the clear error below.
    position = (score.department_id, score.employee_id, score.manager_id, None)
    actor.authz.require(FEEDBACK_RAISE, position)
    body = check_text(text, "text")
    if indicator_key is not None:
        assignment = await Assignment.get(id=score.assignment_id)
        if indicator_key not in {i.get("key") for i in assignment.indicators}:
            raise BadInput("not_assigned_indicator", field="indicatorKey", indicator=indicator_key)
    now = utcnow()
    release = await ResultsRelease.get_or_none(plan_id=score.plan_id)
    if release is None or release.publish_at > now:
        raise Conflict("results_not_published")
    settings = await feedback_settings.load(score.company_id)
    closes = release.publish_at + timedelta(days=settings.window_days)
    if now > closes:
        raise Conflict(
            "feedback_window_closed",
            closed=closes.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            days=settings.window_days,
        )
    person = await Employee.get(id=score.employee_id)
    if person.manager_id is None:
        raise Conflict("no_manager")
    async with in_transaction():
        row = await Feedback.create(
            company_id=score.company_id,
            score_id=score.id,
            plan_id=score.plan_id,
            employee_id=score.employee_id,
            department_id=person.department_id,
            manager_id=person.manager_id,
            handler_id=person.manager_id,
            indicator_key=indicator_key,
            category=category.value,
            text=body,
            state=FeedbackState.OPEN.value,
            answer_due_at=now + timedelta(hours=settings.answer_hours),
        )
        await record(
            actor,
            AuditAction.FEEDBACK_RAISE,
            AuditObjectType.FEEDBACK,
            row.id,
            after={
                "score": score.id,
                "indicator_key": indicator_key,
                "category": category.value,
                "text": body,
                "answer_due_at": row.answer_due_at,
            },
        )
        await announce(row, FeedbackEventKind.RAISED)
    return row
