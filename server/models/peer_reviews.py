"""360 input: a request for colleagues' ratings on one person in one plan, and their answers.

- ``PeerReviewSettings``: the tenant's minimum number of answers (k) before anyone but the
  performance admin sees an average (the default when there is no row).
- ``PeerReview``: one per (plan, subject): who asked, until when; it keeps the subject's
  place (``department_id``, ``manager_id``) so the policy's relations filter lists in SQL.
- ``PeerReviewer``: one colleague asked (unique per review).
- ``PeerResponse``: one colleague's answer, unique per (review, reviewer): of two racing
  submissions the database keeps exactly one. ``rating_sum`` and ``rating_count`` let the
  scoring read a person's peer average in one grouped statement.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tortoise import fields
from tortoise.models import Model

DEFAULT_MIN_RESPONSES = 3


class PeerReviewSettings(Model):
    id = fields.UUIDField(primary_key=True)
    company: fields.OneToOneRelation = fields.OneToOneField(
        "models.Company", related_name="peer_review_settings", on_delete=fields.CASCADE
    )
    min_responses = fields.IntField(default=DEFAULT_MIN_RESPONSES)
    updated_by = fields.UUIDField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: UUID

    class Meta:
        table = "peer_review_settings"


class PeerReview(Model):
    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="peer_reviews", on_delete=fields.CASCADE
    )
    plan: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Plan", related_name="peer_reviews", on_delete=fields.CASCADE
    )
    assignment: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Assignment", related_name="peer_reviews", on_delete=fields.CASCADE
    )
    employee_id = fields.UUIDField()  # the subject
    department_id = fields.UUIDField()
    manager_id = fields.UUIDField(null=True)
    deadline = fields.DatetimeField()
    requested_by = fields.UUIDField()
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: UUID
    plan_id: UUID
    assignment_id: UUID

    class Meta:
        table = "peer_review"
        unique_together = (("plan", "employee_id"),)
        indexes = (("company", "department_id"),)


class PeerReviewer(Model):
    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="peer_reviewers", on_delete=fields.CASCADE
    )
    review: fields.ForeignKeyRelation[PeerReview] = fields.ForeignKeyField(
        "models.PeerReview", related_name="reviewers", on_delete=fields.CASCADE
    )
    reviewer: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Employee", related_name="peer_invitations", on_delete=fields.CASCADE
    )
    invited_by = fields.UUIDField()
    created_at = fields.DatetimeField(auto_now_add=True)

    company_id: UUID
    review_id: UUID
    reviewer_id: UUID

    class Meta:
        table = "peer_reviewer"
        unique_together = (("review", "reviewer"),)
        indexes = (("company", "reviewer"),)


class PeerResponse(Model):
    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="peer_responses", on_delete=fields.CASCADE
    )
    review: fields.ForeignKeyRelation[PeerReview] = fields.ForeignKeyField(
        "models.PeerReview", related_name="responses", on_delete=fields.CASCADE
    )
    reviewer_id = fields.UUIDField()
    plan_id = fields.UUIDField()
    assignment_id = fields.UUIDField()
    employee_id = fields.UUIDField()  # the subject
    ratings: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)  # key -> 1..5
    comment = fields.TextField(default="")
    rating_sum = fields.IntField()
    rating_count = fields.IntField()
    submitted_at = fields.DatetimeField()

    company_id: UUID
    review_id: UUID

    class Meta:
        table = "peer_response"
        unique_together = (("review", "reviewer_id"),)
        # by assignment: the scores' inputs read each person's answers (scoring/peer_input.py)
        indexes = (("company", "plan_id"), ("assignment_id",))
