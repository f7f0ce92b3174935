"""Evaluation and scoring: who is measured on what, the actuals, the evaluations, the scores.

Every row carries ``company_id`` and the person's place at assignment time (``department_id``,
``manager_id``), so that the policy's relations become one SQL filter per list
(``Grant.q(department="department_id", owner="employee_id", manager="manager_id")``).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tortoise import fields
from tortoise.models import Model

from server.models.fields import ScaledDecimalField


class Assignment(Model):
    """The indicators one person is measured on in one plan, with his targets and weights.

    ``indicators`` holds ``IndicatorSpec.to_json()`` plus ``key`` and ``personal`` per item
    (the plan's indicators as the manager assigned them, and his personal ones); weights add
    up to 100. ``revision`` counts changes, for optimistic concurrency and the score's inputs.
    """

    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="assignments", on_delete=fields.CASCADE
    )
    plan: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Plan", related_name="assignments", on_delete=fields.CASCADE
    )
    employee: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Employee", related_name="assignments", on_delete=fields.CASCADE
    )
    department_id = fields.UUIDField()
    manager_id = fields.UUIDField(null=True)
    indicators: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)
    revision = fields.IntField(default=1)
    assigned_by = fields.UUIDField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: UUID
    plan_id: UUID
    employee_id: UUID

    class Meta:
        table = "assignment"
        unique_together = (("plan", "employee"),)
        indexes = (("company", "department_id"),)


class Actual(Model):
    """The current actual of one indicator of one assignment: the latest revision wins.

    Unique per (assignment, indicator): the database keeps one current value however many
    writers race. Every change also appends an ``ActualRevision``.
    """

    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="actuals", on_delete=fields.CASCADE
    )
    assignment: fields.ForeignKeyRelation[Assignment] = fields.ForeignKeyField(
        "models.Assignment", related_name="actuals", on_delete=fields.CASCADE
    )
    plan_id = fields.UUIDField()
    employee_id = fields.UUIDField()
    department_id = fields.UUIDField()
    manager_id = fields.UUIDField(null=True)
    indicator_key = fields.CharField(max_length=36)
    value = ScaledDecimalField(places=6, null=True)
    source = fields.CharField(max_length=16)  # ActualSource
    # connector: the config whose facts won and the run that brought them
    connector_source = fields.CharField(max_length=64, null=True)
    sync_run_id = fields.UUIDField(null=True)
    facts = fields.IntField(default=0)
    # The connector's own value while an override holds (shown beside the override).
    connector_value = ScaledDecimalField(places=6, null=True)
    set_by = fields.UUIDField(null=True)  # the person, for manual entries and overrides
    note = fields.TextField(default="")  # an annotation (any source)
    reason = fields.TextField(default="")  # why an override replaced a connector value
    revision = fields.IntField(default=1)
    set_at = fields.DatetimeField()

    company_id: UUID
    assignment_id: UUID

    class Meta:
        table = "actual"
        unique_together = (("assignment", "indicator_key"),)
        indexes = (("company", "plan_id"), ("plan_id", "department_id"))


class ActualRevision(Model):
    """One change of an actual, kept for its history (append-only)."""

    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="actual_revisions", on_delete=fields.CASCADE
    )
    actual: fields.ForeignKeyRelation[Actual] = fields.ForeignKeyField(
        "models.Actual", related_name="revisions", on_delete=fields.CASCADE
    )
    revision = fields.IntField()
    value = ScaledDecimalField(places=6, null=True)
    source = fields.CharField(max_length=16)
    connector_source = fields.CharField(max_length=64, null=True)
    sync_run_id = fields.UUIDField(null=True)
    set_by = fields.UUIDField(null=True)
    note = fields.TextField(default="")
    reason = fields.TextField(default="")
    # A client's key for the batch that wrote it: a re-sent batch finds it and changes nothing.
    batch_key = fields.CharField(max_length=64, null=True)
    set_at = fields.DatetimeField()

    company_id: UUID
    actual_id: UUID

    class Meta:
        table = "actual_revision"
        unique_together = (("actual", "revision"),)
        indexes = (("company", "batch_key"),)


class ActualBatch(Model):
    """A bulk entry's client key and its answer: the same key again returns the same answer."""

    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="actual_batches", on_delete=fields.CASCADE
    )
    client_key = fields.CharField(max_length=64)
    submitted_by = fields.UUIDField()
    digest = fields.CharField(max_length=64)  # of the rows: the same key with other rows conflicts
    answer: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    company_id: UUID

    class Meta:
        table = "actual_batch"
        unique_together = (("company", "submitted_by", "client_key"),)


class Evaluation(Model):
    """A self- or manager evaluation of one assignment: draft, then submitted.

    ``items`` maps an indicator key to ``{"comment", "value" (self, manual indicators),
    "rating" (manager, qualitative indicators)}``.
    """

    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="evaluations", on_delete=fields.CASCADE
    )
    assignment: fields.ForeignKeyRelation[Assignment] = fields.ForeignKeyField(
        "models.Assignment", related_name="evaluations", on_delete=fields.CASCADE
    )
    plan_id = fields.UUIDField()
    employee_id = fields.UUIDField()
    department_id = fields.UUIDField()
    manager_id = fields.UUIDField(null=True)
    kind = fields.CharField(max_length=8)  # EvaluationKind
    state = fields.CharField(max_length=12, default="draft")  # EvaluationState
    items: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    overall_comment = fields.TextField(default="")
    overall_rating = fields.IntField(null=True)
    author_id = fields.UUIDField(null=True)
    submitted_at = fields.DatetimeField(null=True)
    reopened_by = fields.UUIDField(null=True)
    reopened_until = fields.DateField(null=True)  # a reopened evaluation's own deadline
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: UUID
    assignment_id: UUID

    class Meta:
        table = "evaluation"
        unique_together = (("assignment", "kind"),)
        indexes = (("company", "plan_id"),)


class Score(Model):
    """The live (or frozen) score of one person in one plan; one row per (plan, employee).

    A frozen score keeps in ``inputs`` the snapshot it was computed from (rules, targets,
    weights, actuals with provenance, ratings, formula version) and in ``result`` the engine's
    answer with its explanations in both languages. A live score's inputs are the current
    rows, so it stores only its figures and a digest (``inputs`` empty); read it through
    ``server.scoring.snapshot.attach``, which rebuilds both from those rows. While ``frozen``
    nothing recomputes it; a reopened score recomputes again until it is frozen as the next
    ``ScoreVersion``.
    """

    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="scores", on_delete=fields.CASCADE
    )
    plan: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Plan", related_name="scores", on_delete=fields.CASCADE
    )
    assignment: fields.ForeignKeyRelation[Assignment] = fields.ForeignKeyField(
        "models.Assignment", related_name="scores", on_delete=fields.CASCADE
    )
    employee_id = fields.UUIDField()
    department_id = fields.UUIDField()
    manager_id = fields.UUIDField(null=True)
    status = fields.CharField(max_length=12)  # scoring Status
    total = ScaledDecimalField(places=6, null=True)  # rounded to 2 places by the engine
    indicators_total = ScaledDecimalField(places=6, null=True)
    grade = fields.CharField(max_length=32, null=True)
    formula_version = fields.IntField(null=True)
    inputs: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    result: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    version = fields.IntField(default=0)  # the last frozen version; 0 before the first
    frozen = fields.BooleanField(default=False)
    computed_at = fields.DatetimeField()

    company_id: UUID
    plan_id: UUID
    assignment_id: UUID

    class Meta:
        table = "score"
        unique_together = (("plan", "employee_id"),)
        indexes = (("company", "department_id"), ("plan_id", "total"))


class ScoreVersion(Model):
    """A frozen score, readable for ever: version 1 at finalizing, one more per correction."""

    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="score_versions", on_delete=fields.CASCADE
    )
    score: fields.ForeignKeyRelation[Score] = fields.ForeignKeyField(
        "models.Score", related_name="versions", on_delete=fields.CASCADE
    )
    plan_id = fields.UUIDField()
    employee_id = fields.UUIDField()
    department_id = fields.UUIDField()
    manager_id = fields.UUIDField(null=True)
    version = fields.IntField()
    status = fields.CharField(max_length=12)
    total = ScaledDecimalField(places=6, null=True)
    indicators_total = ScaledDecimalField(places=6, null=True)
    grade = fields.CharField(max_length=32, null=True)
    formula_version = fields.IntField(null=True)
    inputs: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    result: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    frozen_by = fields.UUIDField(null=True)
    frozen_at = fields.DatetimeField()
    # Why the previous version was reopened (empty for version 1).
    reopen_reason = fields.TextField(default="")
    reopened_by = fields.UUIDField(null=True)

    company_id: UUID
    score_id: UUID

    class Meta:
        table = "score_version"
        unique_together = (("score", "version"),)
        indexes = (("company", "plan_id"),)


class ScoringFormula(Model):
    """A tenant's final-score formula; each save is a new version (the newest is in force)."""

    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="scoring_formulas", on_delete=fields.CASCADE
    )
    version = fields.IntField()
    expression = fields.TextField()  # empty: the indicators' total alone
    author_id = fields.UUIDField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    company_id: UUID

    class Meta:
        table = "scoring_formula"
        unique_together = (("company", "version"),)


class ScoringSettings(Model):
    """A tenant's grade bands and rating labels (the defaults when there is no row)."""

    id = fields.UUIDField(primary_key=True)
    company: fields.OneToOneRelation = fields.OneToOneField(
        "models.Company", related_name="scoring_settings", on_delete=fields.CASCADE
    )
    grade_bands: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)
    rating_labels: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)
    updated_by = fields.UUIDField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: UUID

    class Meta:
        table = "scoring_settings"


class ResultsRelease(Model):
    """When a plan's results reach its employees: one per plan, now or at a set time."""

    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="results_releases", on_delete=fields.CASCADE
    )
    plan: fields.OneToOneRelation = fields.OneToOneField(
        "models.Plan", related_name="results_release", on_delete=fields.CASCADE
    )
    publish_at = fields.DatetimeField()
    released_by = fields.UUIDField()
    # Set once the "published" event went out (at publish_at), so it is announced once.
    announced_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    company_id: UUID
    plan_id: UUID

    class Meta:
        table = "results_release"
        indexes = (("company", "publish_at"),)
