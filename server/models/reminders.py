"""Reminders: a tenant's thresholds, and the lease that lets one process run its rules at a time."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tortoise import fields
from tortoise.models import Model

from server.models.fields import ScaledDecimalField


class ReminderSettings(Model):
    """A tenant's reminder thresholds; the defaults (server.reminders.settings) without a row."""

    id = fields.UUIDField(primary_key=True)
    company: fields.OneToOneRelation = fields.OneToOneField(
        "models.Company", related_name="reminder_settings", on_delete=fields.CASCADE
    )
    department_completion_min = ScaledDecimalField(places=2)  # percent, e.g. 80
    employee_completion_min = ScaledDecimalField(places=2)  # percent, e.g. 70
    evaluation_notice_days = fields.IntField()  # "due in N days" comes N days ahead
    escalation_days = fields.IntField()  # overdue this many days: the skip-level manager
    # ReminderRule values switched off for the tenant
    disabled_rules: fields.JSONField[list[Any]] = fields.JSONField(default=list)
    updated_by = fields.UUIDField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: UUID

    class Meta:
        table = "reminder_settings"


class ReminderLease(Model):
    """One row per company: a run of its rules holds it until ``lease_until``.

    Taken by a conditional UPDATE (free, or lapsed, and not run within the tick), so of
    several processes ticking at once exactly one runs the company's rules.
    """

    id = fields.UUIDField(primary_key=True)
    company: fields.OneToOneRelation = fields.OneToOneField(
        "models.Company", related_name="reminder_lease", on_delete=fields.CASCADE
    )
    holder = fields.CharField(max_length=32, null=True)
    lease_until = fields.DatetimeField(null=True)
    last_run_at = fields.DatetimeField(null=True)  # when the last run started
    last_written = fields.IntField(default=0)  # notifications the last run added

    company_id: UUID

    class Meta:
        table = "reminder_lease"
