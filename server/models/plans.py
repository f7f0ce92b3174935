"""Plans: templates, plans with immutable versions of their indicators, reviews and comments."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tortoise import fields
from tortoise.models import Model

from server.models.fields import ScaledDecimalField
from server.vocabulary import PeriodKind, PlanState

PLAN_STATES = tuple(PlanState)
PUBLISHED_STATES = (PlanState.ACTIVE, PlanState.EVALUATING, PlanState.FINALIZED, PlanState.CLOSED)
PERIOD_KINDS = tuple(PeriodKind)


class Template(Model):
    """A named list of indicators with default weights, editable per tenant."""

    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="templates", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=100)
    framework = fields.CharField(max_length=8, default="KPI")  # KPI or OKR
    department_kind = fields.CharField(max_length=20, default="other")
    description = fields.TextField(default="")
    indicators: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)
    # Which shipped template this row was seeded from (null for a tenant's own). Unique per
    # company, so seeding is an insert-or-ignore that no concurrent seeding can double; an
    # edited or deleted seeded template keeps its key and is never seeded again.
    seed_key = fields.CharField(max_length=32, null=True)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: UUID

    class Meta:
        table = "plan_template"
        unique_together = (("company", "seed_key"),)


class Plan(Model):
    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="plans", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)
    level = fields.CharField(max_length=16)  # company or department
    period_kind = fields.CharField(max_length=16)
    period_start = fields.DateField()
    period_end = fields.DateField()
    submission_due = fields.DateField()
    review_due = fields.DateField()
    self_evaluation_due = fields.DateField()
    manager_evaluation_due = fields.DateField()
    state = fields.CharField(max_length=16, default="draft")
    version = fields.IntField(default=1)  # the current version's number
    departments: fields.ManyToManyRelation = fields.ManyToManyField(
        "models.Department", related_name="plans", through="plan_department"
    )
    created_by = fields.UUIDField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: UUID

    class Meta:
        table = "plan"
        indexes = (("company", "period_start"),)


class PlanVersion(Model):
    """An immutable snapshot: the plan's fields as JSON plus its Indicator rows."""

    id = fields.UUIDField(primary_key=True)
    plan: fields.ForeignKeyRelation[Plan] = fields.ForeignKeyField(
        "models.Plan", related_name="versions", on_delete=fields.CASCADE
    )
    # The plan's company, kept on the row so that analytics can filter and aggregate a
    # company's rows without a join through plan.
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="plan_versions", on_delete=fields.CASCADE
    )
    number = fields.IntField()
    content: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    author_id = fields.UUIDField(null=True)
    comment = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    plan_id: UUID
    company_id: UUID

    class Meta:
        table = "plan_version"
        unique_together = (("plan", "number"),)
        indexes = (("company", "created_at"),)


class Indicator(Model):
    """One indicator as it stands in one version; ``key`` follows it across versions."""

    id = fields.UUIDField(primary_key=True)
    plan: fields.ForeignKeyRelation[Plan] = fields.ForeignKeyField(
        "models.Plan", related_name="indicators", on_delete=fields.CASCADE
    )
    # The plan's company, as on PlanVersion.
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="plan_indicators", on_delete=fields.CASCADE
    )
    version = fields.IntField()
    key = fields.CharField(max_length=36)
    position = fields.IntField(default=0)
    name = fields.CharField(max_length=100)
    description = fields.TextField(default="")
    unit = fields.CharField(max_length=32, default="")
    weight = ScaledDecimalField(places=4)  # exact in SQL on SQLite too (server.models.fields)
    target = ScaledDecimalField(places=6, null=True)
    direction = fields.CharField(max_length=8, default="higher")
    data_source = fields.CharField(max_length=64, default="manual")
    scoring: fields.JSONField[dict[str, Any]] = fields.JSONField(
        default=dict
    )  # ScoringRule.to_json() (server/indicators.py)
    qualitative = fields.BooleanField(default=False)

    plan_id: UUID
    company_id: UUID

    class Meta:
        table = "indicator"
        unique_together = (("plan", "version", "key"),)
        indexes = (("plan", "version"), ("company", "data_source"))


class PlanApproval(Model):
    """A sign-off the plan needs (HR VP, each covering division's VP, the GM for company plans)."""

    id = fields.UUIDField(primary_key=True)
    plan: fields.ForeignKeyRelation[Plan] = fields.ForeignKeyField(
        "models.Plan", related_name="approvals", on_delete=fields.CASCADE
    )
    # The plan's company, as on PlanVersion.
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="plan_approvals", on_delete=fields.CASCADE
    )
    role = fields.CharField(max_length=16)
    department_id = fields.UUIDField(null=True)  # the division, for a VP's approval
    approver_id = fields.UUIDField(null=True)
    approved_version = fields.IntField(null=True)
    approved_at = fields.DatetimeField(null=True)

    plan_id: UUID
    company_id: UUID

    class Meta:
        table = "plan_approval"
        indexes = (("company", "approved_at"),)


class PlanTransition(Model):
    id = fields.UUIDField(primary_key=True)
    plan: fields.ForeignKeyRelation[Plan] = fields.ForeignKeyField(
        "models.Plan", related_name="transitions", on_delete=fields.CASCADE
    )
    # The plan's company, as on PlanVersion.
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="plan_transitions", on_delete=fields.CASCADE
    )
    from_state = fields.CharField(max_length=16)
    to_state = fields.CharField(max_length=16)
    action = fields.CharField(max_length=24)
    actor_id = fields.UUIDField(null=True)
    comment = fields.TextField(default="")
    at = fields.DatetimeField(auto_now_add=True)

    plan_id: UUID
    company_id: UUID

    class Meta:
        table = "plan_transition"
        indexes = (("company", "at"),)


class PlanComment(Model):
    id = fields.UUIDField(primary_key=True)
    plan: fields.ForeignKeyRelation[Plan] = fields.ForeignKeyField(
        "models.Plan", related_name="comments", on_delete=fields.CASCADE
    )
    # The plan's company, as on PlanVersion.
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="plan_comments", on_delete=fields.CASCADE
    )
    version = fields.IntField()
    indicator_key = fields.CharField(max_length=36, null=True)
    parent_id = fields.UUIDField(null=True)
    author_id = fields.UUIDField()
    body = fields.TextField()
    resolved = fields.BooleanField(default=False)
    resolved_by = fields.UUIDField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    plan_id: UUID
    company_id: UUID

    class Meta:
        table = "plan_comment"
        indexes = (("plan", "created_at"), ("company", "created_at"))
