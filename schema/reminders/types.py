"""GraphQL types of the reminder thresholds (server/reminders/settings.py)."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from server.reminders.kinds import ReminderRule as _ReminderRule
from server.reminders.settings import Thresholds

strawberry.enum(
    _ReminderRule,
    description="A reminder rule: who is alerted about what (docs/reminders.md).",
)
ReminderRule = _ReminderRule


@strawberry.type(description="A tenant's reminder thresholds (the defaults until changed).")
class ReminderSettings:
    department_completion_min: Decimal = strawberry.field(
        description="A department whose completion (% of its assigned people complete) is "
        "below this alerts its VP. Default 80."
    )
    employee_completion_min: Decimal = strawberry.field(
        description="An employee whose completion (% of his actuals and evaluations done) is "
        "below this alerts his manager. Default 70."
    )
    evaluation_notice_days: int = strawberry.field(
        description="An evaluation is reminded this many days before it is due. Default 3."
    )
    escalation_days: int = strawberry.field(
        description="Overdue this many days, an evaluation is escalated to the skip-level "
        "manager. Default 3."
    )
    disabled_rules: list[ReminderRule] = strawberry.field(
        description="Rules switched off for the tenant."
    )

    @classmethod
    def of(cls, value: Thresholds) -> ReminderSettings:
        return cls(
            department_completion_min=value.department_completion_min,
            employee_completion_min=value.employee_completion_min,
            evaluation_notice_days=value.evaluation_notice_days,
            escalation_days=value.escalation_days,
            disabled_rules=sorted(value.disabled_rules, key=list(_ReminderRule).index),
        )


@strawberry.input(description="A patch: only the fields given change; null is refused.")
class ReminderSettingsInput:
    department_completion_min: Decimal | None = strawberry.UNSET
    employee_completion_min: Decimal | None = strawberry.UNSET
    evaluation_notice_days: int | None = strawberry.UNSET
    escalation_days: int | None = strawberry.UNSET
    disabled_rules: list[ReminderRule] | None = strawberry.UNSET
