"""A plugin that hears what the outbox hands to plugins: changed facts, notifications."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from plugins import hookimpl
from plugins.notifications import Notification

heard: list[tuple[str, Any]] = []


@hookimpl
def jixiao_facts_changed(
    event_id: int, company_id: UUID, metrics: frozenset[str], start: date, end: date
) -> None:
    heard.append(("facts", (event_id, company_id, metrics, start, end)))


@hookimpl
async def jixiao_deliver_notification(notification: Notification) -> bool | None:
    if notification.channel != "sample":
        return None
    heard.append(("notification", notification))
    return True
