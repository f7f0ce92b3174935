"""The event outbox: domain events written in the transaction of the change they describe.

``outbox_event.id`` is the sequence every cursor counts in. Writers take a lock from the
insert to their commit (server.outbox.store), so ids become visible in increasing order on
PostgreSQL too, and a reader that has seen id N never later finds a smaller id.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class OutboxEvent(Model):
    """One domain event; rows are only inserted, and pruned once every consumer is past."""

    # BIGSERIAL on PostgreSQL, INTEGER PRIMARY KEY AUTOINCREMENT on SQLite: never reused.
    id = fields.BigIntField(primary_key=True)
    # A plain id, not a foreign key: the event log must not block deleting a company.
    company_id = fields.UUIDField()
    kind = fields.CharField(max_length=40)
    payload: fields.JSONField[dict[str, Any]] = fields.JSONField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "outbox_event"
        indexes = (("company_id", "id"), ("kind", "id"))


class OutboxConsumer(Model):
    """A durable consumer's cursor: it has handled every event with id <= ``position``."""

    name = fields.CharField(max_length=100, primary_key=True)
    position = fields.BigIntField(default=0)
    # The event at position + 1 failed this many times in a row (reset when it passes).
    failures = fields.IntField(default=0)
    last_error = fields.TextField(default="")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "outbox_consumer"


class OutboxLease(Model):
    """Who runs the durable dispatcher: one process per deployment, until the lease lapses."""

    name = fields.CharField(max_length=40, primary_key=True)
    holder = fields.CharField(max_length=64)
    expires_at = fields.DatetimeField()

    class Meta:
        table = "outbox_lease"
