"""Bonus allocation: the tenant's grade coefficients, department pools and base amounts.

- ``BonusSettings``: per tenant, grade key -> coefficient (the defaults when there is no
  row) and an optional default base amount for people without one of their own.
- ``BonusPool``: the amount a department shares in one plan (unique per plan and
  department); people beneath it without a pool of their own share it too.
- ``BonusBase``: one person's base amount in one plan (unique per plan and employee).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tortoise import fields
from tortoise.models import Model

from server.models.fields import ScaledDecimalField


class BonusSettings(Model):
    id = fields.UUIDField(primary_key=True)
    company: fields.OneToOneRelation = fields.OneToOneField(
        "models.Company", related_name="bonus_settings", on_delete=fields.CASCADE
    )
    coefficients: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    default_base = ScaledDecimalField(places=2, null=True)
    updated_by = fields.UUIDField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: UUID

    class Meta:
        table = "bonus_settings"


class BonusPool(Model):
    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="bonus_pools", on_delete=fields.CASCADE
    )
    plan: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Plan", related_name="bonus_pools", on_delete=fields.CASCADE
    )
    department: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Department", related_name="bonus_pools", on_delete=fields.CASCADE
    )
    amount = ScaledDecimalField(places=2)
    set_by = fields.UUIDField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: UUID
    plan_id: UUID
    department_id: UUID

    class Meta:
        table = "bonus_pool"
        unique_together = (("plan", "department"),)


class BonusBase(Model):
    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="bonus_bases", on_delete=fields.CASCADE
    )
    plan: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Plan", related_name="bonus_bases", on_delete=fields.CASCADE
    )
    employee: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Employee", related_name="bonus_bases", on_delete=fields.CASCADE
    )
    amount = ScaledDecimalField(places=2)
    set_by = fields.UUIDField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: UUID
    plan_id: UUID
    employee_id: UUID

    class Meta:
        table = "bonus_base"
        unique_together = (("plan", "employee"),)
