"""Who holds which role where, and the sign-in sessions behind refresh tokens."""

from __future__ import annotations

from uuid import UUID

from tortoise import fields
from tortoise.models import Model


class RoleAssignment(Model):
    """``employee`` holds ``role`` over ``department``'s subtree, or company-wide when null."""

    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="role_assignments", on_delete=fields.CASCADE
    )
    employee: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Employee", related_name="role_assignments", on_delete=fields.CASCADE
    )
    role = fields.CharField(max_length=20)
    department: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Department", related_name="role_assignments", null=True, on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    company_id: UUID
    employee_id: UUID
    department_id: UUID | None

    class Meta:
        table = "role_assignment"
        unique_together = (("employee", "role", "department"),)


class Session(Model):
    """One sign-in; the refresh token is stored only as a hash."""

    id = fields.UUIDField(primary_key=True)
    employee: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Employee", related_name="sessions", on_delete=fields.CASCADE
    )
    refresh_token_hash = fields.CharField(max_length=64, unique=True)
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_refreshed_at = fields.DatetimeField(null=True)

    employee_id: UUID

    class Meta:
        table = "session"


class RetiredRefreshToken(Model):
    """A refresh token already exchanged, kept as a hash so that a replay is recognised.

    Presenting one again means two parties hold the session's tokens; the session is
    revoked (see ``AuthService.refresh``). Rows go with their session.
    """

    id = fields.UUIDField(primary_key=True)
    session: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Session", related_name="retired_refresh_tokens", on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    retired_at = fields.DatetimeField(auto_now_add=True)

    session_id: UUID

    class Meta:
        table = "retired_refresh_token"
