"""A person's own notification preferences: per channel on or off, immediate or daily
digest, and the language of his messages. Reading and changing them is the policy's
``notification: set_preferences`` (``self`` by default); a change is a patch, audited."""

from __future__ import annotations

from dataclasses import dataclass, field

from tortoise.transactions import in_transaction

from server.audit import Actor, changed, record
from server.errors import BadInput
from server.models import NotificationPreference, NotificationProfile
from server.notifications.planning import DEFAULT_ENABLED, DEFAULT_MODE
from server.notifications.rendering import DEFAULT_LANGUAGE
from server.notifications.vocabulary import DeliveryMode, NotificationChannel, NotificationLanguage
from server.permissions import NOTIFICATION_SET_PREFERENCES
from server.vocabulary import AuditAction, AuditObjectType


@dataclass(frozen=True)
class ChannelPreference:
    channel: NotificationChannel
    enabled: bool
    mode: DeliveryMode


@dataclass(frozen=True)
class Preferences:
    language: NotificationLanguage
    channels: tuple[ChannelPreference, ...]


@dataclass(frozen=True)
class ChannelPatch:
    channel: NotificationChannel
    enabled: bool | None = None  # None: keep
    mode: DeliveryMode | None = None


@dataclass(frozen=True)
class PreferencesPatch:
    language: NotificationLanguage | None = None
    channels: tuple[ChannelPatch, ...] = field(default_factory=tuple)


def _position(actor: Actor) -> tuple[object, object, None]:
    caller = actor.caller
    return (caller.department_id, caller.employee_id, None)


async def my_preferences(actor: Actor) -> Preferences:
    actor.authz.require(NOTIFICATION_SET_PREFERENCES, _position(actor))
    me = actor.caller.employee_id
    rows = {r.channel: r for r in await NotificationPreference.filter(employee_id=me)}
    profile = await NotificationProfile.get_or_none(employee_id=me)
    channels = tuple(
        ChannelPreference(
            channel,
            rows[channel.value].enabled if channel.value in rows else DEFAULT_ENABLED,
            DeliveryMode(rows[channel.value].mode) if channel.value in rows else DEFAULT_MODE,
        )
        for channel in NotificationChannel
    )
    language = NotificationLanguage(profile.language) if profile else DEFAULT_LANGUAGE
    return Preferences(language, channels)


def _plain(preferences: Preferences) -> dict[str, object]:
    return {
        "language": preferences.language.value,
        **{
            c.channel.value: {"enabled": c.enabled, "mode": c.mode.value}
            for c in preferences.channels
        },
    }


async def update_preferences(actor: Actor, patch: PreferencesPatch) -> Preferences:
    if patch.language is None and not any(
        c.enabled is not None or c.mode is not None for c in patch.channels
    ):
        raise BadInput("nothing_to_update")
    before = await my_preferences(actor)  # checks the policy
    caller = actor.caller
    current = {c.channel: c for c in before.channels}
    async with in_transaction():
        for change in patch.channels:
            now = current[change.channel]
            enabled = now.enabled if change.enabled is None else change.enabled
            mode = now.mode if change.mode is None else change.mode
            # Insert-or-update by the unique (employee, channel): two racing saves keep one row.
            await NotificationPreference.bulk_create(
                [
                    NotificationPreference(
                        company_id=caller.company_id,
                        employee_id=caller.employee_id,
                        channel=change.channel.value,
                        enabled=enabled,
                        mode=mode.value,
                    )
                ],
                on_conflict=["employee_id", "channel"],
                update_fields=["enabled", "mode"],
            )
        if patch.language is not None:
            await NotificationProfile.bulk_create(
                [
                    NotificationProfile(
                        company_id=caller.company_id,
                        employee_id=caller.employee_id,
                        language=patch.language.value,
                    )
                ],
                on_conflict=["employee_id"],
                update_fields=["language"],
            )
        after = await my_preferences(actor)
        old, new = changed(_plain(before), _plain(after))
        await record(
            actor,
            AuditAction.NOTIFICATION_PREFERENCES_UPDATE,
            AuditObjectType.NOTIFICATION_PREFERENCES,
            caller.employee_id,
            before=old,
            after=new,
        )
    return after
