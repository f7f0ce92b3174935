"""Improvement plans: the actions an answer carries, their status, and follow-up check-ins.

An action has an owner (an active employee of the company), a due date and a status; the
feedback's handler or the person's manager (``feedback:answer``) adds check-ins and moves
statuses, and so does the action's owner for his own action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from tortoise.transactions import in_transaction

from server.audit import Actor, record
from server.errors import BadInput, NotFound
from server.feedback.access import load_feedback, require, utcnow
from server.feedback.raising import check_text
from server.feedback.vocabulary import ImprovementActionStatus
from server.models import Employee, Feedback, FeedbackCheckIn, ImprovementAction
from server.permissions import FEEDBACK_ANSWER
from server.vocabulary import AuditAction, AuditObjectType

MAX_ACTIONS = 10
MAX_AHEAD_DAYS = 366


@dataclass(frozen=True)
class ActionInput:
    text: str
    owner_id: UUID
    due_on: date


def _today(now: datetime) -> date:
    return now.astimezone(UTC).date()


def check_due(value: date, field: str, now: datetime) -> date:
    # A day of grace: "today" differs by a day across the tenant's time zones.
    earliest = _today(now) - timedelta(days=1)
    latest = _today(now) + timedelta(days=MAX_AHEAD_DAYS)
    if not earliest <= value <= latest:
        raise BadInput("date_range", field=field, min=earliest.isoformat(), max=latest.isoformat())
    return value


async def check_actions(
    actor: Actor, actions: list[ActionInput], now: datetime
) -> list[ActionInput]:
    """Each action's text, owner (an active employee of the caller's company) and due date."""
    if len(actions) > MAX_ACTIONS:
        raise BadInput("too_many_items", field="actions", max=MAX_ACTIONS)
    owners = {a.owner_id for a in actions}
    found = set(
        await Employee.filter(
            id__in=list(owners), company_id=actor.caller.company_id, is_active=True
        ).values_list("id", flat=True)
    )
    checked = []
    for i, action in enumerate(actions):
        if action.owner_id not in found:
            raise NotFound("employee")
        checked.append(
            ActionInput(
                check_text(action.text, f"actions[{i}].text"),
                action.owner_id,
                check_due(action.due_on, f"actions[{i}].dueOn", now),
            )
        )
    return checked


async def add_actions(row: Feedback, actions: list[ActionInput]) -> list[ImprovementAction]:
    """Append the actions after the plan's existing ones (a level-1 answer adds its own)."""
    # Actions are never deleted: the next position follows the count.
    start = await ImprovementAction.filter(feedback_id=row.id).count() + 1
    return [
        await ImprovementAction.create(
            company_id=row.company_id,
            feedback_id=row.id,
            position=start + i,
            text=a.text,
            owner_id=a.owner_id,
            due_on=a.due_on,
        )
        for i, a in enumerate(actions)
    ]


async def add_check_in(actor: Actor, feedback_id: UUID, on: date, note: str) -> FeedbackCheckIn:
    """A dated follow-up note on the feedback's improvement plan."""
    row = await load_feedback(actor, feedback_id)
    require(actor, FEEDBACK_ANSWER, row)
    text = check_text(note, "note")
    on = check_due(on, "on", utcnow())
    async with in_transaction():
        check_in = await FeedbackCheckIn.create(
            company_id=row.company_id,
            feedback_id=row.id,
            on=on,
            note=text,
            author_id=actor.caller.employee_id,
        )
        await record(
            actor,
            AuditAction.FEEDBACK_CHECK_IN,
            AuditObjectType.FEEDBACK,
            row.id,
            after={"check_in": check_in.id, "on": on, "note": text},
        )
    return check_in


async def set_action_status(
    actor: Actor, action_id: UUID, status: ImprovementActionStatus
) -> ImprovementAction:
    """Move an action's status: its owner, or whoever may answer the feedback."""
    action = await ImprovementAction.get_or_none(id=action_id, company_id=actor.caller.company_id)
    if action is None:
        raise NotFound("feedback")
    row = await load_feedback(actor, action.feedback_id)
    if action.owner_id != actor.caller.employee_id:
        require(actor, FEEDBACK_ANSWER, row)
    if action.status == status.value:
        return action
    async with in_transaction():
        await ImprovementAction.filter(id=action.id).update(status=status.value)
        await record(
            actor,
            AuditAction.FEEDBACK_ACTION_UPDATE,
            AuditObjectType.FEEDBACK,
            row.id,
            before={"action": action.id, "status": action.status},
            after={"action": action.id, "status": status.value},
        )
    await action.refresh_from_db()
    return action
