"""Shared set-up for notification tests: sandbox people's ids, notices, channel configs."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from schema.ids import decode
from server.models import NotificationDelivery
from server.notifications.store import Notice
from server.notifications.worker import DeliveryWorker


def person(sandbox: Any, local: str) -> UUID:
    return decode(sandbox.ids[local], "Employee")


def notice(recipient: UUID, stage: str = "due_today", **overrides: Any) -> Notice:
    values: dict[str, Any] = {
        "recipient_id": recipient,
        "rule": "eval_due",
        "subject": "evaluation-1",
        "period": "2026-12",
        "stage": stage,
        "message_key": "notifications.test_due",
        "params": {"name": "Q4 自评"},
    }
    values.update(overrides)
    return Notice(**values)


UPDATE_CHANNEL = """
mutation SetChannel($i: NotificationChannelInput!) {
  updateNotificationChannel(input: $i) {
    channel configured enabled settings { name value } secretsSet digestHour
  }
}
"""
UPDATE_PREFERENCES = """
mutation SetPreferences($i: NotificationPreferencesInput!) {
  updateNotificationPreferences(input: $i) { language channels { channel enabled mode } }
}
"""


async def set_channel(
    api: Any,
    sandbox: Any,
    channel: str,
    settings: dict[str, str] | None = None,
    secrets: dict[str, str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The tenant admin sets up (and enables) a channel; returns the answer."""
    data = {
        "channel": channel,
        "enabled": True,
        "settings": [{"name": k, "value": v} for k, v in (settings or {}).items()],
        "secrets": [{"name": k, "value": v} for k, v in (secrets or {}).items()],
        **extra,
    }
    found = await api.gql(UPDATE_CHANNEL, {"i": data}, as_user=sandbox.user("admin"))
    assert "errors" not in found, found
    return dict(found["data"]["updateNotificationChannel"])


async def set_preferences(api: Any, sandbox: Any, local: str, **data: Any) -> dict[str, Any]:
    found = await api.gql(UPDATE_PREFERENCES, {"i": data}, as_user=sandbox.user(local))
    assert "errors" not in found, found
    return dict(found["data"]["updateNotificationPreferences"])


def worker(api: Any, manager: Any = None) -> DeliveryWorker:
    runtime = api.runtime
    return DeliveryWorker(runtime.db, manager or runtime.plugins.manager, runtime.engine.box)


async def deliveries(company_id: UUID) -> list[NotificationDelivery]:
    return await NotificationDelivery.filter(company_id=company_id).order_by("created_at", "id")
