"""Delivering notifications through the real channel plugins: immediate against daily
digest, the recipient's language, a failure retried with backoff, and exactly one message
per (notification, channel) with two workers at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from server.models import Employee
from server.notifications.store import notify
from server.notifications.worker import BACKOFF
from tests.plugins.channel_servers import Mailbox, Robot, robot_server, smtp_server
from tests.schema.notifications.support import (
    deliveries,
    notice,
    person,
    set_channel,
    set_preferences,
    worker,
)

KEY = "robot-key-0d9c8b7a6f"


async def test_immediate_goes_at_once_and_a_digest_once_a_day(
    api: Any, db: Any, make_company: Any
) -> None:
    sandbox = await make_company()
    robot = Robot("key", KEY)
    staff, mgr = person(sandbox, "staff"), person(sandbox, "mgr")
    async with robot_server(robot, "/cgi-bin/webhook/send") as url:
        await set_channel(api, sandbox, "WECOM", secrets={"webhook_url": url})
        await set_preferences(
            api, sandbox, "mgr", channels=[{"channel": "WECOM", "mode": "DAILY_DIGEST"}]
        )
        await set_preferences(api, sandbox, "staff", language="EN")
        notices = [
            notice(who, stage, subject=f"evaluation-{n}")
            for n, who in enumerate((staff, mgr))
            for stage in ("due_in_3_days", "due_today")
        ]
        assert await notify(sandbox.company_id, notices) == 4
        now = datetime.now(UTC)
        await worker(api).run_once(now)
        # staff: two immediate messages, in English; mgr: nothing yet
        mobiles = [r["text"]["mentioned_mobile_list"] for r in robot.received]
        staff_phone = (await Employee.get(id=staff)).phone
        mgr_phone = (await Employee.get(id=mgr)).phone
        assert mobiles == [[staff_phone], [staff_phone]]
        assert all("Q4 自评 is due." in r["text"]["content"] for r in robot.received)
        assert robot.received[0]["text"]["content"].startswith("Jixiao reminder: ")

        tomorrow = now + timedelta(days=1)
        await worker(api).run_once(tomorrow)
        await worker(api).run_once(tomorrow + timedelta(hours=1))  # once a day, not again
    digests = robot.received[2:]
    assert len(digests) == 1
    content = digests[0]["text"]["content"]
    assert digests[0]["text"]["mentioned_mobile_list"] == [mgr_phone]
    # in Chinese (no language chosen): the subject counts them, one line each
    assert content.startswith("绩效系统：今日 2 条通知")
    assert content.count("Q4 自评 即将到期。") == 2
    rows = await deliveries(sandbox.company_id)
    assert sorted((r.mode, r.state, r.attempts) for r in rows) == [
        ("daily_digest", "sent", 1),
        ("daily_digest", "sent", 1),
        ("immediate", "sent", 1),
        ("immediate", "sent", 1),
    ]
    digest_due = {r.next_attempt_at for r in rows if r.mode == "daily_digest"}
    assert len(digest_due) == 1  # both rows of the day share one digest time
    (due,) = digest_due
    assert due.astimezone(UTC).minute == 0 and (due.astimezone(UTC).hour + 8) % 24 == 9


async def test_a_channel_turned_off_gets_no_delivery(api: Any, db: Any, make_company: Any) -> None:
    sandbox = await make_company()
    await set_channel(
        api,
        sandbox,
        "EMAIL",
        settings={"host": "127.0.0.1", "port": "2525", "from_address": "j@example.com"},
    )
    await set_preferences(api, sandbox, "staff", channels=[{"channel": "EMAIL", "enabled": False}])
    staff, mgr = person(sandbox, "staff"), person(sandbox, "mgr")
    await notify(sandbox.company_id, [notice(staff), notice(mgr)])
    rows = await deliveries(sandbox.company_id)
    assert [(r.recipient_id, r.channel) for r in rows] == [(mgr, "email")]


async def test_smtp_failure_is_retried_with_backoff(api: Any, db: Any, make_company: Any) -> None:
    sandbox = await make_company()
    mailbox = Mailbox(refuse=1)
    async with smtp_server(mailbox) as port:
        await set_channel(
            api,
            sandbox,
            "EMAIL",
            settings={"host": "127.0.0.1", "port": str(port), "from_address": "j@example.com"},
        )
        await notify(sandbox.company_id, [notice(person(sandbox, "staff"))])
        now = datetime.now(UTC)
        await worker(api).run_once(now)
        (row,) = await deliveries(sandbox.company_id)
        assert (row.state, row.attempts) == ("pending", 1)
        assert "550" in row.last_error
        assert row.next_attempt_at == now + BACKOFF
        await worker(api).run_once(now + BACKOFF / 2)  # not due yet
        assert mailbox.messages == []
        await worker(api).run_once(now + BACKOFF)
    (row,) = await deliveries(sandbox.company_id)
    assert (row.state, row.attempts, row.last_error) == ("sent", 2, "")
    ((_, recipients, mail),) = mailbox.messages
    assert recipients == [f"staff@{sandbox.slug}.example.com"]
    assert mail["Subject"].startswith("绩效提醒: ")


async def test_two_workers_send_each_delivery_once(api: Any, db: Any, make_company: Any) -> None:
    sandbox = await make_company()
    robot = Robot("key", KEY)
    async with robot_server(robot, "/cgi-bin/webhook/send") as url:
        await set_channel(api, sandbox, "WECOM", secrets={"webhook_url": url})
        staff = person(sandbox, "staff")
        await notify(sandbox.company_id, [notice(staff, subject=f"e-{i}") for i in range(12)])
        now = datetime.now(UTC)
        await asyncio.gather(worker(api).run_once(now), worker(api).run_once(now))
        await asyncio.gather(worker(api).run_once(now), worker(api).run_once(now))
    assert len(robot.received) == 12
    rows = await deliveries(sandbox.company_id)
    assert {(r.state, r.attempts) for r in rows} == {("sent", 1)}
