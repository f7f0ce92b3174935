"""Score events, as server.scoring.feed decides each subscriber may hear them."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

import strawberry
from strawberry.types import Info

from schema import ids
from schema.permissions import AUTH
from schema.scores.types import ScoreEventMessage
from server.plans import service
from server.scoring.feed import score_events


@strawberry.type
class ScoreSubscription:
    @strawberry.subscription(
        permission_classes=AUTH,
        description="Scores computed, frozen or reopened, and results published: those the "
        "caller may see, as he could read them (of one plan when `planId` is given).",
    )
    async def score_events(
        self, info: Info, plan_id: strawberry.ID | None = None
    ) -> AsyncGenerator[ScoreEventMessage, None]:
        context = info.context
        plan = None
        if plan_id is not None:
            plan = ids.decode(plan_id, "Plan", "planId")
            await service.get_plan(context.actor, plan)  # NOT_FOUND for a plan out of sight
        feed = score_events(
            context.runtime.tail, context.actor.caller.company_id, context.reauthorize, plan
        )
        async with aclosing(feed) as events:
            async for event in events:
                yield ScoreEventMessage.of(event)
