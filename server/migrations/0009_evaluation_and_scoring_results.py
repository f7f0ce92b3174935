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
    dependencies = [("models", "0008_evaluation_and_scoring")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Evaluation",
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
                        related_name="evaluations",
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
                        related_name="evaluations",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("plan_id", fields.UUIDField()),
                ("employee_id", fields.UUIDField()),
                ("department_id", fields.UUIDField()),
                ("manager_id", fields.UUIDField(null=True)),
                ("kind", fields.CharField(max_length=8)),
                ("state", fields.CharField(default="draft", max_length=12)),
                (
                    "items",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("overall_comment", fields.TextField(default="", unique=False)),
                ("overall_rating", fields.IntField(null=True)),
                ("author_id", fields.UUIDField(null=True)),
                (
                    "submitted_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("reopened_by", fields.UUIDField(null=True)),
                ("reopened_until", fields.DateField(null=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "evaluation",
                "app": "models",
                "unique_together": (("assignment", "kind"),),
                "indexes": [Index(fields=["company", "plan_id"])],
                "pk_attr": "id",
                "table_description": "A self- or manager evaluation of one assignment: draft, then submitted.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ResultsRelease",
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
                        related_name="results_releases",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "plan",
                    fields.OneToOneField(
                        "models.Plan",
                        source_field="plan_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="results_release",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("publish_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("released_by", fields.UUIDField()),
                (
                    "announced_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "results_release",
                "app": "models",
                "indexes": [Index(fields=["company", "publish_at"])],
                "pk_attr": "id",
                "table_description": "When a plan's results reach its employees: one per plan, now or at a set time.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Score",
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
                        related_name="scores",
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
                        related_name="scores",
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
                        related_name="scores",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("employee_id", fields.UUIDField()),
                ("department_id", fields.UUIDField()),
                ("manager_id", fields.UUIDField(null=True)),
                ("status", fields.CharField(max_length=12)),
                ("total", ScaledDecimalField(null=True, places=6)),
                ("indicators_total", ScaledDecimalField(null=True, places=6)),
                ("grade", fields.CharField(null=True, max_length=32)),
                ("formula_version", fields.IntField(null=True)),
                (
                    "inputs",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                (
                    "result",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("version", fields.IntField(default=0)),
                ("frozen", fields.BooleanField(default=False)),
                ("computed_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "score",
                "app": "models",
                "unique_together": (("plan", "employee_id"),),
                "indexes": [
                    Index(fields=["company", "department_id"]),
                    Index(fields=["plan_id", "total"]),
                ],
                "pk_attr": "id",
                "table_description": "The live (or frozen) score of one person in one plan; one row per (plan, employee).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ScoreVersion",
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
                        related_name="score_versions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "score",
                    fields.ForeignKeyField(
                        "models.Score",
                        source_field="score_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="versions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("plan_id", fields.UUIDField()),
                ("employee_id", fields.UUIDField()),
                ("department_id", fields.UUIDField()),
                ("manager_id", fields.UUIDField(null=True)),
                ("version", fields.IntField()),
                ("status", fields.CharField(max_length=12)),
                ("total", ScaledDecimalField(null=True, places=6)),
                ("indicators_total", ScaledDecimalField(null=True, places=6)),
                ("grade", fields.CharField(null=True, max_length=32)),
                ("formula_version", fields.IntField(null=True)),
                (
                    "inputs",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                (
                    "result",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("frozen_by", fields.UUIDField(null=True)),
                ("frozen_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("reopen_reason", fields.TextField(default="", unique=False)),
                ("reopened_by", fields.UUIDField(null=True)),
            ],
            options={
                "table": "score_version",
                "app": "models",
                "unique_together": (("score", "version"),),
                "indexes": [Index(fields=["company", "plan_id"])],
                "pk_attr": "id",
                "table_description": "A frozen score, readable for ever: version 1 at finalizing, one more per correction.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ScoringFormula",
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
                        related_name="scoring_formulas",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("version", fields.IntField()),
                ("expression", fields.TextField(unique=False)),
                ("author_id", fields.UUIDField(null=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "scoring_formula",
                "app": "models",
                "unique_together": (("company", "version"),),
                "pk_attr": "id",
                "table_description": "A tenant's final-score formula; each save is a new version (the newest is in force).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ScoringSettings",
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
                        related_name="scoring_settings",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "grade_bands",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                (
                    "rating_labels",
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
                "table": "scoring_settings",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A tenant's grade bands and rating labels (the defaults when there is no row).",
            },
            bases=["Model"],
        ),
    ]
