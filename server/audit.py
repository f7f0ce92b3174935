"""Writing the append-only audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from server.authz import Authorizer, Caller
from server.masking import mask_personal
from server.models import AuditEntry


@dataclass(frozen=True)
class Actor:
    """Who is acting and from where: what every service function receives."""

    authz: Authorizer
    request_id: str = ""
    client_address: str = ""

    @property
    def caller(self) -> Caller:
        return self.authz.caller


def _plain(value: Any) -> Any:
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that differ, so each entry says what changed."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


@dataclass(frozen=True)
class Origin:
    """Where a request came from, for entries written before anyone is signed in."""

    request_id: str = ""
    client_address: str = ""


async def record_event(
    company_id: UUID,
    actor_id: UUID | None,
    origin: Origin | Actor,
    action: str,
    object_type: str,
    object_id: UUID | str,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    return await AuditEntry.create(
        company_id=company_id,
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=None if before is None else _plain(mask_personal(before)),
        after=None if after is None else _plain(mask_personal(after)),
        request_id=origin.request_id[:64],
        client_address=origin.client_address[:64],
    )


async def record(
    actor: Actor,
    action: str,
    object_type: str,
    object_id: UUID | str,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    caller = actor.caller
    return await record_event(
        caller.company_id,
        caller.employee_id,
        actor,
        action,
        object_type,
        object_id,
        before=before,
        after=after,
    )
