"""Calibration: a tenant's distribution guideline, sessions over frozen scores, their changes.

A ``CalibrationSession`` covers one plan's FINALIZED scores in one scope (the company, a
division or a department: ``scope_key`` is ``"company"`` or the department's id, unique per
plan, so a scope is calibrated once). ``state`` goes ``open`` -> ``locked`` once: the lock is
a conditional UPDATE on ``state = 'open'`` that only one transaction satisfies, and every
change bumps ``revision`` under the same condition, so a change and a lock never interleave.

A ``CalibrationChange`` is the calibrated grade (and optionally total) of one score in one
session, beside the computed values it replaces, with its mandatory reason; unique per
(session, score). ``base_version`` is the frozen score version it was made against: locking
writes the next version only over that one.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tortoise import fields
from tortoise.models import Model

from server.models.fields import ScaledDecimalField


class CalibrationSettings(Model):
    """A tenant's distribution guideline (defaults when there is no row)."""

    id = fields.UUIDField(primary_key=True)
    company: fields.OneToOneRelation = fields.OneToOneField(
        "models.Company", related_name="calibration_settings", on_delete=fields.CASCADE
    )
    # [{"grade", "min_share", "max_share", "target_share", "min_count", "max_count"}], shares
    # as exact decimal strings in percent, any of them null
    guideline: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)
    enforcement = fields.CharField(max_length=8, default="warn")  # Enforcement
    min_group_size = fields.IntField(default=5)
    revision = fields.IntField(default=1)
    updated_by = fields.UUIDField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: UUID

    class Meta:
        table = "calibration_settings"


class CalibrationSession(Model):
    """One plan's calibration over one scope: open, then locked for good."""

    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="calibration_sessions", on_delete=fields.CASCADE
    )
    plan: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Plan", related_name="calibration_sessions", on_delete=fields.CASCADE
    )
    scope = fields.CharField(max_length=12)  # CalibrationScope
    department_id = fields.UUIDField(null=True)  # the scope's root; None for the company
    scope_key = fields.CharField(max_length=36)  # "company" or str(department_id)
    state = fields.CharField(max_length=8, default="open")  # CalibrationState
    revision = fields.IntField(default=1)
    opened_by = fields.UUIDField()
    opened_at = fields.DatetimeField()
    locked_by = fields.UUIDField(null=True)
    locked_at = fields.DatetimeField(null=True)

    company_id: UUID
    plan_id: UUID

    class Meta:
        table = "calibration_session"
        unique_together = (("plan", "scope_key"),)
        indexes = (("company", "plan"),)


class CalibrationChange(Model):
    """The calibrated result of one person in one session, beside the computed one."""

    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="calibration_changes", on_delete=fields.CASCADE
    )
    session: fields.ForeignKeyRelation[CalibrationSession] = fields.ForeignKeyField(
        "models.CalibrationSession", related_name="changes", on_delete=fields.CASCADE
    )
    score: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Score", related_name="calibration_changes", on_delete=fields.CASCADE
    )
    employee_id = fields.UUIDField()
    department_id = fields.UUIDField()
    manager_id = fields.UUIDField(null=True)
    base_version = fields.IntField()
    original_grade = fields.CharField(max_length=32, null=True)
    original_total = ScaledDecimalField(places=6, null=True)
    grade = fields.CharField(max_length=32)
    total = ScaledDecimalField(places=6, null=True)  # None: the computed total stands
    reason = fields.TextField()
    revision = fields.IntField(default=1)
    changed_by = fields.UUIDField()
    changed_at = fields.DatetimeField()

    company_id: UUID
    session_id: UUID
    score_id: UUID

    class Meta:
        table = "calibration_change"
        unique_together = (("session", "score"),)
        indexes = (("company", "session"),)
