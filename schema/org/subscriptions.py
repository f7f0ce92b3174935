"""Live changes to the org chart, filtered per event by what the subscriber may see."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry
from strawberry.types import Info

from schema import ids
from schema.permissions import IsAuthenticated
from server.authz import Authorizer
from server.events import OrgChange as Event
from server.events import org_events

TYPE_NAMES = {
    "department": "Department",
    "employee": "Employee",
    "role_assignment": "RoleAssignment",
}
# What a subscriber must be allowed to read to hear of a change to each kind of object.
READ_AS = {"department": "department", "employee": "employee", "role_assignment": "role_assignment"}


@strawberry.type(
    description="Something changed in the org chart; refetch the object by `objectId`."
)
class OrgChange:
    action: str
    object_type: str
    object_id: strawberry.ID
    at: datetime


def _visible(authz: Authorizer, event: Event) -> bool:
    obj = READ_AS[event.object_type]
    if event.object_type == "department":
        return authz.can(obj, "read", event.department_id)
    return authz.can(obj, "read", event.department_id, event.owner_id, event.manager_id)


@strawberry.type
class OrgSubscription:
    @strawberry.subscription(
        permission_classes=[IsAuthenticated],
        description="Department, employee and role changes in the caller's company.",
    )
    async def org_changes(self, info: Info) -> AsyncGenerator[OrgChange, None]:
        context = info.context
        async with org_events.subscribe(context.actor.caller.company_id) as queue:
            while True:
                event = await queue.get()
                # Decided as the subscriber stands now, under the policy in force now: signed
                # out or deactivated ends the subscription (UNAUTHENTICATED), a revoked role
                # stops the events it granted. One statement per event; events are rare.
                authz = (await context.reauthorize()).authz
                if _visible(authz, event):
                    yield OrgChange(
                        action=event.action,
                        object_type=event.object_type,
                        object_id=strawberry.ID(
                            ids.encode(TYPE_NAMES[event.object_type], event.object_id)
                        ),
                        at=event.at,
                    )
