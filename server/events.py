"""The events of the domain, and the in-process bus left for sync progress.

Domain events (``OrgChange``, ``PlanEvent``, ``FactsChanged``, ``NotificationRequested``)
are durable: they are written to the outbox table in the transaction of their change
(``server.outbox.emit``) and delivered from there (server.outbox), so nothing is lost to a
slow subscriber or a restart. ``KINDS`` names each one in the table; ``to_payload`` and
``from_payload`` turn them into JSON and back.

Sync progress is high-frequency and ephemeral (the run row holds the truth): it stays on
an in-process ``EventBus``, whose subscriber more than ``QUEUE_SIZE`` events behind loses
the oldest ones rather than slowing everyone else down.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import types
import typing
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Generic, Protocol, TypeVar
from uuid import UUID

QUEUE_SIZE = 256


class CompanyEvent(Protocol):
    # Read-only, so that frozen dataclasses qualify.
    @property
    def company_id(self) -> UUID: ...


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
    run_id: UUID | None = None  # the sync run that brought them (None: an upload's)


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


@dataclass(frozen=True)
class ScoreEvent:
    """A score was computed, frozen or reopened, or a plan's results were published.

    ``employee_id`` is None for a plan-wide event (published); the position fields place the
    score for each subscriber's policy check, like ``OrgChange``.
    """

    company_id: UUID
    plan_id: UUID
    kind: str  # ScoreEventKind
    employee_id: UUID | None = None
    department_id: UUID | None = None
    manager_id: UUID | None = None
    score_id: UUID | None = None
    version: int = 0
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class NotificationRequested:
    """A reminder or alert to hand to the ``jixiao_deliver_notification`` plugins."""

    company_id: UUID
    channel: str
    recipient: str
    subject: str
    body: str
    kind: str = "reminder"
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NotificationAdded:
    """A notification was stored for one person (server.notifications.store.notify): for his
    ``notificationAdded`` subscription; delivery rows were written with it."""

    company_id: UUID
    notification_id: UUID
    recipient_id: UUID
    kind: str = "reminder"  # NotificationKind
    rule: str = ""
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class FeedbackEvent:
    """A feedback on a result was raised, answered, accepted, escalated or decided
    (server/feedback): for reminders and notifications. ``handler_id`` is who must answer
    now (None once it waits on the performance admin or is closed), ``answer_due_at`` when."""

    company_id: UUID
    feedback_id: UUID
    kind: str  # FeedbackEventKind
    employee_id: UUID
    department_id: UUID
    manager_id: UUID | None = None
    handler_id: UUID | None = None
    level: int = 0
    state: str = "open"  # FeedbackState
    answer_due_at: datetime | None = None
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


DomainEvent = (
    OrgChange
    | PlanEvent
    | FactsChanged
    | NotificationRequested
    | ScoreEvent
    | NotificationAdded
    | FeedbackEvent
)
# The name of each durable event in outbox_event.kind: stored data, never rename one.
KINDS: dict[type[Any], str] = {
    OrgChange: "org.change",
    PlanEvent: "plan.event",
    FactsChanged: "facts.changed",
    NotificationRequested: "notification",
    ScoreEvent: "score.event",
    FeedbackEvent: "feedback.event",
    NotificationAdded: "notification.added",
}
BY_KIND = {kind: cls for cls, kind in KINDS.items()}


def _encode(value: Any) -> Any:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, date):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, frozenset):
        return sorted(_encode(v) for v in value)
    return value


def _decode(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        real = [a for a in typing.get_args(hint) if a is not type(None)]
        return _decode(real[0], value)
    if origin is frozenset:
        (inner,) = typing.get_args(hint)
        return frozenset(_decode(inner, v) for v in value)
    if hint is UUID:
        return UUID(value)
    if hint is datetime:
        return datetime.fromisoformat(value)
    if hint is date:
        return date.fromisoformat(value)
    return value


def to_payload(event: DomainEvent) -> dict[str, Any]:
    """The event as JSON (company_id is its own column)."""
    return {
        f.name: _encode(getattr(event, f.name))
        for f in dataclasses.fields(event)
        if f.name != "company_id"
    }


def from_payload(kind: str, company_id: UUID, payload: dict[str, Any]) -> DomainEvent:
    cls = BY_KIND[kind]
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    values = {k: _decode(hints[k], v) for k, v in payload.items() if k in known}
    return cls(company_id=company_id, **values)


class _Listened:
    """Lets a caller await "someone is listening" instead of guessing how long registering
    takes: every new listener wakes the waiters."""

    def __init__(self) -> None:
        self._joined: set[asyncio.Future[None]] = set()

    def subscriber_count(self, company_id: UUID) -> int:
        raise NotImplementedError

    async def until_subscribed(self, company_id: UUID, count: int = 1) -> None:
        """Return once at least ``count`` listeners of the company are registered (events
        from then on reach them); the caller bounds the wait."""
        while self.subscriber_count(company_id) < count:
            joined = asyncio.get_running_loop().create_future()
            self._joined.add(joined)
            try:
                await joined
            finally:
                self._joined.discard(joined)

    def _announce(self) -> None:
        for joined in self._joined:
            if not joined.done():
                joined.set_result(None)


class EventBus(_Listened, Generic[E]):
    """In-process, bounded, best-effort: for ephemeral events such as sync progress."""

    def __init__(self) -> None:
        super().__init__()
        self._queues: dict[UUID, set[asyncio.Queue[E]]] = {}

    def subscriber_count(self, company_id: UUID) -> int:
        return len(self._queues.get(company_id, ()))

    def publish(self, event: E) -> None:
        for queue in self._queues.get(event.company_id, ()):
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(event)

    @contextlib.asynccontextmanager
    async def subscribe(self, company_id: UUID) -> AsyncIterator[asyncio.Queue[E]]:
        queue: asyncio.Queue[E] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._queues.setdefault(company_id, set()).add(queue)
        self._announce()
        try:
            yield queue
        finally:
            subscribers = self._queues.get(company_id, set())
            subscribers.discard(queue)
            if not subscribers:
                self._queues.pop(company_id, None)


class Followers(_Listened):
    """Who follows one kind of durable event in this process, per company (the outbox's
    ``Tail.follow`` counts them)."""

    def __init__(self) -> None:
        super().__init__()
        self._counts: dict[UUID, int] = {}

    def subscriber_count(self, company_id: UUID) -> int:
        return self._counts.get(company_id, 0)

    @contextlib.contextmanager
    def following(self, company_id: UUID) -> Iterator[None]:
        self._counts[company_id] = self._counts.get(company_id, 0) + 1
        self._announce()
        try:
            yield
        finally:
            left = self._counts.pop(company_id) - 1
            if left:
                self._counts[company_id] = left


sync_events: EventBus[SyncProgress] = EventBus()
# Durable events are not published here but read from the outbox; these only count who
# follows them in this process.
org_events = Followers()
plan_events = Followers()
fact_events = Followers()
notification_events = Followers()
score_events = Followers()
feedback_events = Followers()
notification_added_events = Followers()
FOLLOWERS: dict[str, Followers] = {
    "org.change": org_events,
    "plan.event": plan_events,
    "facts.changed": fact_events,
    "notification": notification_events,
    "score.event": score_events,
    "feedback.event": feedback_events,
    "notification.added": notification_added_events,
}
