"""Queries, mutations and the progress subscription for connectors and syncs."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import date
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from schema import ids
from schema.connectors.types import (
    ConnectionTest,
    Connector,
    ConnectorConfig,
    MetricFact,
    PluginFailure,
    QuarantineConnection,
    QuarantinedRecord,
    QuarantineEdge,
    ReprocessResult,
    SyncRun,
)
from schema.enums import MatchBy
from schema.paging import page_info
from schema.permissions import IsAuthenticated
from server.authz import CONNECTOR_CONFIG_READ
from server.errors import BadInput
from server.events import sync_events
from server.services import collection
from server.services.connectors import ConfigInput

AUTH = [IsAuthenticated]


def _configs(info: Info):
    return info.context.runtime.connector_configs


def _config(info: Info, row: Any) -> ConnectorConfig:
    return ConnectorConfig.of(row, _configs(info).secret_names(row))


@strawberry.input
class PeriodInput:
    start: date
    end: date


@strawberry.input
class CreateConnectorConfigInput:
    connector: str
    name: str
    # Optional without a default, not `JSON! = {}`: graphql-core cannot introspect an object
    # default of a scalar (full introspection answered INTERNAL). Omitted means {}.
    settings: JSON | None = strawberry.field(
        default=strawberry.UNSET, description="The connector's settings; omitted or null: none."
    )
    secrets: JSON | None = strawberry.field(
        default=strawberry.UNSET, description="Write-only values; omitted or null: none."
    )
    match_by: MatchBy = MatchBy.EMPLOYEE_NUMBER
    schedule_minutes: int | None = None
    enabled: bool = True


@strawberry.input(
    description="Only the fields given change; in settings and secrets, null removes a key."
)
class UpdateConnectorConfigInput:
    name: str | None = strawberry.UNSET
    settings: JSON | None = strawberry.UNSET
    secrets: JSON | None = strawberry.UNSET
    match_by: MatchBy | None = strawberry.UNSET
    schedule_minutes: int | None = strawberry.UNSET
    enabled: bool | None = strawberry.UNSET


def _object(value: Any, field: str) -> dict[str, Any]:
    if value is None or value is strawberry.UNSET:
        return {}
    if not isinstance(value, dict):
        raise BadInput("invalid_format", field=field, hint="a JSON object")
    return value


@strawberry.type
class ConnectorQuery:
    @strawberry.field(permission_classes=AUTH, description="Installed connector plugins.")
    def connectors(self, info: Info) -> list[Connector]:
        info.context.actor.authz.require(CONNECTOR_CONFIG_READ)
        plugins = info.context.runtime.plugins
        return [
            Connector.of(cls, plugins.sources[name])
            for name, cls in sorted(plugins.connectors.items())
        ]

    @strawberry.field(permission_classes=AUTH, description="Plugins that failed to load.")
    def plugin_failures(self, info: Info) -> list[PluginFailure]:
        info.context.actor.authz.require(CONNECTOR_CONFIG_READ)
        return [
            PluginFailure(plugin=f.plugin, stage=f.stage, message=f.message)
            for f in info.context.runtime.plugins.failures
        ]

    @strawberry.field(permission_classes=AUTH)
    async def connector_configs(self, info: Info) -> list[ConnectorConfig]:
        return [_config(info, row) for row in await _configs(info).list(info.context.actor)]

    @strawberry.field(permission_classes=AUTH)
    async def connector_config(self, info: Info, id: strawberry.ID) -> ConnectorConfig:
        row = await _configs(info).get(info.context.actor, ids.decode(id, "ConnectorConfig"))
        return _config(info, row)

    @strawberry.field(permission_classes=AUTH)
    async def sync_run(self, info: Info, id: strawberry.ID) -> SyncRun:
        return SyncRun.of(await collection.get_run(info.context.actor, ids.decode(id, "SyncRun")))

    @strawberry.field(
        permission_classes=AUTH, description="Records a connector could not store, and why."
    )
    async def quarantine(
        self,
        info: Info,
        config_id: strawberry.ID,
        first: int = 50,
        after: str | None = None,
        resolved: bool = False,
    ) -> QuarantineConnection:
        page = await collection.quarantine(
            info.context.actor,
            _configs(info),
            ids.decode(config_id, "ConnectorConfig", "configId"),
            first,
            after,
            resolved,
        )
        edges = [
            QuarantineEdge(cursor=c, node=QuarantinedRecord.of(r))
            for r, c in zip(page.rows, page.cursors, strict=True)
        ]
        return QuarantineConnection(edges=edges, page_info=page_info(page.cursors, page.has_next))

    @strawberry.field(
        permission_classes=AUTH, description="One person's collected values in a period."
    )
    async def metric_facts(
        self, info: Info, employee_id: strawberry.ID, period: PeriodInput, metric: str | None = None
    ) -> list[MetricFact]:
        rows = await collection.facts(
            info.context.actor,
            ids.decode(employee_id, "Employee", "employeeId"),
            metric,
            period.start,
            period.end,
        )
        return [MetricFact.of(r) for r in rows]


@strawberry.type
class ConnectorMutation:
    @strawberry.mutation(permission_classes=AUTH)
    async def create_connector_config(
        self, info: Info, input: CreateConnectorConfigInput
    ) -> ConnectorConfig:
        data = ConfigInput(
            connector=input.connector,
            name=input.name,
            settings=_object(input.settings, "settings"),
            secrets=_object(input.secrets, "secrets"),
            match_by=input.match_by,
            schedule_minutes=input.schedule_minutes,
            enabled=input.enabled,
        )
        return _config(info, await _configs(info).create(info.context.actor, data))

    @strawberry.mutation(permission_classes=AUTH)
    async def update_connector_config(
        self, info: Info, id: strawberry.ID, input: UpdateConnectorConfigInput
    ) -> ConnectorConfig:
        changes: dict[str, Any] = {}
        for key in ("name", "match_by", "schedule_minutes", "enabled"):
            value = getattr(input, key)
            if value is not strawberry.UNSET and (value is not None or key == "schedule_minutes"):
                changes[key] = value
        changes["settings"] = _object(input.settings, "settings")
        changes["secrets"] = _object(input.secrets, "secrets")
        row = await _configs(info).update(
            info.context.actor, ids.decode(id, "ConnectorConfig"), changes
        )
        return _config(info, row)

    @strawberry.mutation(
        permission_classes=AUTH, description="Remove a configuration; its runs and facts stay."
    )
    async def delete_connector_config(self, info: Info, id: strawberry.ID) -> bool:
        await _configs(info).delete(info.context.actor, ids.decode(id, "ConnectorConfig"))
        return True

    @strawberry.mutation(permission_classes=AUTH, description="Check credentials and reachability.")
    async def test_connection(self, info: Info, id: strawberry.ID) -> ConnectionTest:
        problem = await _configs(info).test(info.context.actor, ids.decode(id, "ConnectorConfig"))
        return ConnectionTest(ok=problem is None, message=problem)

    @strawberry.mutation(
        permission_classes=AUTH, description="Start a sync; follow it with `syncProgress`."
    )
    async def sync_connector(
        self, info: Info, config_id: strawberry.ID, period: PeriodInput
    ) -> SyncRun:
        run = await collection.start_sync(
            info.context.actor,
            _configs(info),
            ids.decode(config_id, "ConnectorConfig", "configId"),
            collection.period(period.start, period.end),
        )
        return SyncRun.of(run)

    @strawberry.mutation(
        permission_classes=AUTH, description="Import an exported file (base64, ≤ 20 MB)."
    )
    async def import_file(
        self,
        info: Info,
        config_id: strawberry.ID,
        file_name: str,
        content_base64: str,
        period: PeriodInput,
    ) -> SyncRun:
        run = await collection.import_file(
            info.context.actor,
            _configs(info),
            ids.decode(config_id, "ConnectorConfig", "configId"),
            file_name,
            content_base64,
            collection.period(period.start, period.end),
        )
        return SyncRun.of(run)

    @strawberry.mutation(
        permission_classes=AUTH, description="Try the open quarantine of a config again."
    )
    async def reprocess_quarantine(self, info: Info, config_id: strawberry.ID) -> ReprocessResult:
        stored, still = await _configs(info).reprocess(
            info.context.actor, ids.decode(config_id, "ConnectorConfig", "configId")
        )
        return ReprocessResult(stored=stored, still_rejected=still)


@strawberry.type
class ConnectorSubscription:
    @strawberry.subscription(
        permission_classes=AUTH, description="Progress of one sync run until it ends."
    )
    async def sync_progress(
        self, info: Info, run_id: strawberry.ID
    ) -> AsyncGenerator[SyncRun, None]:
        actor = info.context.actor
        run = await collection.get_run(actor, ids.decode(run_id, "SyncRun", "runId"))
        async with sync_events.subscribe(actor.caller.company_id) as queue:
            await run.refresh_from_db()
            yield SyncRun.of(run)
            while run.status == "running":
                event = await queue.get()
                if event.run_id != run.id:
                    continue
                # Read again as the subscriber stands now: signed out or deactivated is
                # UNAUTHENTICATED, no longer allowed to see runs is NOT_FOUND; both end it.
                run = await collection.get_run(await info.context.reauthorize(), run.id)
                yield SyncRun.of(run)
