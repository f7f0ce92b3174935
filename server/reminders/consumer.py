"""The outbox consumer that runs a tenant's reminder rules after changes that can make
something due or late: connector facts, plan state changes, feedback moves.

A burst of events costs one run: an event whose tenant was run after the event was written
is skipped (the run saw its change). Not transactional: the run takes its own lease and
``notify`` its own transaction; an event delivered twice after a crash finds nothing new.
"""

from __future__ import annotations

from server.events import KINDS, FactsChanged, FeedbackEvent, PlanEvent
from server.outbox.dispatcher import Consumer
from server.outbox.store import StoredEvent
from server.reminders.engine import run_company

NAME = "reminders.rules"  # the cursor's key: stored data, never rename it
TRIGGERS = frozenset({KINDS[FactsChanged], KINDS[PlanEvent], KINDS[FeedbackEvent]})


async def _handle(stored: StoredEvent) -> None:
    await run_company(stored.company_id, not_since=stored.created_at)


def reminders_consumer() -> Consumer:
    return Consumer(NAME, TRIGGERS, _handle, transactional=False)
