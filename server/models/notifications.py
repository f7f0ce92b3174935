"""Notifications: what a person is told, how he wants to hear it, and each delivery.

- ``Notification``: one reminder or alert for one person, stored once per (company, rule,
  subject, period, stage, recipient) — a unique constraint, so a re-run of the reminder rules,
  a restart or a second process adds no duplicate (server.notifications.store.notify).
- ``NotificationPreference``: per person per channel, on or off, immediate or daily digest.
- ``NotificationProfile``: the person's language for the messages.
- ``ChannelConfig``: a tenant's e-mail server or robot webhook; secrets sealed (server.secrets).
- ``NotificationDelivery``: one notification on one channel (unique), with its state, attempts
  and next attempt; a digest sends several rows of one person and channel in one message.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tortoise import fields
from tortoise.models import Model


class Notification(Model):
    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="notifications", on_delete=fields.CASCADE
    )
    recipient: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Employee", related_name="notifications", on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=16, default="reminder")  # NotificationKind
    rule = fields.CharField(max_length=64)
    subject = fields.CharField(max_length=128)
    period = fields.CharField(max_length=64)
    stage = fields.CharField(max_length=32, default="")
    message_key = fields.CharField(max_length=128)
    params: fields.JSONField[dict[str, str]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)
    read_at = fields.DatetimeField(null=True)

    company_id: UUID
    recipient_id: UUID

    class Meta:
        table = "notification"
        unique_together = (("company", "rule", "subject", "period", "stage", "recipient"),)
        indexes = (("recipient", "created_at"),)


class NotificationPreference(Model):
    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="notification_preferences", on_delete=fields.CASCADE
    )
    employee: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Employee", related_name="notification_preferences", on_delete=fields.CASCADE
    )
    channel = fields.CharField(max_length=16)  # NotificationChannel
    enabled = fields.BooleanField(default=True)
    mode = fields.CharField(max_length=16, default="immediate")  # DeliveryMode
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: UUID
    employee_id: UUID

    class Meta:
        table = "notification_preference"
        unique_together = (("employee", "channel"),)


class NotificationProfile(Model):
    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="notification_profiles", on_delete=fields.CASCADE
    )
    employee: fields.OneToOneRelation = fields.OneToOneField(
        "models.Employee", related_name="notification_profile", on_delete=fields.CASCADE
    )
    language = fields.CharField(max_length=8)  # NotificationLanguage
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: UUID
    employee_id: UUID

    class Meta:
        table = "notification_profile"


class ChannelConfig(Model):
    """A tenant's settings of one channel: ``settings`` in clear, ``sealed_secrets`` sealed."""

    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="channel_configs", on_delete=fields.CASCADE
    )
    channel = fields.CharField(max_length=16)  # NotificationChannel
    enabled = fields.BooleanField(default=True)
    settings: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    sealed_secrets = fields.TextField(default="")
    digest_hour = fields.IntField(default=9)  # tenant time, for daily digests
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: UUID

    class Meta:
        table = "notification_channel_config"
        unique_together = (("company", "channel"),)


class NotificationDelivery(Model):
    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="notification_deliveries", on_delete=fields.CASCADE
    )
    notification: fields.ForeignKeyRelation[Notification] = fields.ForeignKeyField(
        "models.Notification", related_name="deliveries", on_delete=fields.CASCADE
    )
    recipient_id = fields.UUIDField()
    channel = fields.CharField(max_length=16)  # NotificationChannel
    mode = fields.CharField(max_length=16)  # DeliveryMode
    state = fields.CharField(max_length=16, default="pending")  # DeliveryState
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    # A worker owns the row until then (a conditional UPDATE takes it); see server.notifications.
    claimed_until = fields.DatetimeField(null=True)
    claimed_by = fields.CharField(max_length=32, default="")
    last_error = fields.TextField(default="")  # redacted: never a secret
    sent_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: UUID
    notification_id: UUID

    class Meta:
        table = "notification_delivery"
        unique_together = (("notification", "channel"),)
        indexes = (("state", "next_attempt_at"), ("company", "state"))
