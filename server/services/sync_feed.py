"""Following one sync run until it ends, as the subscriber stands at each step."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from uuid import UUID

from server.audit import Actor
from server.events import sync_events
from server.models import SyncRun
from server.services.collection import get_run


async def run_progress(
    actor: Actor, run_id: UUID, reauthorize: Callable[[], Awaitable[Actor]]
) -> AsyncGenerator[SyncRun, None]:
    """The run now, then after each of its progress events until it is no longer running."""
    run = await get_run(actor, run_id)
    async with sync_events.subscribe(actor.caller.company_id) as queue:
        # Read after subscribing: a change between the first read and the subscription
        # would otherwise be missed.
        await run.refresh_from_db()
        yield run
        while run.status == "running":
            event = await queue.get()
            if event.run_id != run.id:
                continue
            # Read again as the subscriber stands now: signed out or deactivated is
            # UNAUTHENTICATED, no longer allowed to see runs is NOT_FOUND; both end it.
            run = await get_run(await reauthorize(), run.id)
            yield run
