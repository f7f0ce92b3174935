"""Feedback and appeals on published results, their improvement plans, and ongoing notes.

Every row carries ``company_id`` and the person's position (``department_id``,
``employee_id``, ``manager_id``) so that the policy's relations become one SQL filter per
list, as for scores. A feedback also names who must act on it now (``handler_id``: the
manager, then the skip-level manager or VP once escalated; none at level 2, where the
performance admins decide) and when the answer is due (``answer_due_at``): the reminders
read those columns.
"""

from __future__ import annotations

from uuid import UUID

from tortoise import fields
from tortoise.models import Model


class FeedbackSettings(Model):
    """A tenant's feedback window and answer deadline (the defaults when there is no row)."""

    id = fields.UUIDField(primary_key=True)
    company: fields.OneToOneRelation = fields.OneToOneField(
        "models.Company", related_name="feedback_settings", on_delete=fields.CASCADE
    )
    window_days = fields.IntField(default=7)  # after the results are published
    answer_hours = fields.IntField(default=24)  # for the manager (and each escalation level)
    updated_by = fields.UUIDField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: UUID

    class Meta:
        table = "feedback_settings"


class Feedback(Model):
    """An employee's feedback on his published result, or on one indicator of it.

    ``state`` moves OPEN -> ANSWERED -> ACCEPTED, or to ESCALATED (``level`` 1: the
    skip-level manager or VP answers; level 2: the performance admin DECIDES). Every
    transition is one conditional UPDATE on (state, revision): of two racing, one wins.
    """

    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="feedback", on_delete=fields.CASCADE
    )
    score: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Score", related_name="feedback", on_delete=fields.CASCADE
    )
    plan_id = fields.UUIDField()
    employee_id = fields.UUIDField()
    department_id = fields.UUIDField()
    manager_id = fields.UUIDField(null=True)  # the person's manager per org when raised
    handler_id = fields.UUIDField(null=True)  # who must answer now (None at level 2)
    indicator_key = fields.CharField(max_length=36, null=True)  # None: the whole result
    category = fields.CharField(max_length=24)  # FeedbackCategory
    text = fields.TextField()
    state = fields.CharField(max_length=12, default="open")  # FeedbackState
    level = fields.IntField(default=0)  # 0 manager, 1 skip-level/VP, 2 performance admin
    revision = fields.IntField(default=1)
    answer_due_at = fields.DatetimeField()
    answer = fields.TextField(default="")
    answered_by = fields.UUIDField(null=True)
    answered_at = fields.DatetimeField(null=True)
    accepted_at = fields.DatetimeField(null=True)
    escalation_reason = fields.TextField(default="")
    escalated_at = fields.DatetimeField(null=True)
    decision = fields.CharField(max_length=8, null=True)  # FeedbackDecision
    decision_reason = fields.TextField(default="")
    decided_by = fields.UUIDField(null=True)
    decided_at = fields.DatetimeField(null=True)
    score_version = fields.IntField(null=True)  # the version a CHANGE froze
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: UUID
    score_id: UUID

    class Meta:
        table = "feedback"
        indexes = (
            ("company", "department_id"),
            ("company", "employee_id"),
            ("state", "answer_due_at"),
        )


class ImprovementAction(Model):
    """One action of the improvement plan an answer carries: an owner, a due date, a status."""

    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="improvement_actions", on_delete=fields.CASCADE
    )
    feedback: fields.ForeignKeyRelation[Feedback] = fields.ForeignKeyField(
        "models.Feedback", related_name="actions", on_delete=fields.CASCADE
    )
    position = fields.IntField()
    text = fields.TextField()
    owner_id = fields.UUIDField()
    due_on = fields.DateField()
    status = fields.CharField(max_length=12, default="planned")  # ImprovementActionStatus
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: UUID
    feedback_id: UUID

    class Meta:
        table = "improvement_action"
        unique_together = (("feedback", "position"),)


class FeedbackCheckIn(Model):
    """A follow-up note on an improvement plan, dated (append-only)."""

    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="feedback_check_ins", on_delete=fields.CASCADE
    )
    feedback: fields.ForeignKeyRelation[Feedback] = fields.ForeignKeyField(
        "models.Feedback", related_name="check_ins", on_delete=fields.CASCADE
    )
    on = fields.DateField()
    note = fields.TextField()
    author_id = fields.UUIDField()
    created_at = fields.DatetimeField(auto_now_add=True)

    company_id: UUID
    feedback_id: UUID

    class Meta:
        table = "feedback_check_in"


class PersonNote(Model):
    """A manager's short note or praise about a person, outside any cycle: evidence for the
    next evaluation. Placed by the person's position when written."""

    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="person_notes", on_delete=fields.CASCADE
    )
    employee_id = fields.UUIDField()
    department_id = fields.UUIDField()
    manager_id = fields.UUIDField(null=True)
    author_id = fields.UUIDField()
    kind = fields.CharField(max_length=8)  # NoteKind
    text = fields.TextField()
    noted_on = fields.DateField()
    created_at = fields.DatetimeField(auto_now_add=True)

    company_id: UUID

    class Meta:
        table = "person_note"
        indexes = (("company", "employee_id", "noted_on"),)
