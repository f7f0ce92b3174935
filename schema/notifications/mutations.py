"""Changes to notifications: marking one's own read, one's preferences; the tenant admin's
channel settings and retries. Parsed here, decided in server/notifications."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from schema import ids
from schema.notifications.enums import DeliveryMode, NotificationChannel, NotificationLanguage
from schema.notifications.types import (
    NotificationChannelConfig,
    NotificationDelivery,
    NotificationPreferences,
)
from schema.permissions import AUTH
from server.notifications import config, failures, inbox, preferences

PATCH = "Omitted fields keep their saved values."


@strawberry.input(description=PATCH)
class ChannelPreferenceInput:
    channel: NotificationChannel
    enabled: bool | None = None
    mode: DeliveryMode | None = None


@strawberry.input(description=PATCH + " Channels not listed keep theirs.")
class NotificationPreferencesInput:
    language: NotificationLanguage | None = None
    channels: list[ChannelPreferenceInput] = strawberry.field(default_factory=list)


@strawberry.input
class ChannelSettingInput:
    name: str
    value: str


@strawberry.input(
    description=PATCH + " Settings and secrets listed replace the saved ones; an empty secret "
    "removes it. Secrets are stored sealed and never shown again."
)
class NotificationChannelInput:
    channel: NotificationChannel
    enabled: bool | None = None
    settings: list[ChannelSettingInput] = strawberry.field(default_factory=list)
    secrets: list[ChannelSettingInput] = strawberry.field(default_factory=list)
    digest_hour: int | None = None


@strawberry.type
class NotificationMutation:
    @strawberry.mutation(
        permission_classes=AUTH,
        description="Mark the caller's notifications read: those of `ids`, or with `all` "
        "every one; how many changed.",
    )
    async def mark_notifications_read(
        self,
        info: Info,
        ids_: Annotated[list[strawberry.ID] | None, strawberry.argument(name="ids")] = None,
        all: bool = False,
    ) -> int:
        wanted = None if ids_ is None else [ids.decode(i, "Notification", "ids") for i in ids_]
        return await inbox.mark_read(info.context.actor, wanted, all)

    @strawberry.mutation(permission_classes=AUTH, description="Change the caller's preferences.")
    async def update_notification_preferences(
        self, info: Info, input: NotificationPreferencesInput
    ) -> NotificationPreferences:
        patch = preferences.PreferencesPatch(
            language=input.language,
            channels=tuple(
                preferences.ChannelPatch(c.channel, c.enabled, c.mode) for c in input.channels
            ),
        )
        found = await preferences.update_preferences(info.context.actor, patch)
        return NotificationPreferences.of(found)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="Set up a notification channel for the tenant (tenant admin).",
    )
    async def update_notification_channel(
        self, info: Info, input: NotificationChannelInput
    ) -> NotificationChannelConfig:
        update = config.ChannelUpdate(
            channel=input.channel,
            enabled=input.enabled,
            settings={s.name: s.value for s in input.settings},
            secrets={s.name: s.value for s in input.secrets},
            digest_hour=input.digest_hour,
        )
        context = info.context
        view = await config.update_channel(context.actor, context.runtime.engine.box, update)
        return NotificationChannelConfig.of(view)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="Send failed deliveries again, now, with fresh retries (tenant admin).",
    )
    async def retry_notification_deliveries(
        self, info: Info, ids_: Annotated[list[strawberry.ID], strawberry.argument(name="ids")]
    ) -> list[NotificationDelivery]:
        wanted = [ids.decode(i, "NotificationDelivery", "ids") for i in ids_]
        rows = await failures.retry_deliveries(info.context.actor, wanted)
        return [NotificationDelivery.of(r) for r in rows]
