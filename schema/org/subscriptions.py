"""Live changes to the org chart, filtered per event by what the subscriber may see.

Events come from the outbox (server.outbox.Tail): a subscriber that falls behind reads the
ones it missed from the table instead of losing them."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from datetime import datetime

import strawberry
from strawberry.types import Info

from schema import ids
from schema.permissions import IsAuthenticated
from server.authz import DEPARTMENT_READ, EMPLOYEE_READ, ROLE_ASSIGNMENT_READ, Authorizer
from server.events import KINDS
from server.events import OrgChange as Event

TYPE_NAMES = {
    "department": "Department",
    "employee": "Employee",
    "role_assignment": "RoleAssignment",
}
# What a subscriber must be allowed to read to hear of a change to each kind of object.
READ_AS = {
    "department": DEPARTMENT_READ,
    "employee": EMPLOYEE_READ,
    "role_assignment": ROLE_ASSIGNMENT_READ,
}


@strawberry.type(
    description="Something changed in the org chart; refetch the object by `objectId`."
)
class OrgChange:
    action: str
    object_type: str
    object_id: strawberry.ID
    at: datetime


def _visible(authz: Authorizer, event: Event) -> bool:
    perm = READ_AS[event.object_type]
    if event.object_type == "department":
        return authz.check(perm, event.department_id)
    return authz.check(perm, (event.department_id, event.owner_id, event.manager_id))


@strawberry.type
class OrgSubscription:
    @strawberry.subscription(
        permission_classes=[IsAuthenticated],
        description="Department, employee and role changes in the caller's company.",
    )
    async def org_changes(self, info: Info) -> AsyncGenerator[OrgChange, None]:
        context = info.context
        follow = context.runtime.tail.follow(context.actor.caller.company_id, {KINDS[Event]})
        async with aclosing(follow) as events:
            async for stored in events:
                event = stored.event
                assert isinstance(event, Event)
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
