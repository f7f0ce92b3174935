"""The outbox consumer that keeps connector actuals current: ``FactsChanged`` → actuals → scores.

Durable and transactional (server/outbox/dispatcher.py): the pull, its revisions and the
recomputed scores commit together with the consumer's cursor, so an event is applied exactly
once, and a crash before the commit applies it again from scratch.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from server.actuals.access import OPEN_STATES
from server.actuals.connector import pull_connector_actuals
from server.events import KINDS, FactsChanged
from server.metrics import MetricRegistry
from server.models import Plan
from server.outbox.dispatcher import Consumer
from server.outbox.store import StoredEvent
from server.scoring import recompute as scoring

NAME = "actuals.facts_changed"  # the cursor's key: stored data, never rename it


def facts_consumer(registry: Callable[[], MetricRegistry]) -> Consumer:
    """``registry`` gives the metrics in force when an event is handled (the runtime's)."""

    async def handle(stored: StoredEvent) -> None:
        event = stored.event
        assert isinstance(event, FactsChanged)
        # Open plans whose period overlaps the facts' span; pull skips a plan none of whose
        # assignments uses the metrics.
        plans = await Plan.filter(
            company_id=event.company_id,
            state__in=list(OPEN_STATES),
            period_start__lte=event.end,
            period_end__gte=event.start,
        ).values_list("id", flat=True)
        plan_ids: list[UUID] = [UUID(str(p)) for p in plans]
        for plan_id in sorted(plan_ids, key=str):
            changed = await pull_connector_actuals(
                registry(), event.company_id, plan_id, run_id=event.run_id, metrics=event.metrics
            )
            if changed:
                await scoring.recompute(event.company_id, plan_id, changed)

    return Consumer(NAME, frozenset({KINDS[FactsChanged]}), handle)
