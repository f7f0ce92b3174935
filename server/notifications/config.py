"""The tenant's channel settings, for the tenant admin (``notification: configure``).

Secrets are write-only: the API answers only which are set. A change is a patch (settings
and secrets given are replaced, an empty secret removes it), checked against the channel's
spec, audited without any secret value (only the names of the secrets changed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tortoise.transactions import in_transaction

from server.audit import Actor, changed, record
from server.errors import BadInput
from server.models import ChannelConfig
from server.notifications.channels import SPECS, ChannelSpec
from server.notifications.vocabulary import NotificationChannel
from server.permissions import NOTIFICATION_CONFIGURE
from server.secrets import SecretBox
from server.vocabulary import AuditAction, AuditObjectType

DEFAULT_DIGEST_HOUR = 9
MAX_VALUE = 2000


@dataclass(frozen=True)
class ChannelView:
    channel: NotificationChannel
    configured: bool
    enabled: bool
    settings: dict[str, Any]  # clear settings only
    secrets_set: tuple[str, ...]
    digest_hour: int


@dataclass(frozen=True)
class ChannelUpdate:
    channel: NotificationChannel
    enabled: bool | None = None
    settings: dict[str, str] = field(default_factory=dict)  # name -> value as text
    secrets: dict[str, str] = field(default_factory=dict)  # name -> value ("" removes)
    digest_hour: int | None = None


def _view(channel: NotificationChannel, row: ChannelConfig | None, box: SecretBox) -> ChannelView:
    if row is None:
        return ChannelView(channel, False, False, {}, (), DEFAULT_DIGEST_HOUR)
    secrets = box.open(row.sealed_secrets)
    return ChannelView(
        channel,
        True,
        row.enabled,
        dict(row.settings),
        tuple(sorted(k for k, v in secrets.items() if v)),
        row.digest_hour,
    )


async def list_channels(actor: Actor, box: SecretBox) -> list[ChannelView]:
    actor.authz.require(NOTIFICATION_CONFIGURE)
    rows = {r.channel: r for r in await ChannelConfig.filter(company_id=actor.caller.company_id)}
    return [_view(c, rows.get(c.value), box) for c in NotificationChannel]


def _parse(spec: ChannelSpec, channel: NotificationChannel, name: str, text: str) -> Any:
    kind = spec.settings[name]
    field_name = f"settings.{name}"
    if len(text) > MAX_VALUE:
        raise BadInput("too_long", field=field_name, max=MAX_VALUE)
    if kind is bool:
        if text.lower() not in {"true", "false"}:
            raise BadInput("invalid_format", field=field_name, hint="true or false")
        return text.lower() == "true"
    if kind is int:
        if not text.isdigit() or not 0 < int(text) < 65536:
            raise BadInput("invalid_format", field=field_name, hint="a port number")
        return int(text)
    return text


def _check(update: ChannelUpdate, spec: ChannelSpec) -> None:
    channel = update.channel.value
    for name in [*update.settings, *update.secrets]:
        known = spec.settings if name in update.settings else spec.secrets
        if name not in known:
            names = ", ".join(sorted(known)) or "-"
            raise BadInput(
                "notification_channel_setting", field=name, channel=channel, name=name, known=names
            )
    for name, value in update.secrets.items():
        if len(value) > MAX_VALUE:
            raise BadInput("too_long", field=f"secrets.{name}", max=MAX_VALUE)
        if name in spec.urls and value and urlsplit(value).scheme not in {"http", "https"}:
            raise BadInput("notification_bad_url", field=f"secrets.{name}", name=name)
    if update.digest_hour is not None and not 0 <= update.digest_hour <= 23:
        raise BadInput("notification_digest_hour", field="digestHour", hour=update.digest_hour)


async def update_channel(actor: Actor, box: SecretBox, update: ChannelUpdate) -> ChannelView:
    actor.authz.require(NOTIFICATION_CONFIGURE)
    spec = SPECS[update.channel]
    _check(update, spec)
    if update.enabled is None and not (
        update.settings or update.secrets or update.digest_hour is not None
    ):
        raise BadInput("nothing_to_update")
    company_id = actor.caller.company_id
    async with in_transaction():
        # One row per (company, channel), made first so that two racing saves update one row.
        await ChannelConfig.bulk_create(
            [ChannelConfig(company_id=company_id, channel=update.channel.value, enabled=False)],
            ignore_conflicts=True,
        )
        row = await ChannelConfig.select_for_update().get(
            company_id=company_id, channel=update.channel.value
        )
        before = _view(update.channel, row, box)
        settings = dict(row.settings)
        settings.update({n: _parse(spec, update.channel, n, v) for n, v in update.settings.items()})
        secrets = box.open(row.sealed_secrets)
        secrets.update(update.secrets)
        secrets = {k: v for k, v in secrets.items() if v}
        enabled = row.enabled if update.enabled is None else update.enabled
        if enabled:
            missing = sorted(n for n in spec.required if not settings.get(n) and not secrets.get(n))
            if missing:
                raise BadInput(
                    "notification_channel_required",
                    field=missing[0],
                    channel=update.channel.value,
                    name=", ".join(missing),
                )
        row.settings = settings
        row.sealed_secrets = box.seal(secrets)
        row.enabled = enabled
        if update.digest_hour is not None:
            row.digest_hour = update.digest_hour
        await row.save()
        after = _view(update.channel, row, box)
        old, new = changed(_audited(before), _audited(after))
        if update.secrets:  # which secrets changed, never their values
            new["secrets_changed"] = sorted(update.secrets)
        await record(
            actor,
            AuditAction.NOTIFICATION_CHANNEL_UPDATE,
            AuditObjectType.NOTIFICATION_CHANNEL,
            row.id,
            before=old,
            after=new,
        )
    return after


def _audited(view: ChannelView) -> dict[str, Any]:
    return {
        "channel": view.channel.value,
        "enabled": view.enabled,
        "settings": view.settings,
        "secrets_set": list(view.secrets_set),
        "digest_hour": view.digest_hour,
    }
