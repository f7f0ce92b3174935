"""The append-only audit log."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tortoise import fields
from tortoise.models import Model


class AuditEntry(Model):
    """One change made through the API. Rows are only ever inserted."""

    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="audit_entries", on_delete=fields.CASCADE
    )
    # Kept as a plain id, not a foreign key: the log must outlive any change to the actor.
    actor_id = fields.UUIDField(null=True)
    action = fields.CharField(max_length=64)
    object_type = fields.CharField(max_length=32)
    object_id = fields.CharField(max_length=64)
    before: fields.JSONField[dict[str, Any] | None] = fields.JSONField(null=True)
    after: fields.JSONField[dict[str, Any] | None] = fields.JSONField(null=True)
    request_id = fields.CharField(max_length=64, default="")
    client_address = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    company_id: UUID

    async def save(self, *args: Any, **kwargs: Any) -> None:
        if self._saved_in_db:
            raise PermissionError("audit entries are append-only")
        await super().save(*args, **kwargs)

    async def delete(self, *args: Any, **kwargs: Any) -> None:
        raise PermissionError("audit entries are append-only")

    class Meta:
        table = "audit_entry"
        indexes = (("company", "created_at"),)
