"""The tenant and its org chart: companies, departments (a tree) and employees."""

from __future__ import annotations

from uuid import UUID

from tortoise import fields
from tortoise.models import Model


class Company(Model):
    """A tenant: nothing of one company is ever visible from another."""

    id = fields.UUIDField(primary_key=True)
    slug = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=200)
    name_zh = fields.CharField(max_length=200, default="")
    timezone = fields.CharField(max_length=64, default="Asia/Shanghai")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "company"


class Department(Model):
    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name="departments", on_delete=fields.CASCADE
    )
    parent: fields.ForeignKeyNullableRelation[Department] = fields.ForeignKeyField(
        "models.Department", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=100)
    kind = fields.CharField(max_length=20, default="other")
    # Plain ids rather than foreign keys: departments and employees point at each other, and a
    # cycle of FK constraints cannot be created; services keep these ids valid.
    manager_id = fields.UUIDField(null=True)
    supervisor_id = fields.UUIDField(null=True)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: UUID
    parent_id: UUID | None

    class Meta:
        table = "department"
        indexes = (("company", "parent"),)


class Employee(Model):
    """A person in the company, and also the login user."""

    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name="employees", on_delete=fields.CASCADE
    )
    username = fields.CharField(max_length=100, unique=True)
    password_hash = fields.CharField(max_length=200, null=True)
    name = fields.CharField(max_length=100)
    title = fields.CharField(max_length=100, default="")
    employee_number = fields.CharField(max_length=32)
    department: fields.ForeignKeyRelation[Department] = fields.ForeignKeyField(
        "models.Department", related_name="employees", on_delete=fields.RESTRICT
    )
    manager: fields.ForeignKeyNullableRelation[Employee] = fields.ForeignKeyField(
        "models.Employee", related_name="reports", null=True, on_delete=fields.SET_NULL
    )
    phone = fields.CharField(max_length=32, default="")
    email = fields.CharField(max_length=254, default="")
    hire_date = fields.DateField(null=True)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: UUID
    department_id: UUID
    manager_id: UUID | None

    class Meta:
        table = "employee"
        unique_together = (("company", "employee_number"),)
        indexes = (("company", "name"), ("company", "department"))
