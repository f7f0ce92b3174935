from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from server.models.fields import ScaledDecimalField
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("models", "0007_scoring_rules")]

    initial = False

    operations = [
        ops.CreateModel(
            name="ActualBatch",
            fields=[
                (
                    "id",
                    fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True),
                ),
                (
                    "company",
                    fields.ForeignKeyField(
                        "models.Company",
                        source_field="company_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="actual_batches",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("client_key", fields.CharField(max_length=64)),
                ("submitted_by", fields.UUIDField()),
                ("digest", fields.CharField(max_length=64)),
                (
                    "answer",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "actual_batch",
                "app": "models",
                "unique_together": (("company", "submitted_by", "client_key"),),
                "pk_attr": "id",
                "table_description": "A bulk entry's client key and its answer: the same key again returns the same answer.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Assignment",
            fields=[
                (
                    "id",
                    fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True),
                ),
                (
                    "company",
                    fields.ForeignKeyField(
                        "models.Company",
                        source_field="company_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="assignments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "plan",
                    fields.ForeignKeyField(
                        "models.Plan",
                        source_field="plan_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="assignments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "employee",
                    fields.ForeignKeyField(
                        "models.Employee",
                        source_field="employee_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="assignments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("department_id", fields.UUIDField()),
                ("manager_id", fields.UUIDField(null=True)),
                (
                    "indicators",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("revision", fields.IntField(default=1)),
                ("assigned_by", fields.UUIDField(null=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "assignment",
                "app": "models",
                "unique_together": (("plan", "employee"),),
                "indexes": [Index(fields=["company", "department_id"])],
                "pk_attr": "id",
                "table_description": "The indicators one person is measured on in one plan, with his targets and weights.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Actual",
            fields=[
                (
                    "id",
                    fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True),
                ),
                (
                    "company",
                    fields.ForeignKeyField(
                        "models.Company",
                        source_field="company_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="actuals",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "assignment",
                    fields.ForeignKeyField(
                        "models.Assignment",
                        source_field="assignment_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="actuals",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("plan_id", fields.UUIDField()),
                ("employee_id", fields.UUIDField()),
                ("department_id", fields.UUIDField()),
                ("manager_id", fields.UUIDField(null=True)),
                ("indicator_key", fields.CharField(max_length=36)),
                ("value", ScaledDecimalField(null=True, places=6)),
                ("source", fields.CharField(max_length=16)),
                ("connector_source", fields.CharField(null=True, max_length=64)),
                ("sync_run_id", fields.UUIDField(null=True)),
                ("facts", fields.IntField(default=0)),
                ("connector_value", ScaledDecimalField(null=True, places=6)),
                ("set_by", fields.UUIDField(null=True)),
                ("note", fields.TextField(default="", unique=False)),
                ("reason", fields.TextField(default="", unique=False)),
                ("revision", fields.IntField(default=1)),
                ("set_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "actual",
                "app": "models",
                "unique_together": (("assignment", "indicator_key"),),
                "indexes": [
                    Index(fields=["company", "plan_id"]),
                    Index(fields=["plan_id", "department_id"]),
                ],
                "pk_attr": "id",
                "table_description": "The current actual of one indicator of one assignment: the latest revision wins.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ActualRevision",
            fields=[
                (
                    "id",
                    fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True),
                ),
                (
                    "company",
                    fields.ForeignKeyField(
                        "models.Company",
                        source_field="company_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="actual_revisions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "actual",
                    fields.ForeignKeyField(
                        "models.Actual",
                        source_field="actual_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="revisions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("revision", fields.IntField()),
                ("value", ScaledDecimalField(null=True, places=6)),
                ("source", fields.CharField(max_length=16)),
                ("connector_source", fields.CharField(null=True, max_length=64)),
                ("sync_run_id", fields.UUIDField(null=True)),
                ("set_by", fields.UUIDField(null=True)),
                ("note", fields.TextField(default="", unique=False)),
                ("reason", fields.TextField(default="", unique=False)),
                ("batch_key", fields.CharField(null=True, max_length=64)),
                ("set_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "actual_revision",
                "app": "models",
                "unique_together": (("actual", "revision"),),
                "indexes": [Index(fields=["company", "batch_key"])],
                "pk_attr": "id",
                "table_description": "One change of an actual, kept for its history (append-only).",
            },
            bases=["Model"],
        ),
    ]
