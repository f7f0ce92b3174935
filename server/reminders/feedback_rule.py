"""Feedback unanswered past its deadline: the performance admins are alerted, once per
deadline (an escalation sets a new one, and a new alert follows if that one passes too)."""

from __future__ import annotations

from server.feedback.vocabulary import FeedbackState
from server.models import Employee
from server.models.feedback import Feedback
from server.notifications.store import Notice
from server.reminders.kinds import ReminderRule, ReminderStage
from server.reminders.rules import Scene
from server.scoring.sql import as_iso
from server.vocabulary import Role

AWAITING = (FeedbackState.OPEN.value, FeedbackState.ESCALATED.value)


async def feedback_unanswered(scene: Scene) -> list[Notice]:
    admins = scene.recipients.company(Role.PERF_ADMIN)
    if not admins:
        return []
    late = await Feedback.filter(
        company_id=scene.company_id, state__in=AWAITING, answer_due_at__lt=scene.now
    ).values_list("id", "employee_id", "answer_due_at")
    people = {e for _, e, _ in late}
    names = (
        dict(
            await Employee.filter(company_id=scene.company_id, id__in=list(people)).values_list(
                "id", "name"
            )
        )
        if people
        else {}
    )
    return [
        Notice(
            recipient_id=admin,
            rule=ReminderRule.FEEDBACK_UNANSWERED,
            subject=str(feedback_id),
            period=str(as_iso(due)),
            stage=ReminderStage.OVERDUE,
            message_key="reminder_feedback_unanswered",
            params={"employee": names.get(employee_id, ""), "due": str(as_iso(due))},
        )
        for feedback_id, employee_id, due in late
        for admin in admins
    ]
