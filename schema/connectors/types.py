"""GraphQL types for connectors, their configurations, sync runs, quarantine and facts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from plugins.contract import Connector as ConnectorClass
from schema.enums import (
    Aggregation,
    ConfigFieldType,
    ConnectorKind,
    MatchBy,
    PluginStage,
    QuarantineReason,
    SyncStatus,
    SyncTrigger,
)
from server import models as m


@strawberry.type
class MetricInfo:
    key: str
    name: str
    unit: str
    aggregation: Aggregation
    description: str


@strawberry.type
class ConfigFieldInfo:
    name: str
    type: ConfigFieldType
    required: bool
    secret: bool = strawberry.field(description="Write-only: set it in `secrets`; never returned.")
    default: JSON | None
    description: str
    choices: list[str]


@strawberry.type(description="An installed connector plugin.")
class Connector:
    name: str
    title: str
    version: str
    kind: ConnectorKind
    plugin: str
    accepts_upload: bool
    metrics: list[MetricInfo]
    config_fields: list[ConfigFieldInfo]

    @classmethod
    def of(cls, connector: type[ConnectorClass], plugin: str) -> Connector:
        return cls(
            name=connector.name,
            title=connector.title,
            version=connector.version,
            kind=ConnectorKind(connector.kind),
            plugin=plugin,
            accepts_upload=connector.accepts_upload,
            metrics=[
                MetricInfo(
                    key=s.key,
                    name=s.name,
                    unit=s.unit,
                    aggregation=Aggregation(s.aggregation),
                    description=s.description,
                )
                for s in connector.metrics
            ],
            config_fields=[
                ConfigFieldInfo(
                    name=f.name,
                    type=ConfigFieldType(f.type),
                    required=f.required,
                    secret=f.secret,
                    default=f.default,
                    description=f.description,
                    choices=list(f.choices),
                )
                for f in connector.config_fields
            ],
        )


@strawberry.type(description="A plugin that could not be loaded; the others work.")
class PluginFailure:
    plugin: str
    stage: PluginStage
    message: str


@strawberry.type(
    description="A sync: what was fetched, stored and rejected, and why it failed if it did."
)
class SyncRun(relay.Node):
    id: relay.NodeID[str]
    status: SyncStatus
    trigger: SyncTrigger
    period_start: date
    period_end: date
    started_at: datetime
    finished_at: datetime | None
    fetched: int
    stored: int
    rejected: int
    error: str

    @classmethod
    def of(cls, row: m.SyncRun) -> SyncRun:
        return cls(
            id=str(row.id),
            status=SyncStatus(row.status),
            trigger=SyncTrigger(row.trigger),
            period_start=row.period_start,
            period_end=row.period_end,
            started_at=row.started_at,
            finished_at=row.finished_at,
            fetched=row.fetched,
            stored=row.stored,
            rejected=row.rejected,
            error=row.error,
        )


@strawberry.type(
    description="A tenant's configuration of a connector. Secret values are never returned."
)
class ConnectorConfig(relay.Node):
    id: relay.NodeID[str]
    connector: str
    name: str
    settings: JSON
    secrets_set: list[str] = strawberry.field(description="Names of the secrets that are set.")
    match_by: MatchBy
    schedule_minutes: int | None
    enabled: bool
    cursor: str | None
    last_run_at: datetime | None
    row: strawberry.Private[m.ConnectorConfig]

    @classmethod
    def of(cls, row: m.ConnectorConfig, secrets_set: list[str]) -> ConnectorConfig:
        return cls(
            id=str(row.id),
            connector=row.connector,
            name=row.name,
            settings=JSON(row.settings),
            secrets_set=secrets_set,
            match_by=MatchBy(row.match_by),
            schedule_minutes=row.schedule_minutes,
            enabled=row.enabled,
            cursor=row.cursor,
            last_run_at=row.last_run_at,
            row=row,
        )

    @strawberry.field(description="Most recent runs first.")
    async def runs(self, info: Info, first: int = 10) -> list[SyncRun]:
        from server.services import collection

        rows = await collection.runs(
            info.context.actor, info.context.runtime.connector_configs, self.row.id, first
        )
        return [SyncRun.of(r) for r in rows]


@strawberry.type(
    description="A record that could not be stored, with the reason; nothing is dropped."
)
class QuarantinedRecord(relay.Node):
    id: relay.NodeID[str]
    employee_key: str
    metric: str
    day: date | None
    value: str
    source_id: str
    reason_code: QuarantineReason = strawberry.field(description="Why, as a stable code.")
    reason: str = strawberry.field(description="Why, in words, quoting the record.")
    payload: JSON
    created_at: datetime
    resolved_at: datetime | None

    @classmethod
    def of(cls, row: m.QuarantinedRecord) -> QuarantinedRecord:
        return cls(
            id=str(row.id),
            employee_key=row.employee_key,
            metric=row.metric,
            day=row.day,
            value=row.value,
            source_id=row.source_id,
            reason_code=QuarantineReason(row.reason_code),
            reason=row.reason,
            payload=JSON(row.payload),
            created_at=row.created_at,
            resolved_at=row.resolved_at,
        )


@strawberry.type
class QuarantineEdge:
    cursor: str
    node: QuarantinedRecord


@strawberry.type
class QuarantineConnection:
    edges: list[QuarantineEdge]
    page_info: relay.PageInfo


@strawberry.type(description="A collected value for one person.")
class MetricFact:
    metric: str
    period_start: date
    period_end: date
    value: Decimal
    source: str
    source_id: str

    @classmethod
    def of(cls, row: m.MetricFact) -> MetricFact:
        return cls(
            metric=row.metric,
            period_start=row.period_start,
            period_end=row.period_end,
            value=row.value,
            source=row.source,
            source_id=row.source_id,
        )


@strawberry.type
class ReprocessResult:
    stored: int
    still_rejected: int


@strawberry.type
class ConnectionTest:
    ok: bool
    message: str | None
