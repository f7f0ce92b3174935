"""Reads of installed connectors, their configurations, sync runs, quarantine and facts."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from strawberry.types import Info

from schema import ids
from schema.connectors.types import (
    Connector,
    ConnectorConfig,
    MetricFact,
    PluginFailure,
    QuarantineConnection,
    QuarantinedRecord,
    QuarantineEdge,
    SyncRun,
)
from schema.enums import PluginStage
from schema.paging import page_info
from schema.permissions import AUTH
from server.services import collection, plugins
from server.services.connectors import ConnectorConfigs


def configs(info: Info) -> ConnectorConfigs:
    return info.context.runtime.connector_configs


def config_of(info: Info, row: Any) -> ConnectorConfig:
    return ConnectorConfig.of(row, configs(info).secret_names(row))


@strawberry.input
class PeriodInput:
    start: date
    end: date


@strawberry.type
class ConnectorQuery:
    @strawberry.field(permission_classes=AUTH, description="Installed connector plugins.")
    def connectors(self, info: Info) -> list[Connector]:
        found = plugins.installed_connectors(info.context.actor, info.context.runtime.plugins)
        return [Connector.of(cls, plugin) for cls, plugin in found]

    @strawberry.field(permission_classes=AUTH, description="Plugins that failed to load.")
    def plugin_failures(self, info: Info) -> list[PluginFailure]:
        failed = plugins.plugin_failures(info.context.actor, info.context.runtime.plugins)
        return [
            PluginFailure(plugin=f.plugin, stage=PluginStage(f.stage), message=f.message)
            for f in failed
        ]

    @strawberry.field(permission_classes=AUTH)
    async def connector_configs(self, info: Info) -> list[ConnectorConfig]:
        return [config_of(info, row) for row in await configs(info).list(info.context.actor)]

    @strawberry.field(permission_classes=AUTH)
    async def connector_config(self, info: Info, id: strawberry.ID) -> ConnectorConfig:
        row = await configs(info).get(info.context.actor, ids.decode(id, "ConnectorConfig"))
        return config_of(info, row)

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
            configs(info),
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
