"""The score events a subscriber may hear, decided per event under the subscriber's roles now.

A score's event (computed, frozen, reopened) is heard as the score is read: with
``score:read`` on its person's position, or as the employee's own once the plan's results are
released. A plan-wide event (``published``, or a recompute of more people than is worth an
event each) is heard by whoever may read at least one of the plan's scores: its readers, and
each scored employee once the release is in effect (one statement per event).

The release is judged as of the moment the event was written, not when a subscriber's feed
reaches it: a feed that lags behind a release must not tell an employee that his score was
computed or frozen before its results were out. ``published`` itself is the release, so it is
judged now.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import aclosing
from datetime import datetime
from uuid import UUID

from server.audit import Actor
from server.events import KINDS, ScoreEvent
from server.models import Score
from server.outbox import Tail
from server.scoring.publishing import may_read, visible_scores_q
from server.scoring.vocabulary import ScoreEventKind


async def may_hear(actor: Actor, event: ScoreEvent, written_at: datetime) -> bool:
    """Whether the subscriber hears ``event``, written to the outbox at ``written_at``."""
    at = None if event.kind == ScoreEventKind.PUBLISHED.value else written_at
    if event.employee_id is not None and event.department_id is not None:
        position = (event.department_id, event.employee_id, event.manager_id)
        return await may_read(actor, position, event.plan_id, at)
    query = Score.filter(company_id=actor.caller.company_id, plan_id=event.plan_id)
    if (visible := visible_scores_q(actor, at)) is not None:
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
            if await may_hear(await reauthorize(), event, stored.created_at):
                yield event
