"""GraphQL types of notifications, preferences, channel settings and deliveries."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.types import Info

from schema import ids
from schema.notifications.enums import (
    DeliveryMode,
    DeliveryState,
    NotificationChannel,
    NotificationKind,
    NotificationLanguage,
)
from schema.paging import page_info
from server import models
from server.notifications import rendering
from server.notifications.config import ChannelView
from server.notifications.preferences import Preferences
from server.paging import Page


@strawberry.type(description="One reminder or alert for the caller.")
class Notification:
    id: strawberry.ID
    kind: NotificationKind
    rule: str = strawberry.field(description="The rule that raised it, e.g. eval_due.")
    subject: str = strawberry.field(description="What it is about, as the rule names it.")
    period: str
    stage: str = strawberry.field(description="e.g. due_in_3_days, due_today, overdue.")
    message_key: str
    created_at: datetime
    read_at: datetime | None
    row: strawberry.Private[models.Notification]

    @classmethod
    def of(cls, row: models.Notification) -> Notification:
        return cls(
            id=strawberry.ID(ids.encode("Notification", row.id)),
            kind=NotificationKind(row.kind),
            rule=row.rule,
            subject=row.subject,
            period=row.period,
            stage=row.stage,
            message_key=row.message_key,
            created_at=row.created_at,
            read_at=row.read_at,
            row=row,
        )

    @strawberry.field(description="The message in the language of the request.")
    def message(self, info: Info) -> str:
        return rendering.text_of(self.row, info.context.lang)


@strawberry.type
class NotificationEdge:
    cursor: str
    node: Notification


@strawberry.type(description="A page of notifications, newest first; `first` is capped at 100.")
class NotificationConnection:
    edges: list[NotificationEdge]
    page_info: relay.PageInfo
    unread_count: int

    @classmethod
    def of(cls, page: Page[models.Notification], unread: int) -> NotificationConnection:
        edges = [
            NotificationEdge(cursor=c, node=Notification.of(r))
            for r, c in zip(page.rows, page.cursors, strict=True)
        ]
        return cls(
            edges=edges, page_info=page_info(page.cursors, page.has_next), unread_count=unread
        )


@strawberry.type(description="One channel of one's preferences.")
class ChannelPreference:
    channel: NotificationChannel
    enabled: bool
    mode: DeliveryMode


@strawberry.type(description="How the caller wants to hear of his notifications.")
class NotificationPreferences:
    language: NotificationLanguage
    channels: list[ChannelPreference]

    @classmethod
    def of(cls, found: Preferences) -> NotificationPreferences:
        return cls(
            language=found.language,
            channels=[
                ChannelPreference(channel=c.channel, enabled=c.enabled, mode=c.mode)
                for c in found.channels
            ],
        )


@strawberry.type
class ChannelSetting:
    name: str
    value: str


@strawberry.type(
    description="A channel's settings for the tenant; secrets are never shown, only which are set."
)
class NotificationChannelConfig:
    channel: NotificationChannel
    configured: bool
    enabled: bool
    settings: list[ChannelSetting]
    secrets_set: list[str]
    digest_hour: int = strawberry.field(
        description="Daily digests go out at this hour, 0-23, in the company's time zone."
    )

    @classmethod
    def of(cls, view: ChannelView) -> NotificationChannelConfig:
        return cls(
            channel=view.channel,
            configured=view.configured,
            enabled=view.enabled,
            settings=[
                ChannelSetting(name=k, value=str(v).lower() if isinstance(v, bool) else str(v))
                for k, v in sorted(view.settings.items())
            ],
            secrets_set=list(view.secrets_set),
            digest_hour=view.digest_hour,
        )


@strawberry.type(description="One notification's delivery on one channel.")
class NotificationDelivery:
    id: strawberry.ID
    notification_id: strawberry.ID
    recipient_id: strawberry.ID
    channel: NotificationChannel
    mode: DeliveryMode
    state: DeliveryState
    attempts: int
    next_attempt_at: datetime
    last_error: str = strawberry.field(description="Why the last attempt failed (redacted).")
    sent_at: datetime | None
    updated_at: datetime

    @classmethod
    def of(cls, row: models.NotificationDelivery) -> NotificationDelivery:
        return cls(
            id=strawberry.ID(ids.encode("NotificationDelivery", row.id)),
            notification_id=strawberry.ID(ids.encode("Notification", row.notification_id)),
            recipient_id=strawberry.ID(ids.encode("Employee", row.recipient_id)),
            channel=NotificationChannel(row.channel),
            mode=DeliveryMode(row.mode),
            state=DeliveryState(row.state),
            attempts=row.attempts,
            next_attempt_at=row.next_attempt_at,
            last_error=row.last_error,
            sent_at=row.sent_at,
            updated_at=row.updated_at,
        )


@strawberry.type
class NotificationDeliveryEdge:
    cursor: str
    node: NotificationDelivery


@strawberry.type(description="A page of deliveries, most recent first; `first` is capped at 100.")
class NotificationDeliveryConnection:
    edges: list[NotificationDeliveryEdge]
    page_info: relay.PageInfo

    @classmethod
    def of(cls, page: Page[models.NotificationDelivery]) -> NotificationDeliveryConnection:
        edges = [
            NotificationDeliveryEdge(cursor=c, node=NotificationDelivery.of(r))
            for r, c in zip(page.rows, page.cursors, strict=True)
        ]
        return cls(edges=edges, page_info=page_info(page.cursors, page.has_next))
