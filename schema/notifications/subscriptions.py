"""The caller's new notifications, as they are stored (from the outbox)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

import strawberry
from strawberry.types import Info

from schema.notifications.types import Notification
from schema.permissions import AUTH
from server.notifications.inbox import notifications_added


@strawberry.type
class NotificationSubscription:
    @strawberry.subscription(
        permission_classes=AUTH,
        description="Each new notification of the caller, as it is stored.",
    )
    async def notification_added(self, info: Info) -> AsyncGenerator[Notification, None]:
        context = info.context
        feed = notifications_added(
            context.runtime.tail, context.actor.caller.company_id, context.reauthorize
        )
        async with aclosing(feed) as rows:
            async for row in rows:
                yield Notification.of(row)
