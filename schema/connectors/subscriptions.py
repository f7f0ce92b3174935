"""Progress of a sync run, as server.services.sync_feed follows it."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

import strawberry
from strawberry.types import Info

from schema import ids
from schema.connectors.types import SyncRun
from schema.permissions import AUTH
from server.services.sync_feed import run_progress


@strawberry.type
class ConnectorSubscription:
    @strawberry.subscription(
        permission_classes=AUTH, description="Progress of one sync run until it ends."
    )
    async def sync_progress(
        self, info: Info, run_id: strawberry.ID
    ) -> AsyncGenerator[SyncRun, None]:
        context = info.context
        raw = ids.decode(run_id, "SyncRun", "runId")
        feed = run_progress(context.actor, raw, context.reauthorize)
        async with aclosing(feed) as runs:
            async for run in runs:
                yield SyncRun.of(run)
