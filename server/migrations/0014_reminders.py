from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from server.models.fields import ScaledDecimalField
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("models", "0013_notifications")]

    initial = False

    operations = [
        ops.CreateModel(
            name="ReminderLease",
            fields=[
                (
                    "id",
                    fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True),
                ),
                (
                    "company",
                    fields.OneToOneField(
                        "models.Company",
                        source_field="company_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="reminder_lease",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("holder", fields.CharField(null=True, max_length=32)),
                (
                    "lease_until",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "last_run_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("last_written", fields.IntField(default=0)),
            ],
            options={
                "table": "reminder_lease",
                "app": "models",
                "pk_attr": "id",
                "table_description": "One row per company: a run of its rules holds it until ``lease_until``.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ReminderSettings",
            fields=[
                (
                    "id",
                    fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True),
                ),
                (
                    "company",
                    fields.OneToOneField(
                        "models.Company",
                        source_field="company_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="reminder_settings",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("department_completion_min", ScaledDecimalField(places=2)),
                ("employee_completion_min", ScaledDecimalField(places=2)),
                ("evaluation_notice_days", fields.IntField()),
                ("escalation_days", fields.IntField()),
                (
                    "disabled_rules",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("updated_by", fields.UUIDField(null=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "reminder_settings",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A tenant's reminder thresholds; the defaults (server.reminders.settings) without a row.",
            },
            bases=["Model"],
        ),
    ]
