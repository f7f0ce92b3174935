"""The audit log, readable by tenant admins and the HR VP."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from schema import ids
from schema.enums import AuditAction, AuditObjectType
from schema.org.types import Employee, visible_employee
from schema.paging import page_info
from schema.permissions import IsAuthenticated
from server.audit import AuditFilter, list_entries
from server.models import AuditEntry as AuditRow

# The audit log's object types -> the GraphQL type whose global ID names such an object.
# A sign-in session and a policy version have no GraphQL type, so their entries carry no
# objectId (a policy reload names the version it loaded in the entry's `after`).
GRAPHQL_TYPES: dict[str, str] = {
    AuditObjectType.COMPANY: "Company",
    AuditObjectType.DEPARTMENT: "Department",
    AuditObjectType.EMPLOYEE: "Employee",
    AuditObjectType.ROLE_ASSIGNMENT: "RoleAssignment",
    AuditObjectType.PLAN: "Plan",
    AuditObjectType.PLAN_COMMENT: "PlanComment",
    AuditObjectType.TEMPLATE: "Template",
    AuditObjectType.CONNECTOR_CONFIG: "ConnectorConfig",
    AuditObjectType.SYNC_RUN: "SyncRun",
    AuditObjectType.SCORE: "Score",
    AuditObjectType.ASSIGNMENT: "Assignment",
    AuditObjectType.ACTUAL: "Actual",
    AuditObjectType.EVALUATION: "Evaluation",
    AuditObjectType.FEEDBACK: "Feedback",
    AuditObjectType.NOTE: "Note",
    # The settings are the company's: their entries are about the company.
    AuditObjectType.SCORING_SETTINGS: "Company",
    # 360 input (a response has no type of its own: it is read inside its request) and bonuses
    AuditObjectType.PEER_REVIEW: "PeerReview",
    AuditObjectType.PEER_RESPONSE: "PeerReview",
    AuditObjectType.PEER_REVIEW_SETTINGS: "Company",
    AuditObjectType.BONUS_SETTINGS: "Company",
    AuditObjectType.BONUS_BASE: "Employee",
    AuditObjectType.REMINDER_SETTINGS: "Company",
    AuditObjectType.CALIBRATION_SESSION: "CalibrationSession",
    AuditObjectType.CALIBRATION_SETTINGS: "Company",
    # Marking read and preferences are about the person himself.
    AuditObjectType.NOTIFICATION: "Employee",
    AuditObjectType.NOTIFICATION_PREFERENCES: "Employee",
    AuditObjectType.ANALYTICS_SETTINGS: "Company",
}
# A channel's configuration and a delivery are the tenant admin's plumbing, read through
# their own queries, with no GraphQL type of their own: their entries carry no objectId.
WITHOUT_GRAPHQL_TYPE = frozenset(
    {
        AuditObjectType.SESSION,
        AuditObjectType.POLICY,
        AuditObjectType.NOTIFICATION_CHANNEL,
        AuditObjectType.NOTIFICATION_DELIVERY,
    }
)


def object_global_id(object_type: str, object_id: str) -> strawberry.ID | None:
    type_name = GRAPHQL_TYPES.get(object_type)
    if type_name is None:
        return None
    try:
        return strawberry.ID(ids.encode(type_name, UUID(object_id)))
    except ValueError:  # never written so; an odd row must not fail the whole page
        return None


@strawberry.type(
    description="One change made through the API; entries are never changed or deleted."
)
class AuditEntry(relay.Node):
    id: relay.NodeID[str]
    action: AuditAction
    object_type: AuditObjectType
    object_id: strawberry.ID | None = strawberry.field(
        description="The object's global ID (its type follows from objectType); null for "
        "objects without a GraphQL type (sign-in sessions)."
    )
    actor_id: strawberry.ID | None = strawberry.field(
        description="The acting employee's global ID; null when nobody was signed in "
        "(a failed sign-in)."
    )
    before: JSON | None
    after: JSON | None
    request_id: str
    client_address: str
    created_at: datetime
    row: strawberry.Private[AuditRow]

    @classmethod
    def of(cls, row: AuditRow) -> AuditEntry:
        return cls(
            id=str(row.id),
            action=AuditAction(row.action),
            object_type=AuditObjectType(row.object_type),
            object_id=object_global_id(row.object_type, row.object_id),
            actor_id=None
            if row.actor_id is None
            else strawberry.ID(ids.encode("Employee", row.actor_id)),
            before=None if row.before is None else JSON(row.before),
            after=None if row.after is None else JSON(row.after),
            request_id=row.request_id,
            client_address=row.client_address,
            created_at=row.created_at,
            row=row,
        )

    @strawberry.field(description="Who acted, if the caller may see that person in the directory.")
    async def actor(self, info: Info) -> Employee | None:
        return await visible_employee(info, self.row.actor_id)


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
    object_type: AuditObjectType | None = None
    object_id: strawberry.ID | None = strawberry.field(default=None, description="A global ID")
    action: AuditAction | None = None
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
        object_type: AuditObjectType | None = None,
        action: AuditAction | None = None,
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
