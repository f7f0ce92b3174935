"""Set-up shared by the reminder tests (no tests of its own).

The sandbox of ``make_company``: ``staff`` reports to ``mgr`` (销售一部), who reports to
``vpa`` (the division's VP); ``hrvp``, ``perf`` and ``admin`` hold the company-wide roles.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from uuid import UUID

from server.db import using
from server.models import Employee
from server.models.notifications import Notification
from tests.schema.results.test_evaluations_support import ZONE, today

SETTINGS = """departmentCompletionMin employeeCompletionMin evaluationNoticeDays
  escalationDays disabledRules"""
READ = f"query {{ reminderSettings {{ {SETTINGS} }} }}"
UPDATE = f"""mutation($i: ReminderSettingsInput!) {{
  updateReminderSettings(input: $i) {{ {SETTINGS} }} }}"""


def noon(days_from_today: int = 0) -> datetime:
    """Noon where the sandbox company is, ``days_from_today`` days from today, in UTC."""
    day = today() + timedelta(days=days_from_today)
    return datetime.combine(day, time(12), ZONE).astimezone(UTC)


async def people(api: Any, sandbox: Any) -> dict[UUID, str]:
    """Employee id -> the sandbox's local name (``staff``, ``mgr``...)."""
    with using(api.runtime.db):
        rows = await Employee.filter(company_id=sandbox.company_id).values_list("id", "username")
    return {UUID(str(i)): str(name).split("@", 1)[0] for i, name in rows}


async def sent(api: Any, sandbox: Any) -> list[tuple[str, str, str]]:
    """(recipient, rule, stage) of every notification of the sandbox company, sorted."""
    names = await people(api, sandbox)
    with using(api.runtime.db):
        rows = await Notification.filter(company_id=sandbox.company_id).values_list(
            "recipient_id", "rule", "stage"
        )
    return sorted((names[UUID(str(r))], rule, stage) for r, rule, stage in rows)
