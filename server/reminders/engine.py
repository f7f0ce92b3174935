"""Running a tenant's reminder rules: under its lease, each rule isolated, notices stored once.

``run_company`` is what the scheduler's tick and the outbox consumer call. Statements per
run are bounded per tenant: the lease, the thresholds, the role holders and departments,
one read per rule, and ``notify``'s chunked insert.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from server.models import Company
from server.models.notifications import Notification
from server.notifications.store import Notice, notify
from server.reminders import lease
from server.reminders.feedback_rule import feedback_unanswered
from server.reminders.kinds import ReminderRule
from server.reminders.recipients import load_recipients
from server.reminders.rules import (
    Rule,
    Scene,
    department_completion,
    employee_completion,
    manager_evaluation,
    plan_submission,
    self_evaluation,
    sync_failed,
)
from server.reminders.settings import load_thresholds

log = logging.getLogger("jixiao.reminders")

# Reminders follow dates and thresholds, not seconds: a tenant's rules run at most this
# often from the scheduler (outbox events still run them at once).
MIN_SPACING = timedelta(minutes=5)

RULES: dict[ReminderRule, Rule] = {
    ReminderRule.DEPARTMENT_COMPLETION: department_completion,
    ReminderRule.EMPLOYEE_COMPLETION: employee_completion,
    ReminderRule.PLAN_SUBMISSION: plan_submission,
    ReminderRule.SELF_EVALUATION: self_evaluation,
    ReminderRule.MANAGER_EVALUATION: manager_evaluation,
    ReminderRule.FEEDBACK_UNANSWERED: feedback_unanswered,
    ReminderRule.SYNC_FAILED: sync_failed,
}


async def evaluate(company_id: UUID, zone: str, now: datetime) -> list[Notice]:
    """Every notice the tenant's enabled rules answer now (nothing stored)."""
    thresholds = await load_thresholds(company_id)
    scene = Scene(
        company_id,
        thresholds,
        await load_recipients(company_id),
        now,
        now.astimezone(ZoneInfo(zone or "UTC")).date(),
    )
    notices: list[Notice] = []
    for rule, find in RULES.items():
        if not thresholds.enabled(rule):
            continue
        try:
            notices += await find(scene)
        except Exception:  # one broken rule must not silence the others
            log.exception("reminder rule %s failed for company %s", rule.value, company_id)
    return notices


async def unsent(company_id: UUID, notices: list[Notice]) -> list[Notice]:
    """The notices not stored yet, read in one statement over their rules and periods (a
    handful per run), so that a re-run sends ``notify`` nothing. Only a shortcut: ``notify``'s
    unique key still decides when a concurrent run stored one meanwhile."""
    if not notices:
        return []
    stored = await Notification.filter(
        company_id=company_id,
        rule__in=sorted({str(n.rule) for n in notices}),
        period__in=sorted({n.period for n in notices}),
    ).values_list("rule", "subject", "period", "stage", "recipient_id")
    seen = {(r, s, p, st, str(who)) for r, s, p, st, who in stored}
    return [
        n
        for n in notices
        if (str(n.rule), n.subject, n.period, str(n.stage), str(n.recipient_id)) not in seen
    ]


async def run_company(
    company_id: UUID,
    now: datetime | None = None,
    *,
    not_since: datetime | None = None,
    lease_row_exists: bool = False,
) -> int | None:
    """Run the tenant's rules once; the number of notifications added, or None when another
    run holds the tenant (or, with ``not_since``, one started at or after that moment: a
    tick's run already done elsewhere, or a run that already saw an event's change)."""
    now = now or datetime.now(UTC)
    company = await Company.get_or_none(id=company_id).only("id", "timezone")
    if company is None:
        return None
    if not lease_row_exists:  # the scheduler made every tenant's row already
        await lease.ensure_rows([company_id])
    holder = lease.new_holder()
    if not await lease.take(company_id, holder, now, not_since):
        return None
    written = 0
    try:
        found = await evaluate(company_id, company.timezone, now)
        written = await notify(company_id, await unsent(company_id, found))
    finally:
        await lease.release(company_id, holder, written)
    return written


def tick_spacing(tick_seconds: float) -> timedelta:
    """How long after a tenant's run the scheduler runs it again: most of a tick (so that
    several processes ticking at slightly different moments run it once), and at least
    ``MIN_SPACING``."""
    return max(timedelta(seconds=tick_seconds * 0.9), MIN_SPACING)


async def run_due(now: datetime, spacing: timedelta) -> int:
    """The scheduler's step: every tenant not run within ``spacing`` (so several processes
    ticking together run each tenant once); the notifications added."""
    companies = await Company.all().values_list("id", flat=True)
    company_ids = [c if isinstance(c, UUID) else UUID(str(c)) for c in companies]
    await lease.ensure_rows(company_ids)
    total = 0
    for company_id in company_ids:
        try:
            total += (
                await run_company(company_id, now, not_since=now - spacing, lease_row_exists=True)
                or 0
            )
        except Exception:  # one tenant's failure must not keep the others waiting
            log.exception("reminders for company %s failed", company_id)
    return total
