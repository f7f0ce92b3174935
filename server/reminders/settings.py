"""A tenant's reminder thresholds: read with the defaults filled in, changed as a patch.

Saving is an upsert on the one row per company (unique), under the company's row lock, so
concurrent patches apply one after the other and none is lost; each is audited.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any
from uuid import UUID

from tortoise.transactions import in_transaction

from server import validation
from server.audit import Actor, record
from server.errors import BadInput
from server.models import Company, ReminderSettings
from server.permissions import REMINDER_SETTINGS_READ, REMINDER_SETTINGS_UPDATE
from server.reminders.kinds import ReminderRule
from server.vocabulary import AuditAction, AuditObjectType

MAX_PERCENT = Decimal(100)
MAX_DAYS = 90


@dataclass(frozen=True)
class Thresholds:
    department_completion_min: Decimal = Decimal(80)
    employee_completion_min: Decimal = Decimal(70)
    evaluation_notice_days: int = 3
    escalation_days: int = 3
    disabled_rules: frozenset[ReminderRule] = frozenset()

    def enabled(self, rule: ReminderRule) -> bool:
        return rule not in self.disabled_rules

    def to_json(self) -> dict[str, Any]:
        return {
            "department_completion_min": f"{self.department_completion_min:f}",
            "employee_completion_min": f"{self.employee_completion_min:f}",
            "evaluation_notice_days": self.evaluation_notice_days,
            "escalation_days": self.escalation_days,
            "disabled_rules": sorted(r.value for r in self.disabled_rules),
        }


DEFAULTS = Thresholds()


@dataclass(frozen=True)
class ThresholdsPatch:
    """Only the fields given change (None: unchanged)."""

    department_completion_min: Decimal | None = None
    employee_completion_min: Decimal | None = None
    evaluation_notice_days: int | None = None
    escalation_days: int | None = None
    disabled_rules: Collection[ReminderRule] | None = None

    def empty(self) -> bool:
        return all(v is None for v in vars(self).values())


def _of(row: ReminderSettings | None) -> Thresholds:
    if row is None:
        return DEFAULTS
    return Thresholds(
        row.department_completion_min,
        row.employee_completion_min,
        row.evaluation_notice_days,
        row.escalation_days,
        frozenset(
            ReminderRule(r) for r in row.disabled_rules if r in ReminderRule._value2member_map_
        ),
    )


async def load_thresholds(company_id: UUID) -> Thresholds:
    """The thresholds in force (one statement); the defaults while none were saved."""
    return _of(await ReminderSettings.get_or_none(company_id=company_id))


async def read_thresholds(actor: Actor) -> Thresholds:
    actor.authz.require(REMINDER_SETTINGS_READ)
    return await load_thresholds(actor.caller.company_id)


def _percent(value: Decimal, field: str) -> Decimal:
    if not 0 <= value <= MAX_PERCENT:
        raise BadInput("date_range", field=field, min=0, max=MAX_PERCENT)
    return validation.number(value, field, places=2, maximum=MAX_PERCENT)


def _days(value: int, field: str, minimum: int) -> int:
    if not minimum <= value <= MAX_DAYS:
        raise BadInput("date_range", field=field, min=minimum, max=MAX_DAYS)
    return value


def apply(current: Thresholds, patch: ThresholdsPatch) -> Thresholds:
    """The thresholds after ``patch``, each given field checked (BAD_USER_INPUT naming it)."""
    if patch.empty():
        raise BadInput("nothing_to_update")
    changes: dict[str, Any] = {}
    if patch.department_completion_min is not None:
        changes["department_completion_min"] = _percent(
            patch.department_completion_min, "departmentCompletionMin"
        )
    if patch.employee_completion_min is not None:
        changes["employee_completion_min"] = _percent(
            patch.employee_completion_min, "employeeCompletionMin"
        )
    if patch.evaluation_notice_days is not None:
        changes["evaluation_notice_days"] = _days(
            patch.evaluation_notice_days, "evaluationNoticeDays", 0
        )
    if patch.escalation_days is not None:
        changes["escalation_days"] = _days(patch.escalation_days, "escalationDays", 1)
    if patch.disabled_rules is not None:
        changes["disabled_rules"] = frozenset(ReminderRule(r) for r in patch.disabled_rules)
    return replace(current, **changes)


async def update_thresholds(actor: Actor, patch: ThresholdsPatch) -> Thresholds:
    actor.authz.require(REMINDER_SETTINGS_UPDATE)
    company_id = actor.caller.company_id
    async with in_transaction():
        # Patches of one company queue here (SQLite serializes transactions anyway), so
        # each applies to the state the previous one left.
        await Company.filter(id=company_id).select_for_update().first()
        row = await ReminderSettings.get_or_none(company_id=company_id)
        before = _of(row)
        after = apply(before, patch)
        if row is None:
            row = ReminderSettings(company_id=company_id)
        row.department_completion_min = after.department_completion_min
        row.employee_completion_min = after.employee_completion_min
        row.evaluation_notice_days = after.evaluation_notice_days
        row.escalation_days = after.escalation_days
        row.disabled_rules = sorted(r.value for r in after.disabled_rules)
        row.updated_by = actor.caller.employee_id
        await row.save()
        await record(
            actor,
            AuditAction.REMINDER_SETTINGS_UPDATE,
            AuditObjectType.REMINDER_SETTINGS,
            company_id,
            before=before.to_json(),
            after=after.to_json(),
        )
    return after
