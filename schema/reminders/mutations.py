"""Changing the reminder thresholds: a patch, checked, audited, in force at the next run."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from schema.permissions import AUTH
from schema.reminders.types import ReminderSettings, ReminderSettingsInput
from server.errors import BadInput
from server.permissions import REMINDER_SETTINGS_UPDATE
from server.reminders import settings

_FIELDS = {
    "department_completion_min": "departmentCompletionMin",
    "employee_completion_min": "employeeCompletionMin",
    "evaluation_notice_days": "evaluationNoticeDays",
    "escalation_days": "escalationDays",
    "disabled_rules": "disabledRules",
}


def _patch(given: ReminderSettingsInput) -> settings.ThresholdsPatch:
    values: dict[str, Any] = {}
    for name, field in _FIELDS.items():
        value = getattr(given, name)
        if value is strawberry.UNSET:
            continue
        if value is None:  # every threshold has a value: null would silently mean nothing
            raise BadInput("required", field=field)
        values[name] = value
    return settings.ThresholdsPatch(**values)


@strawberry.type
class ReminderMutation:
    @strawberry.mutation(
        permission_classes=AUTH,
        description="Change the reminder thresholds: only the fields given change.",
    )
    async def update_reminder_settings(
        self, info: Info, input: ReminderSettingsInput
    ) -> ReminderSettings:
        actor = info.context.actor
        actor.authz.require(REMINDER_SETTINGS_UPDATE)  # before the input is judged
        return ReminderSettings.of(await settings.update_thresholds(actor, _patch(input)))
