"""``notify``: once per (company, rule, subject, period, stage, recipient), even when two
callers race; each new row announced on the outbox."""

from __future__ import annotations

import asyncio
from typing import Any

from server.models import Notification, OutboxEvent
from server.notifications.store import notify
from tests.schema.notifications.support import notice, person


async def test_notify_stores_once_and_announces_new_rows(db: Any, make_company: Any) -> None:
    sandbox = await make_company()
    staff, mgr = person(sandbox, "staff"), person(sandbox, "mgr")
    before = await OutboxEvent.filter(company_id=sandbox.company_id).count()

    assert await notify(sandbox.company_id, [notice(staff), notice(staff), notice(mgr)]) == 2
    assert await notify(sandbox.company_id, [notice(staff), notice(staff, "overdue")]) == 1
    assert await notify(sandbox.company_id, []) == 0

    rows = await Notification.filter(company_id=sandbox.company_id).order_by("stage")
    assert sorted((str(r.recipient_id), r.stage) for r in rows) == sorted(
        [(str(staff), "due_today"), (str(mgr), "due_today"), (str(staff), "overdue")]
    )
    events = await OutboxEvent.filter(
        company_id=sandbox.company_id, kind="notification.added", id__gt=before
    )
    assert sorted(e.payload["notification_id"] for e in events) == sorted(str(r.id) for r in rows)
    assert {e.payload["recipient_id"] for e in events} == {str(staff), str(mgr)}


async def test_concurrent_notify_writes_one_row(db: Any, make_company: Any) -> None:
    sandbox = await make_company()
    staff = person(sandbox, "staff")
    batch = [notice(staff, subject=f"evaluation-{i}") for i in range(20)]
    counts = await asyncio.gather(*(notify(sandbox.company_id, batch) for _ in range(4)))
    assert sum(counts) == 20
    assert await Notification.filter(company_id=sandbox.company_id).count() == 20
    added = await OutboxEvent.filter(company_id=sandbox.company_id, kind="notification.added")
    assert len(added) == 20
