"""The org chart changes a subscriber may see, decided per event as they stand now."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import aclosing
from uuid import UUID

from server.audit import Actor
from server.authz import DEPARTMENT_READ, EMPLOYEE_READ, ROLE_ASSIGNMENT_READ, Authorizer
from server.events import KINDS, OrgChange
from server.outbox import Tail

# What a subscriber must be allowed to read to hear of a change to each kind of object.
READ_AS = {
    "department": DEPARTMENT_READ,
    "employee": EMPLOYEE_READ,
    "role_assignment": ROLE_ASSIGNMENT_READ,
}


def visible(authz: Authorizer, event: OrgChange) -> bool:
    perm = READ_AS[event.object_type]
    if event.object_type == "department":
        return authz.check(perm, event.department_id)
    return authz.check(perm, (event.department_id, event.owner_id, event.manager_id))


async def org_changes(
    tail: Tail, company_id: UUID, reauthorize: Callable[[], Awaitable[Actor]]
) -> AsyncGenerator[OrgChange, None]:
    """The company's org chart changes from now on, those the subscriber may see.

    From the outbox: a subscriber that falls behind reads the ones it missed from the table.
    Decided as the subscriber stands now, under the policy in force now (``reauthorize``):
    signed out or deactivated ends the feed (UNAUTHENTICATED), a revoked role stops the
    events it granted. One statement per event; events are rare."""
    follow = tail.follow(company_id, {KINDS[OrgChange]})
    async with aclosing(follow) as events:
        async for stored in events:
            event = stored.event
            assert isinstance(event, OrgChange)
            if visible((await reauthorize()).authz, event):
                yield event
