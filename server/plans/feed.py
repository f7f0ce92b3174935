"""The plan events a subscriber may see, decided per event as they stand now."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import aclosing
from uuid import UUID

from server.audit import Actor
from server.events import KINDS, PlanEvent
from server.models import Plan
from server.outbox import Tail
from server.plans.access import PlanView, covered_departments


async def plan_events(
    tail: Tail, company_id: UUID, reauthorize: Callable[[], Awaitable[Actor]]
) -> AsyncGenerator[PlanEvent, None]:
    """The company's plan events from now on, those the subscriber may see.

    From the outbox: a subscriber that falls behind reads what it missed from the table.
    ``reauthorize`` gives the subscriber as they stand now (raising UNAUTHENTICATED once
    signed out or deactivated, which ends the feed), so revoked roles take effect and a
    plan back in draft stays private."""
    follow = tail.follow(company_id, {KINDS[PlanEvent]})
    async with aclosing(follow) as events:
        async for stored in events:
            event = stored.event
            assert isinstance(event, PlanEvent)
            view = await PlanView.of(await reauthorize())
            plan = await Plan.get_or_none(id=event.plan_id)
            covered = (await covered_departments([event.plan_id])).get(event.plan_id, set())
            if plan is not None and view.visible(plan, covered):
                yield event
