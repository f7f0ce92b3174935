"""The score events a subscriber may hear, decided per event as the subscriber stands now.

A score's event (computed, frozen, reopened) is heard as the score is read: with
``score:read`` on its person's position, or as the employee's own once the plan's results are
released. A plan-wide event (``published``, or a recompute of more people than is worth an
event each) is heard by whoever may read at least one of the plan's scores: its readers, and
each scored employee once the release is in effect (one statement per event).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import aclosing
from uuid import UUID

from server.audit import Actor
from server.events import KINDS, ScoreEvent
from server.models import Score
from server.outbox import Tail
from server.scoring.publishing import may_read, visible_scores_q


async def may_hear(actor: Actor, event: ScoreEvent) -> bool:
    if event.employee_id is not None and event.department_id is not None:
        position = (event.department_id, event.employee_id, event.manager_id)
        return await may_read(actor, position, event.plan_id)
    query = Score.filter(company_id=actor.caller.company_id, plan_id=event.plan_id)
    if (visible := visible_scores_q(actor)) is not None:
        query = query.filter(visible)
    return await query.exists()


async def score_events(
    tail: Tail,
    company_id: UUID,
    reauthorize: Callable[[], Awaitable[Actor]],
    plan_id: UUID | None = None,
) -> AsyncGenerator[ScoreEvent, None]:
    """The company's score events from now on (of one plan when given) that the subscriber
    may hear. From the outbox, so a subscriber that falls behind reads what it missed; each
    event decided under the policy and the subscriber's roles in force now (``reauthorize``
    ends the feed once he is signed out)."""
    follow = tail.follow(company_id, {KINDS[ScoreEvent]})
    async with aclosing(follow) as events:
        async for stored in events:
            event = stored.event
            assert isinstance(event, ScoreEvent)
            if plan_id is not None and event.plan_id != plan_id:
                continue
            if await may_hear(await reauthorize(), event):
                yield event
