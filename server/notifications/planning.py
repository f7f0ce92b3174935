"""Which deliveries a new notification gets: one per channel the tenant configured and the
recipient keeps on, now (immediate) or at the next digest hour in the tenant's time zone.

Written in the transaction that stores the notification, so a notification and its
deliveries commit together: none is lost between storing and sending.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from server.models import (
    ChannelConfig,
    Company,
    Employee,
    Notification,
    NotificationDelivery,
    NotificationPreference,
)
from server.notifications.vocabulary import DeliveryMode, NotificationChannel

CHUNK = 500
# A person without a preference row for a channel the tenant configured.
DEFAULT_ENABLED = True
DEFAULT_MODE = DeliveryMode.IMMEDIATE
# Channels that need the person's own address (the robots post to the tenant's group).
NEEDS_EMAIL = frozenset({NotificationChannel.EMAIL})


def next_digest(now: datetime, timezone: str, hour: int) -> datetime:
    """The next ``hour``:00 in ``timezone`` strictly after ``now`` (tz-aware, as UTC)."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    day = local.date()
    while True:
        candidate = datetime.combine(day, time(hour), zone)
        if candidate > local:
            return candidate.astimezone(now.tzinfo)
        day += timedelta(days=1)


async def _chunked_values(
    model: type[NotificationPreference] | type[Employee],
    key: str,
    ids: Sequence[UUID],
    *fields: str,
) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    for start in range(0, len(ids), CHUNK):
        found += await model.filter(**{f"{key}__in": list(ids[start : start + CHUNK])}).values(
            *fields
        )
    return found


async def plan_deliveries(
    company_id: UUID, notifications: Iterable[Notification], now: datetime
) -> int:
    """Write the deliveries of freshly stored ``notifications``; how many were written."""
    rows = list(notifications)
    if not rows:
        return 0
    configs = await ChannelConfig.filter(company_id=company_id, enabled=True)
    if not configs:
        return 0
    company = await Company.get(id=company_id).only("id", "timezone")
    recipients = sorted({row.recipient_id for row in rows})
    preferences = {
        (UUID(str(p["employee_id"])), str(p["channel"])): p
        for p in await _chunked_values(
            NotificationPreference,
            "employee_id",
            recipients,
            "employee_id",
            "channel",
            "enabled",
            "mode",
        )
    }
    emails = {
        UUID(str(e["id"])): str(e["email"] or "")
        for e in await _chunked_values(Employee, "id", recipients, "id", "email")
    }
    deliveries: list[NotificationDelivery] = []
    for config in configs:
        channel = NotificationChannel(config.channel)
        digest_at = next_digest(now, company.timezone, config.digest_hour)
        for row in rows:
            preference = preferences.get((row.recipient_id, channel.value))
            enabled = bool(preference["enabled"]) if preference else DEFAULT_ENABLED
            mode = DeliveryMode(str(preference["mode"])) if preference else DEFAULT_MODE
            if not enabled or (channel in NEEDS_EMAIL and not emails.get(row.recipient_id)):
                continue
            deliveries.append(
                NotificationDelivery(
                    id=uuid.uuid4(),
                    company_id=company_id,
                    notification_id=row.id,
                    recipient_id=row.recipient_id,
                    channel=channel.value,
                    mode=mode.value,
                    next_attempt_at=now if mode is DeliveryMode.IMMEDIATE else digest_at,
                    created_at=now,
                    updated_at=now,
                )
            )
    await NotificationDelivery.bulk_create(deliveries, batch_size=CHUNK, ignore_conflicts=True)
    return len(deliveries)
