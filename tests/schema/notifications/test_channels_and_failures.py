"""The tenant admin's side: channel settings (secrets sealed and never shown, in answers,
errors, the audit log or the logs), failed deliveries and their retry; and one's own
preferences. Each by policy, each audited."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pluggy
import pytest

from plugins import hookimpl, hookspecs
from plugins.notifications import Notification
from server.models import AuditEntry, ChannelConfig
from server.notifications.store import notify
from server.notifications.worker import MAX_ATTEMPTS, backoff
from tests.plugins.channel_servers import Robot, robot_server
from tests.schema.notifications.support import (
    UPDATE_CHANNEL,
    deliveries,
    notice,
    person,
    set_channel,
    set_preferences,
    worker,
)

TOKEN = "tok-5e4d3c2b1a0f9e8d"
SECRET = "SEC-known-secret-7c6b5a49"
CHANNELS = "query Channels { notificationChannels { channel configured enabled secretsSet settings { name value } } }"
FAILED = """
query Failed { failedNotificationDeliveries(first: 10) {
  edges { node { id channel state attempts lastError recipientId } } } }
"""
RETRY = "mutation Retry($ids: [ID!]!) { retryNotificationDeliveries(ids: $ids) { state attempts } }"
PREFS = "query Prefs { myNotificationPreferences { language channels { channel enabled mode } } }"


class Leaky:
    """A careless channel plugin: its error repeats the webhook URL and the secret."""

    @hookimpl
    def jixiao_deliver_notification(self, notification: Notification) -> bool:
        settings = notification.settings
        raise RuntimeError(
            f"cannot post to {settings['webhook_url']} signed with {settings['secret']}"
        )


def leaky_manager() -> pluggy.PluginManager:
    manager = pluggy.PluginManager("jixiao")
    manager.add_hookspecs(hookspecs)
    manager.register(Leaky())
    return manager


async def test_secrets_never_leak(
    api: Any, db: Any, make_company: Any, caplog: pytest.LogCaptureFixture
) -> None:
    sandbox = await make_company()
    url = f"http://127.0.0.1:9/robot/send?access_token={TOKEN}"
    answer = await set_channel(
        api, sandbox, "DINGTALK", secrets={"webhook_url": url, "secret": SECRET}
    )
    assert answer["secretsSet"] == ["secret", "webhook_url"]
    listed = await api.gql(CHANNELS, as_user=sandbox.user("admin"))
    bad = await api.gql(
        UPDATE_CHANNEL,
        {
            "i": {
                "channel": "DINGTALK",
                "secrets": [{"name": "webhook_url", "value": f"ftp://x/{SECRET}"}],
            }
        },
        as_user=sandbox.user("admin"),
    )
    assert bad["errors"][0]["extensions"]["reason"] == "NOTIFICATION_BAD_URL"
    unknown = await api.gql(
        UPDATE_CHANNEL,
        {"i": {"channel": "DINGTALK", "secrets": [{"name": "password", "value": SECRET}]}},
        as_user=sandbox.user("admin"),
    )
    assert unknown["errors"][0]["extensions"]["reason"] == "NOTIFICATION_CHANNEL_SETTING"
    row = await ChannelConfig.get(company_id=sandbox.company_id, channel="dingtalk")
    assert SECRET not in row.sealed_secrets and TOKEN not in json.dumps(row.settings)

    await notify(sandbox.company_id, [notice(person(sandbox, "staff"))])
    caplog.set_level(logging.DEBUG)
    now = datetime.now(UTC)
    for attempt in range(MAX_ATTEMPTS):
        await worker(api, leaky_manager()).run_once(now)
        now += backoff(attempt + 1)
    (delivery,) = await deliveries(sandbox.company_id)
    assert delivery.state == "failed" and "***" in delivery.last_error
    failed = await api.gql(FAILED, as_user=sandbox.user("admin"))
    entries = await AuditEntry.filter(company_id=sandbox.company_id).values("before", "after")
    seen = json.dumps([answer, listed, bad, unknown, failed, entries], ensure_ascii=False)
    seen += delivery.last_error + caplog.text
    assert "cannot post to ***" in caplog.text  # logged, redacted
    for secret in (SECRET, TOKEN, url):
        assert secret not in seen
    assert (
        "RuntimeError: cannot post to ***"
        in failed["data"]["failedNotificationDeliveries"]["edges"][0]["node"]["lastError"]
    )


async def test_failed_deliveries_are_the_admins_to_see_and_retry(
    api: Any, db: Any, make_company: Any
) -> None:
    sandbox = await make_company()
    stranger = await make_company()
    robot = Robot("key", TOKEN, failures=MAX_ATTEMPTS)
    async with robot_server(robot, "/cgi-bin/webhook/send") as url:
        await set_channel(api, sandbox, "WECOM", secrets={"webhook_url": url})
        await notify(sandbox.company_id, [notice(person(sandbox, "staff"))])
        now = datetime.now(UTC)
        for attempt in range(1, MAX_ATTEMPTS + 1):
            await worker(api).run_once(now)
            (row,) = await deliveries(sandbox.company_id)
            assert row.attempts == attempt
            now += backoff(attempt)
        assert row.state == "failed" and "45009" in row.last_error
        await worker(api).run_once(now + timedelta(days=2))  # given up: not tried again
        assert len(robot.received) == MAX_ATTEMPTS

        failed = await api.gql(FAILED, as_user=sandbox.user("admin"))
        (edge,) = failed["data"]["failedNotificationDeliveries"]["edges"]
        assert edge["node"]["channel"] == "WECOM" and edge["node"]["state"] == "FAILED"
        for user in (sandbox.user("staff"), sandbox.user("gm")):
            refused = await api.gql(FAILED, as_user=user)
            assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
            refused = await api.gql(RETRY, {"ids": [edge["node"]["id"]]}, as_user=user)
            assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        outsider = await api.gql(
            RETRY, {"ids": [edge["node"]["id"]]}, as_user=stranger.user("admin")
        )
        assert outsider["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        assert (await api.gql(FAILED, as_user=stranger.user("admin")))["data"][
            "failedNotificationDeliveries"
        ]["edges"] == []

        retried = await api.gql(RETRY, {"ids": [edge["node"]["id"]]}, as_user=sandbox.user("admin"))
        assert retried["data"]["retryNotificationDeliveries"] == [
            {"state": "PENDING", "attempts": 0}
        ]
        again = await api.gql(RETRY, {"ids": [edge["node"]["id"]]}, as_user=sandbox.user("admin"))
        assert again["errors"][0]["extensions"]["reason"] == "NOTIFICATION_RETRY_STATE"
        await worker(api).run_once(datetime.now(UTC))
    (row,) = await deliveries(sandbox.company_id)
    assert (row.state, row.attempts) == ("sent", 1)
    assert len(robot.received) == MAX_ATTEMPTS + 1
    assert (
        await AuditEntry.filter(
            company_id=sandbox.company_id, action="notification_delivery.retry"
        ).count()
        == 1
    )


async def test_channels_are_the_tenant_admins(api: Any, db: Any, make_company: Any) -> None:
    sandbox = await make_company()
    for user in ("staff", "gm", "perf"):
        refused = await api.gql(CHANNELS, as_user=sandbox.user(user))
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN", user
    missing = await api.gql(
        UPDATE_CHANNEL, {"i": {"channel": "EMAIL", "enabled": True}}, as_user=sandbox.user("admin")
    )
    assert missing["errors"][0]["extensions"]["reason"] == "NOTIFICATION_CHANNEL_REQUIRED"
    zh = await api.gql(
        UPDATE_CHANNEL,
        {"i": {"channel": "EMAIL", "digestHour": 24}},
        as_user=sandbox.user("admin"),
        lang="zh",
    )
    assert zh["errors"][0]["extensions"]["reason"] == "NOTIFICATION_DIGEST_HOUR"
    assert "摘要" in zh["errors"][0]["message"]
    saved = await set_channel(
        api,
        sandbox,
        "EMAIL",
        settings={
            "host": "smtp.example.com",
            "port": "587",
            "starttls": "true",
            "from_address": "j@example.com",
        },
        digestHour=18,
    )
    assert saved["settings"] == [
        {"name": "from_address", "value": "j@example.com"},
        {"name": "host", "value": "smtp.example.com"},
        {"name": "port", "value": "587"},
        {"name": "starttls", "value": "true"},
    ]
    assert saved["digestHour"] == 18
    patched = await api.gql(
        UPDATE_CHANNEL, {"i": {"channel": "EMAIL", "enabled": False}}, as_user=sandbox.user("admin")
    )
    assert patched["data"]["updateNotificationChannel"]["enabled"] is False
    assert len(patched["data"]["updateNotificationChannel"]["settings"]) == 4  # kept
    actions = await AuditEntry.filter(
        company_id=sandbox.company_id, action="notification_channel.update"
    ).count()
    assert actions == 2


async def test_preferences_are_ones_own_patch(api: Any, db: Any, make_company: Any) -> None:
    sandbox = await make_company()
    default = await api.gql(PREFS, as_user=sandbox.user("staff"))
    assert default["data"]["myNotificationPreferences"] == {
        "language": "ZH",
        "channels": [
            {"channel": c, "enabled": True, "mode": "IMMEDIATE"}
            for c in ("EMAIL", "WECOM", "DINGTALK")
        ],
    }
    await set_preferences(
        api, sandbox, "staff", channels=[{"channel": "EMAIL", "mode": "DAILY_DIGEST"}]
    )
    changed = await set_preferences(
        api, sandbox, "staff", language="EN", channels=[{"channel": "WECOM", "enabled": False}]
    )
    assert changed == {
        "language": "EN",
        "channels": [
            {"channel": "EMAIL", "enabled": True, "mode": "DAILY_DIGEST"},
            {"channel": "WECOM", "enabled": False, "mode": "IMMEDIATE"},
            {"channel": "DINGTALK", "enabled": True, "mode": "IMMEDIATE"},
        ],
    }
    others = await api.gql(PREFS, as_user=sandbox.user("mgr"))
    assert others["data"]["myNotificationPreferences"]["language"] == "ZH"  # his own untouched
    empty = await api.gql(
        "mutation Empty { updateNotificationPreferences(input: {}) { language } }",
        as_user=sandbox.user("staff"),
    )
    assert empty["errors"][0]["extensions"]["reason"] == "NOTHING_TO_UPDATE"
    entries = await AuditEntry.filter(
        company_id=sandbox.company_id, action="notification_preferences.update"
    ).order_by("created_at")
    assert entries[-1].after == {"language": "en", "wecom": {"enabled": False, "mode": "immediate"}}
