"""Mutations of connector configurations, and starting syncs and imports."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from schema import ids
from schema.connectors.queries import PeriodInput, config_of, configs
from schema.connectors.types import ConnectionTest, ConnectorConfig, ReprocessResult, SyncRun
from schema.enums import MatchBy
from schema.permissions import AUTH
from server.errors import BadInput
from server.services import collection
from server.services.connectors import ConfigInput


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
        return config_of(info, await configs(info).create(info.context.actor, data))

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
        row = await configs(info).update(
            info.context.actor, ids.decode(id, "ConnectorConfig"), changes
        )
        return config_of(info, row)

    @strawberry.mutation(
        permission_classes=AUTH, description="Remove a configuration; its runs and facts stay."
    )
    async def delete_connector_config(self, info: Info, id: strawberry.ID) -> bool:
        await configs(info).delete(info.context.actor, ids.decode(id, "ConnectorConfig"))
        return True

    @strawberry.mutation(permission_classes=AUTH, description="Check credentials and reachability.")
    async def test_connection(self, info: Info, id: strawberry.ID) -> ConnectionTest:
        problem = await configs(info).test(info.context.actor, ids.decode(id, "ConnectorConfig"))
        return ConnectionTest(ok=problem is None, message=problem)

    @strawberry.mutation(
        permission_classes=AUTH, description="Start a sync; follow it with `syncProgress`."
    )
    async def sync_connector(
        self, info: Info, config_id: strawberry.ID, period: PeriodInput
    ) -> SyncRun:
        run = await collection.start_sync(
            info.context.actor,
            configs(info),
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
            configs(info),
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
        stored, still = await configs(info).reprocess(
            info.context.actor, ids.decode(config_id, "ConnectorConfig", "configId")
        )
        return ReprocessResult(stored=stored, still_rejected=still)
