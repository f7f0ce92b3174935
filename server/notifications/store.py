"""``notify``: the one way to store notifications (the reminder rules, alerts).

Each notice is stored once per (company, rule, subject, period, stage, recipient): the
database's unique constraint decides, through one bulk ``INSERT … ON CONFLICT DO NOTHING``,
so a re-run, a restart or a second process racing this one adds no row. Which rows are new
is read back by the ids this call generated (a conflicting row keeps its own id). For each new
row, in the caller's transaction: its deliveries (server.notifications.planning) and a
``NotificationAdded`` outbox event for the recipient's subscription.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from tortoise.transactions import in_transaction

from server.events import NotificationAdded
from server.models import Notification
from server.notifications.planning import plan_deliveries
from server.notifications.vocabulary import NotificationKind
from server.outbox import emit

CHUNK = 500  # rows (and ids read back) per statement, well under every bind-parameter limit


@dataclass(frozen=True)
class Notice:
    recipient_id: UUID  # an Employee id in the company
    rule: str  # e.g. "dept_completion_low", "eval_due", "sync_failed"
    subject: str  # what it is about, e.g. a department/plan/evaluation id as str
    period: str  # e.g. plan id or "2026-11"
    stage: str  # e.g. "due_in_3_days", "due_today", "overdue", "escalated", ""
    message_key: str  # i18n key rendered in the recipient's language
    params: dict[str, str] = field(default_factory=dict)  # message parameters
    kind: NotificationKind = NotificationKind.REMINDER

    @property
    def key(self) -> tuple[str, str, str, str, UUID]:
        return (self.rule, self.subject, self.period, self.stage, self.recipient_id)


async def notify(company_id: UUID, notices: Sequence[Notice]) -> int:
    """Store each notice once per (company, rule, subject, period, stage, recipient) — a DB
    unique constraint, bulk insert ON CONFLICT DO NOTHING — emit a NotificationAdded outbox
    event for each one really inserted (in the caller's transaction), and return how many
    were new. The recipients must be employees of the company (the caller's rules pick them).
    """
    unique = list({notice.key: notice for notice in reversed(notices)}.values())[::-1]
    if not unique:
        return 0
    now = datetime.now(UTC)
    rows = [
        Notification(
            id=uuid.uuid4(),
            company_id=company_id,
            recipient_id=notice.recipient_id,
            kind=NotificationKind(notice.kind).value,
            rule=notice.rule,
            subject=notice.subject,
            period=notice.period,
            stage=notice.stage,
            message_key=notice.message_key,
            params={str(k): str(v) for k, v in notice.params.items()},
            created_at=now,
        )
        for notice in unique
    ]
    async with in_transaction(Notification._meta.default_connection):
        await Notification.bulk_create(rows, batch_size=CHUNK, ignore_conflicts=True)
        ours = [row.id for row in rows]
        inserted: set[UUID] = set()
        for start in range(0, len(ours), CHUNK):
            found = await Notification.filter(id__in=ours[start : start + CHUNK]).values_list(
                "id", flat=True
            )
            inserted |= {v if isinstance(v, UUID) else UUID(str(v)) for v in found}
        new = [row for row in rows if row.id in inserted]
        await plan_deliveries(company_id, new, now)
        # Last: emit takes the outbox's ordering lock until the commit (server.outbox.store).
        await emit(
            *(
                NotificationAdded(
                    company_id=company_id,
                    notification_id=row.id,
                    recipient_id=row.recipient_id,
                    kind=row.kind,
                    rule=row.rule,
                    at=now,
                )
                for row in new
            )
        )
    return len(new)
