"""The audit log, readable by tenant admins and the HR VP."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from schema.permissions import IsAuthenticated
from server.models import AuditEntry as AuditRow
from server.paging import after_filter, check_first, encode_cursor


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
    ) -> AuditConnection:
        check_first(first)
        actor = info.context.actor
        actor.authz.require_some("audit_entry", "read")
        query = AuditRow.filter(company_id=actor.caller.company_id)
        if object_type:
            query = query.filter(object_type=object_type)
        if action:
            query = query.filter(action=action)
        # Newest first: the cursor key is the timestamp, compared in reverse.
        if (
            after_q := after_filter(
                "created_at", after, descending=True, parse=datetime.fromisoformat
            )
        ) is not None:
            query = query.filter(after_q)
        rows = await query.order_by("-created_at", "-id").limit(first + 1)
        page = rows[:first]
        cursors = [encode_cursor(r.created_at.isoformat(), r.id) for r in page]
        return AuditConnection(
            edges=[
                AuditEdge(cursor=c, node=AuditEntry.of(r))
                for r, c in zip(page, cursors, strict=True)
            ],
            page_info=relay.PageInfo(
                has_next_page=len(rows) > first,
                has_previous_page=False,
                start_cursor=cursors[0] if cursors else None,
                end_cursor=cursors[-1] if cursors else None,
            ),
        )
