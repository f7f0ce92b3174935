"""Writing the append-only audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from server.authz import AUDIT_ENTRY_READ, PEER_REVIEW_READ_ALL, Authorizer, Caller
from server.errors import NotFound
from server.masking import mask_personal
from server.metrics import MetricRegistry
from server.models import AuditEntry
from server.paging import Page, after_filter, check_first, encode_cursor
from server.vocabulary import AuditAction, AuditObjectType


@dataclass(frozen=True)
class Actor:
    """What every service function receives: who is acting, from where, and the services'
    dependencies beyond the database (so they are never passed argument by argument)."""

    authz: Authorizer
    # The installed connectors' metrics: what an indicator's data source may name. Required:
    # an empty default would quietly call every data source unknown.
    metrics: MetricRegistry
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
    action: AuditAction,
    object_type: AuditObjectType,
    object_id: UUID | str,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry. Only the vocabulary's actions and object types are written (a plain
    string outside them raises ValueError), so the API's enums can name every stored entry."""
    return await AuditEntry.create(
        company_id=company_id,
        actor_id=actor_id,
        action=AuditAction(action).value,
        object_type=AuditObjectType(object_type).value,
        object_id=str(object_id),
        before=None if before is None else _plain(mask_personal(before)),
        after=None if after is None else _plain(mask_personal(after)),
        request_id=origin.request_id[:64],
        client_address=origin.client_address[:64],
    )


async def record(
    actor: Actor,
    action: AuditAction,
    object_type: AuditObjectType,
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


@dataclass(frozen=True)
class AuditFilter:
    object_type: AuditObjectType | None = None
    object_id: str | None = None
    action: AuditAction | None = None
    actor_id: UUID | None = None
    since: datetime | None = None
    until: datetime | None = None


# Entries about 360 input name the colleagues asked and who answered (the actor, his
# request's origin, the objects and values). Only peer_review:read_all reads them whole;
# anyone else, the subject included should he read the log, sees that something happened
# and when, nothing more (docs/peer_reviews.md).
PEER_OBJECT_TYPES = frozenset(
    {AuditObjectType.PEER_REVIEW.value, AuditObjectType.PEER_RESPONSE.value}
)


def _conceal(actor: Actor, rows: list[AuditEntry]) -> list[AuditEntry]:
    """Blank the identifying fields of peer entries in memory (never saved)."""
    if actor.authz.check(PEER_REVIEW_READ_ALL):
        return rows
    for row in rows:
        if row.object_type in PEER_OBJECT_TYPES:
            row.actor_id = None
            row.object_id = ""
            row.before = None
            row.after = None
            row.request_id = ""
            row.client_address = ""
    return rows


async def get_entry(actor: Actor, entry_id: UUID) -> AuditEntry:
    row = await AuditEntry.get_or_none(id=entry_id, company_id=actor.caller.company_id)
    if row is None or not actor.authz.check(AUDIT_ENTRY_READ):
        raise NotFound("audit_entry")
    return _conceal(actor, [row])[0]


async def list_entries(
    actor: Actor, flt: AuditFilter, first: int, after: str | None
) -> Page[AuditEntry]:
    """The company's audit log, newest first, for those the policy lets read it."""
    check_first(first)
    actor.authz.require(AUDIT_ENTRY_READ)
    query = AuditEntry.filter(company_id=actor.caller.company_id)
    for column, value in (
        ("object_type", None if flt.object_type is None else flt.object_type.value),
        ("object_id", flt.object_id),
        ("action", None if flt.action is None else flt.action.value),
        ("actor_id", flt.actor_id),
    ):
        if value is not None:
            query = query.filter(**{column: value})
    if (flt.actor_id or flt.object_id) and not actor.authz.check(PEER_REVIEW_READ_ALL):
        # Filtering by a person or an object would tell who stands behind a peer entry.
        query = query.exclude(object_type__in=list(PEER_OBJECT_TYPES))
    if flt.since is not None:
        query = query.filter(created_at__gte=flt.since)
    if flt.until is not None:
        query = query.filter(created_at__lt=flt.until)
    cursor_q = after_filter("created_at", after, descending=True, parse=datetime.fromisoformat)
    if cursor_q is not None:
        query = query.filter(cursor_q)
    rows = await query.order_by("-created_at", "-id").limit(first + 1)
    page = _conceal(actor, rows[:first])
    return Page(
        page, [encode_cursor(r.created_at.isoformat(), r.id) for r in page], len(rows) > first
    )
