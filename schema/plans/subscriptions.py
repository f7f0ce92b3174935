"""Plan events, as server.plans.feed decides each subscriber may see them."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

import strawberry
from strawberry.types import Info

from schema import ids
from schema.enums import PlanEventKind, PlanState
from schema.permissions import AUTH
from schema.plans.types import PlanEventPayload
from server.plans.feed import plan_events


@strawberry.type
class PlanSubscription:
    @strawberry.subscription(
        permission_classes=AUTH, description="State changes, new versions and comments."
    )
    async def plan_events(self, info: Info) -> AsyncGenerator[PlanEventPayload, None]:
        context = info.context
        feed = plan_events(
            context.runtime.tail, context.actor.caller.company_id, context.reauthorize
        )
        async with aclosing(feed) as events:
            async for event in events:
                yield PlanEventPayload(
                    plan_id=strawberry.ID(ids.encode("Plan", event.plan_id)),
                    kind=PlanEventKind(event.kind),
                    state=PlanState(event.state),
                    detail=event.detail,
                    at=event.at,
                )
