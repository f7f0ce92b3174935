"""Per-tenant connector configurations: validated against the connector's declared fields,
secrets sealed and write-only, every change audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse
from uuid import UUID

from tortoise.transactions import in_transaction

from plugins.contract import ConfigField, Connector
from server import validation
from server.audit import Actor, changed, record
from server.authz import (
    CONNECTOR_CONFIG_CREATE,
    CONNECTOR_CONFIG_DELETE,
    CONNECTOR_CONFIG_READ,
    CONNECTOR_CONFIG_SYNC,
    CONNECTOR_CONFIG_UPDATE,
    QUARANTINE_REPROCESS,
    Permission,
)
from server.errors import BadInput, Conflict, NotFound
from server.models import ConnectorConfig
from server.models.sync import MATCH_BY
from server.sync.engine import SyncEngine
from server.sync.guard import literal_host_allowed
from server.sync.redact import describe
from server.vocabulary import AuditAction, AuditObjectType

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "url": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
}


def _check_value(spec: ConfigField, value: Any, path: str, allow_private: bool) -> Any:
    expected = _TYPES[spec.type]
    if isinstance(value, bool) and bool not in expected:
        raise BadInput("invalid_format", field=path, hint=f"expected {spec.type}")
    if not isinstance(value, expected):
        raise BadInput("invalid_format", field=path, hint=f"expected {spec.type}")
    if spec.type == "url":
        try:
            parsed = urlparse(str(value))
        except ValueError as exc:  # e.g. an unclosed "[" of an IPv6 address
            raise BadInput("invalid_format", field=path, hint="an http(s) URL") from exc
        if parsed.scheme not in {"http", "https"} or not parsed.netloc:
            raise BadInput("invalid_format", field=path, hint="an http(s) URL")
        # Early and clear for literal addresses; names are checked after DNS, at connection
        # time (server.sync.guard).
        if not allow_private and not literal_host_allowed(parsed.hostname or ""):
            raise BadInput("private_address", field=path)
    if spec.choices and value not in spec.choices:
        raise BadInput("invalid_format", field=path, hint="one of " + ", ".join(spec.choices))
    if isinstance(value, str) and len(value) > 4000:
        raise BadInput("too_long", field=path, max=4000)
    return value


def clean_config(
    cls: type[Connector],
    settings: dict[str, Any],
    secrets: dict[str, Any],
    *,
    current: dict[str, Any] | None = None,
    current_secrets: frozenset[str] = frozenset(),
    allow_private: bool = True,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check settings and secrets against the connector's fields.

    Returns the full new settings and the secret changes (a None value removes a secret).
    """
    fields = {f.name: f for f in cls.config_fields}
    clean = dict(current or {})
    secret_changes: dict[str, Any] = {}
    for group, values, secret in (("settings", settings, False), ("secrets", secrets, True)):
        for name, value in values.items():
            spec, path = fields.get(name), f"{group}.{name}"
            if spec is None:
                raise BadInput(
                    "invalid_format", field=path, hint=f"{cls.name} has no setting {name!r}"
                )
            if spec.secret != secret:
                where = "secrets" if spec.secret else "settings"
                raise BadInput("invalid_format", field=path, hint=f"{name!r} belongs in {where}")
            checked = None if value is None else _check_value(spec, value, path, allow_private)
            if secret:
                secret_changes[name] = checked
            elif checked is None:
                clean.pop(name, None)
            else:
                clean[name] = checked
    kept = {k for k in current_secrets if secret_changes.get(k, k) is not None}
    present = set(clean) | kept | {k for k, v in secret_changes.items() if v is not None}
    for spec in cls.config_fields:
        if spec.required and spec.default is None and spec.name not in present:
            raise BadInput(
                "required", field=f"{'secrets' if spec.secret else 'settings'}.{spec.name}"
            )
    return clean, secret_changes


@dataclass(frozen=True)
class ConfigInput:
    connector: str
    name: str
    settings: dict[str, Any]
    secrets: dict[str, Any]
    match_by: str = "employee_number"
    schedule_minutes: int | None = None
    enabled: bool = True


def _match_by(value: str) -> str:
    if value not in MATCH_BY:
        raise BadInput("invalid_format", field="matchBy", hint="one of " + ", ".join(MATCH_BY))
    return value


def _schedule(value: int | None) -> int | None:
    if value is not None and not 5 <= value <= 7 * 24 * 60:
        raise BadInput("date_range", field="scheduleMinutes", min=5, max=7 * 24 * 60)
    return value


def _audit_view(config: ConnectorConfig, secret_names: list[str]) -> dict[str, Any]:
    # Secret values never reach the audit log: only which secrets are set.
    return {
        "connector": config.connector,
        "name": config.name,
        "settings": config.settings,
        "secrets_set": sorted(secret_names),
        "match_by": config.match_by,
        "schedule_minutes": config.schedule_minutes,
        "enabled": config.enabled,
    }


class ConnectorConfigs:
    def __init__(self, engine: SyncEngine) -> None:
        self.engine = engine

    def connector(self, name: str, field: str = "connector") -> type[Connector]:
        cls = self.engine.connector(name)
        if cls is None:
            raise BadInput(
                "invalid_format", field=field, hint=f"no installed connector named {name!r}"
            )
        return cls

    def secret_names(self, config: ConnectorConfig) -> list[str]:
        return sorted(self.engine.box.open(config.sealed_secrets))

    async def list(self, actor: Actor) -> list[ConnectorConfig]:
        actor.authz.require(CONNECTOR_CONFIG_READ)
        return await ConnectorConfig.filter(
            company_id=actor.caller.company_id, deleted_at=None
        ).order_by("name")

    async def get(
        self, actor: Actor, config_id: UUID, perm: Permission = CONNECTOR_CONFIG_READ
    ) -> ConnectorConfig:
        config = await ConnectorConfig.get_or_none(
            id=config_id, company_id=actor.caller.company_id, deleted_at=None
        )
        if config is None or not actor.authz.check(CONNECTOR_CONFIG_READ):
            raise NotFound("connector_config")
        actor.authz.require(perm)
        return config

    async def create(self, actor: Actor, data: ConfigInput) -> ConnectorConfig:
        actor.authz.require(CONNECTOR_CONFIG_CREATE)
        cls = self.connector(data.connector)
        name = validation.text(data.name, "name")
        settings, secrets = clean_config(
            cls, data.settings, data.secrets, allow_private=self.engine.allow_private
        )
        if await ConnectorConfig.filter(
            company_id=actor.caller.company_id, name=name, deleted_at=None
        ).exists():
            raise Conflict("name_taken", name=name)
        async with in_transaction():
            config = await ConnectorConfig.create(
                company_id=actor.caller.company_id,
                connector=cls.name,
                name=name,
                settings=settings,
                sealed_secrets=self.engine.box.seal(
                    {k: v for k, v in secrets.items() if v is not None}
                ),
                match_by=_match_by(data.match_by),
                schedule_minutes=_schedule(data.schedule_minutes),
                enabled=data.enabled,
            )
            await record(
                actor,
                AuditAction.CONNECTOR_CONFIG_CREATE,
                AuditObjectType.CONNECTOR_CONFIG,
                config.id,
                after=_audit_view(config, self.secret_names(config)),
            )
        return config

    async def update(
        self, actor: Actor, config_id: UUID, changes: dict[str, Any]
    ) -> ConnectorConfig:
        config = await self.get(actor, config_id, CONNECTOR_CONFIG_UPDATE)
        cls = self.connector(config.connector)
        before = _audit_view(config, self.secret_names(config))
        old_secrets = self.engine.box.open(config.sealed_secrets)
        settings, secrets = clean_config(
            cls,
            changes.get("settings") or {},
            changes.get("secrets") or {},
            current=config.settings,
            current_secrets=frozenset(old_secrets),
            allow_private=self.engine.allow_private,
        )
        merged = {**old_secrets, **secrets}
        config.settings = settings
        config.sealed_secrets = self.engine.box.seal(
            {k: v for k, v in merged.items() if v is not None}
        )
        if "name" in changes:
            config.name = validation.text(changes["name"], "name")
        if "match_by" in changes:
            config.match_by = _match_by(changes["match_by"])
        if "schedule_minutes" in changes:
            config.schedule_minutes = _schedule(changes["schedule_minutes"])
        if "enabled" in changes:
            config.enabled = bool(changes["enabled"])
        old, new = changed(before, _audit_view(config, self.secret_names(config)))
        async with in_transaction():
            await config.save()
            await record(
                actor,
                AuditAction.CONNECTOR_CONFIG_UPDATE,
                AuditObjectType.CONNECTOR_CONFIG,
                config.id,
                before=old,
                after=new,
            )
        return config

    async def delete(self, actor: Actor, config_id: UUID) -> ConnectorConfig:
        config = await self.get(actor, config_id, CONNECTOR_CONFIG_DELETE)
        async with in_transaction():
            # Kept, not erased: its runs and the facts it collected stay explainable.
            config.deleted_at = datetime.now(UTC)
            config.enabled = False
            config.sealed_secrets = ""
            await config.save()
            await record(
                actor,
                AuditAction.CONNECTOR_CONFIG_DELETE,
                AuditObjectType.CONNECTOR_CONFIG,
                config.id,
                before={"name": config.name, "connector": config.connector},
            )
        return config

    async def test(self, actor: Actor, config_id: UUID) -> str | None:
        """None when the source answers; otherwise the reason, redacted (server.sync.redact):
        the caller may run syncs but must never see a secret."""
        config = await self.get(actor, config_id, CONNECTOR_CONFIG_SYNC)
        cls = self.connector(config.connector)
        redact = self.engine.redactor(config)
        try:
            async with self.engine.session(redact) as session:
                await cls().test_connection(session, self.engine.config_for(config))
        except Exception as exc:  # every failure is a message for the admin, never a 500
            self.engine.log_failure(f"connection test of {config.connector}", exc, redact)
            return describe(exc, redact)[:500]
        finally:
            await record(
                actor,
                AuditAction.CONNECTOR_CONFIG_TEST,
                AuditObjectType.CONNECTOR_CONFIG,
                config.id,
            )
        return None

    async def reprocess(self, actor: Actor, config_id: UUID) -> tuple[int, int]:
        actor.authz.require(QUARANTINE_REPROCESS)
        config = await self.get(actor, config_id)
        stored, still = await self.engine.reprocess(config)
        await record(
            actor,
            AuditAction.QUARANTINE_REPROCESS,
            AuditObjectType.CONNECTOR_CONFIG,
            config.id,
            after={"stored": stored, "still_rejected": still},
        )
        return stored, still
