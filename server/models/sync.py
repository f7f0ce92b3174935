"""Connector configurations per tenant, sync runs, collected metric facts, quarantine."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tortoise import fields
from tortoise.models import Model

from server.models.fields import ScaledDecimalField
from server.vocabulary import MatchBy, SyncStatus

MATCH_BY = tuple(MatchBy)
RUN_STATUSES = tuple(SyncStatus)


class ConnectorConfig(Model):
    """One tenant's use of one connector; secrets are sealed (server.secrets)."""

    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="connector_configs", on_delete=fields.CASCADE
    )
    connector = fields.CharField(max_length=64)
    name = fields.CharField(max_length=100)
    settings: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    sealed_secrets = fields.TextField(default="")
    match_by = fields.CharField(max_length=20, default="employee_number")
    schedule_minutes = fields.IntField(null=True)
    enabled = fields.BooleanField(default=True)
    cursor = fields.TextField(null=True)
    last_run_at = fields.DatetimeField(null=True)
    deleted_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: UUID

    class Meta:
        table = "connector_config"


class SyncRun(Model):
    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="sync_runs", on_delete=fields.CASCADE
    )
    config: fields.ForeignKeyRelation[ConnectorConfig] = fields.ForeignKeyField(
        "models.ConnectorConfig", related_name="runs", on_delete=fields.CASCADE
    )
    status = fields.CharField(max_length=16, default="running")
    trigger = fields.CharField(max_length=16, default="manual")
    triggered_by = fields.UUIDField(null=True)
    period_start = fields.DateField()
    period_end = fields.DateField()
    started_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField(null=True)
    fetched = fields.IntField(default=0)
    stored = fields.IntField(default=0)
    rejected = fields.IntField(default=0)
    error = fields.TextField(default="")
    # The config's id while this run is going, NULL once it ended. Unique: the database
    # itself refuses a second going run of a config (NULLs never collide, on SQLite and
    # PostgreSQL alike), however many requests, schedulers or processes race to start one.
    active_config_id = fields.UUIDField(null=True, unique=True)
    # Touched by the running process every minute or so; a going run whose heartbeat is
    # old belongs to a process that died, and the next start frees its config.
    heartbeat_at = fields.DatetimeField(null=True)

    company_id: UUID
    config_id: UUID

    class Meta:
        table = "sync_run"
        indexes = (("config", "started_at"),)


class MetricFact(Model):
    """A collected value: one source record's contribution to a metric for a person and span."""

    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="metric_facts", on_delete=fields.CASCADE
    )
    employee: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Employee", related_name="metric_facts", on_delete=fields.CASCADE
    )
    metric = fields.CharField(max_length=64)
    period_start = fields.DateField()
    period_end = fields.DateField()
    value = ScaledDecimalField(places=6)  # exact in SQL on SQLite too (server.models.fields)
    source = fields.CharField(max_length=64)  # the connector config id
    source_id = fields.CharField(max_length=200)
    run_id = fields.UUIDField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: UUID
    employee_id: UUID

    class Meta:
        table = "metric_fact"
        unique_together = (
            ("company", "employee", "metric", "period_start", "period_end", "source", "source_id"),
        )
        # No extra index: the unique key above already leads with (company, employee, metric).


class QuarantinedRecord(Model):
    """A record that could not be stored, kept with its reason until it can be."""

    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="quarantine", on_delete=fields.CASCADE
    )
    config: fields.ForeignKeyRelation[ConnectorConfig] = fields.ForeignKeyField(
        "models.ConnectorConfig", related_name="quarantine", on_delete=fields.CASCADE
    )
    run_id = fields.UUIDField(null=True)
    employee_key = fields.CharField(max_length=200, default="")
    metric = fields.CharField(max_length=64, default="")
    day = fields.DateField(null=True)
    period_end = fields.DateField(null=True)
    value = fields.CharField(max_length=200, default="")
    source_id = fields.CharField(max_length=200)
    # A QuarantineReason; "other" (the database's default too) for records quarantined
    # before the codes existed whose words match no known reason (migration 0006)
    reason_code = fields.CharField(max_length=32, default="other", db_default="other")
    reason = fields.CharField(max_length=300)
    payload: fields.JSONField[dict[str, Any]] = fields.JSONField(
        default=dict
    )  # the record as the source sent it
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    resolved_at = fields.DatetimeField(null=True)

    company_id: UUID
    config_id: UUID

    class Meta:
        table = "quarantined_record"
        unique_together = (("config", "source_id", "metric"),)


class MetricSource(Model):
    """One entry of a company's declared order of sources for a metric (server.metrics).

    When several sources hold facts for the same person, metric and period, the facts of
    one source count, never a sum across sources: the first of this order that has any,
    then the default order. ``source`` is a connector name (``wecom_checkin``) or one
    connector config's id. ``aggregation`` says how that source's facts combine when no
    installed connector declares the metric any more (its plugin was removed); while one
    does, the connector's own declaration applies.
    """

    id = fields.UUIDField(primary_key=True)
    company: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Company", related_name="metric_sources", on_delete=fields.CASCADE
    )
    metric = fields.CharField(max_length=64)
    source = fields.CharField(max_length=64)
    position = fields.IntField()  # 0 wins over 1
    aggregation = fields.CharField(max_length=8, null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: UUID

    class Meta:
        table = "metric_source"
        # The lookup joins on (company, metric, source); the key leads with them.
        unique_together = (("company", "metric", "source"),)
