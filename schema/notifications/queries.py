"""Reads of notifications: one's own, one's preferences; the tenant admin's channels and
failed deliveries. Each decided in server/notifications."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from schema.notifications.types import (
    NotificationChannelConfig,
    NotificationConnection,
    NotificationDeliveryConnection,
    NotificationPreferences,
)
from schema.permissions import AUTH
from server.notifications import config, failures, inbox, preferences


@strawberry.type
class NotificationQuery:
    @strawberry.field(
        permission_classes=AUTH,
        description="The caller's own notifications, newest first (only unread ones with "
        "`unreadOnly`).",
    )
    async def notifications(
        self, info: Info, unread_only: bool = False, first: int = 20, after: str | None = None
    ) -> NotificationConnection:
        actor = info.context.actor
        page = await inbox.list_notifications(
            actor, unread_only=unread_only, first=first, after=after
        )
        return NotificationConnection.of(page, await inbox.unread_count(actor))

    @strawberry.field(
        permission_classes=AUTH,
        description="The caller's channels (on or off, immediate or daily digest) and language.",
    )
    async def my_notification_preferences(self, info: Info) -> NotificationPreferences:
        return NotificationPreferences.of(await preferences.my_preferences(info.context.actor))

    @strawberry.field(
        permission_classes=AUTH,
        description="The tenant's notification channels (tenant admin); secrets never shown.",
    )
    async def notification_channels(self, info: Info) -> list[NotificationChannelConfig]:
        context = info.context
        views = await config.list_channels(context.actor, context.runtime.engine.box)
        return [NotificationChannelConfig.of(v) for v in views]

    @strawberry.field(
        permission_classes=AUTH,
        description="Deliveries that failed after their retries (tenant admin), most recent first.",
    )
    async def failed_notification_deliveries(
        self, info: Info, first: int = 50, after: str | None = None
    ) -> NotificationDeliveryConnection:
        page = await failures.failed_deliveries(info.context.actor, first=first, after=after)
        return NotificationDeliveryConnection.of(page)
