"""In-process publish/subscribe of changes, per company, for GraphQL subscriptions.

Events are published after the transaction commits, so a subscriber never hears of a change
that was rolled back. A subscriber that falls more than ``QUEUE_SIZE`` events behind loses
the oldest ones rather than slowing everyone else down.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Generic, Protocol, TypeVar
from uuid import UUID

QUEUE_SIZE = 256


class CompanyEvent(Protocol):
    company_id: UUID


E = TypeVar("E", bound=CompanyEvent)


@dataclass(frozen=True)
class OrgChange:
    company_id: UUID
    action: str
    object_type: str
    object_id: UUID
    # Where the object sits, so each subscriber's view can be checked against policy.
    department_id: UUID | None
    owner_id: UUID | None = None
    manager_id: UUID | None = None
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class SyncProgress:
    company_id: UUID
    run_id: UUID
    status: str
    fetched: int
    stored: int
    rejected: int
    error: str = ""


@dataclass(frozen=True)
class FactsChanged:
    """After a sync: which metrics changed over which span, for scores and reminders."""

    company_id: UUID
    metrics: frozenset[str]
    start: date
    end: date


@dataclass(frozen=True)
class PlanEvent:
    """A plan changed state, got a new version or a new comment."""

    company_id: UUID
    plan_id: UUID
    kind: str  # "state", "version", "comment"
    state: str
    covered: frozenset[UUID]
    detail: str = ""
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


class EventBus(Generic[E]):
    def __init__(self) -> None:
        self._queues: dict[UUID, set[asyncio.Queue[E]]] = {}

    def publish(self, event: E) -> None:
        for queue in self._queues.get(event.company_id, ()):
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(event)

    @contextlib.asynccontextmanager
    async def subscribe(self, company_id: UUID) -> AsyncIterator[asyncio.Queue[E]]:
        queue: asyncio.Queue[E] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._queues.setdefault(company_id, set()).add(queue)
        try:
            yield queue
        finally:
            subscribers = self._queues.get(company_id, set())
            subscribers.discard(queue)
            if not subscribers:
                self._queues.pop(company_id, None)


org_events: EventBus[OrgChange] = EventBus()
sync_events: EventBus[SyncProgress] = EventBus()
fact_events: EventBus[FactsChanged] = EventBus()
plan_events: EventBus[PlanEvent] = EventBus()
