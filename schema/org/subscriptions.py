"""Live changes to the org chart, as server.services.org_feed decides each subscriber may
see them."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from datetime import datetime

import strawberry
from strawberry.types import Info

from schema import ids
from schema.enums import AuditAction, AuditObjectType
from schema.permissions import IsAuthenticated
from server.services.org_feed import org_changes

TYPE_NAMES = {
    "department": "Department",
    "employee": "Employee",
    "role_assignment": "RoleAssignment",
}


@strawberry.type(
    description="Something changed in the org chart; refetch the object by `objectId`."
)
class OrgChange:
    action: AuditAction = strawberry.field(
        description="The change's audit action: DEPARTMENT_*, EMPLOYEE_* or ROLE_*."
    )
    object_type: AuditObjectType = strawberry.field(
        description="DEPARTMENT, EMPLOYEE or ROLE_ASSIGNMENT."
    )
    object_id: strawberry.ID
    at: datetime


@strawberry.type
class OrgSubscription:
    @strawberry.subscription(
        permission_classes=[IsAuthenticated],
        description="Department, employee and role changes in the caller's company.",
    )
    async def org_changes(self, info: Info) -> AsyncGenerator[OrgChange, None]:
        context = info.context
        feed = org_changes(
            context.runtime.tail, context.actor.caller.company_id, context.reauthorize
        )
        async with aclosing(feed) as events:
            async for event in events:
                yield OrgChange(
                    action=AuditAction(event.action),
                    object_type=AuditObjectType(event.object_type),
                    object_id=strawberry.ID(
                        ids.encode(TYPE_NAMES[event.object_type], event.object_id)
                    ),
                    at=event.at,
                )
