"""The audit log, readable by tenant admins and the HR VP."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from schema import ids
from schema.paging import page_info
from schema.permissions import IsAuthenticated
from server.audit import AuditFilter, list_entries
from server.models import AuditEntry as AuditRow


@strawberry.type(
    description="One change made through the API; entries are never changed or deleted."
)
class AuditEntry(relay.Node):
    id: relay.NodeID[str]
    action: str
    object_type: str
    object_id: str
    actor_id: str | None
    before: JSON | None
    after: JSON | None
    request_id: str
    client_address: str
    created_at: datetime

    @classmethod
    def of(cls, row: AuditRow) -> AuditEntry:
        return cls(
            id=str(row.id),
            action=row.action,
            object_type=row.object_type,
            object_id=row.object_id,
            actor_id=None if row.actor_id is None else str(row.actor_id),
            before=row.before,
            after=row.after,
            request_id=row.request_id,
            client_address=row.client_address,
            created_at=row.created_at,
        )


@strawberry.type
class AuditEdge:
    cursor: str
    node: AuditEntry


@strawberry.type
class AuditConnection:
    edges: list[AuditEdge]
    page_info: relay.PageInfo


@strawberry.input(description="Every given field narrows the log.")
class AuditFilterInput:
    object_type: str | None = None
    object_id: strawberry.ID | None = strawberry.field(default=None, description="A global ID")
    action: str | None = None
    actor_id: strawberry.ID | None = strawberry.field(
        default=None, description="An employee's global ID"
    )
    since: datetime | None = None
    until: datetime | None = None


@strawberry.type
class AuditQuery:
    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="Newest first. Personal data in before/after is masked.",
    )
    async def audit_log(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        object_type: str | None = None,
        action: str | None = None,
        filter: AuditFilterInput | None = None,
    ) -> AuditConnection:
        given = filter or AuditFilterInput()
        flt = AuditFilter(
            object_type=given.object_type or object_type,
            object_id=None
            if given.object_id is None
            else str(ids.decode_any(given.object_id, "filter.objectId")[1]),
            action=given.action or action,
            actor_id=None
            if given.actor_id is None
            else ids.decode(given.actor_id, "Employee", "filter.actorId"),
            since=given.since,
            until=given.until,
        )
        page = await list_entries(info.context.actor, flt, first, after)
        edges = [
            AuditEdge(cursor=c, node=AuditEntry.of(r))
            for r, c in zip(page.rows, page.cursors, strict=True)
        ]
        return AuditConnection(edges=edges, page_info=page_info(page.cursors, page.has_next))
