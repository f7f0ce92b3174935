"""Delivering outbox events to durable consumers, each from its own cursor.

A durable consumer (``Consumer``) has a row in ``outbox_consumer`` holding the id of the last
event it handled. The dispatcher hands it every later event of its kinds, oldest first, and
moves the cursor past each one; after a restart, or when the consumer was slow, it resumes
from the cursor, so nothing is lost and nothing handled twice:

- a transactional consumer's handler runs in the transaction that moves its cursor, so its
  database effects happen exactly once (a handler that raises leaves the cursor where it was);
- a non-transactional one (plugin hooks that reach other systems) has its cursor moved right
  after the handler returns: a crash in between delivers that one event again.

A handler that keeps raising is retried on the next ticks, and after ``MAX_ATTEMPTS`` the
event is skipped with an error in the log and in ``outbox_consumer.last_error``, so that one
bad event cannot stop a consumer for good.

One dispatcher per deployment runs the consumers: the process holding the lease row
(``outbox_lease``), renewed every tick and taken over by another process once it lapses.
The cursor moves only if it still is where the handler started (a conditional UPDATE), so
two processes overlapping at a lease change cannot both commit one event's effects.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.context import TortoiseContext
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from server.db import using
from server.models import OutboxConsumer, OutboxEvent, OutboxLease
from server.outbox.store import StoredEvent, head, on_emit, read_after
from server.tasks import cancel_and_wait

log = logging.getLogger("jixiao.outbox")
Handler = Callable[[StoredEvent], Awaitable[None]]
BATCH = 100  # events per consumer per tick
MAX_ATTEMPTS = 5
LEASE = timedelta(seconds=30)
POLL = 1.0  # seconds between ticks when nothing was emitted in this process
RETENTION = timedelta(days=7)  # events older than this, and behind every cursor, are pruned
PRUNE_EVERY = timedelta(hours=1)


@dataclass(frozen=True)
class Consumer:
    name: str  # the cursor's key: stored data, never rename a consumer
    kinds: frozenset[str]
    handle: Handler
    transactional: bool = True
    # A consumer seen for the first time starts at the newest event (not the whole history).
    from_start: bool = False


class LostCursor(Exception):
    """Another dispatcher moved this consumer's cursor meanwhile."""


class Dispatcher:
    def __init__(
        self,
        db: TortoiseContext,
        consumers: Iterable[Consumer] = (),
        *,
        lease_name: str = "dispatcher",
        poll: float = POLL,
    ) -> None:
        self.db = db
        self.consumers: dict[str, Consumer] = {}
        self.lease_name = lease_name
        self.holder = uuid.uuid4().hex
        self.poll = poll
        self._tick = asyncio.Lock()
        self._kicked = asyncio.Event()
        self._stop_kicks = on_emit(self._kicked.set)
        self._task: asyncio.Task[None] | None = None
        self._pruned = datetime.now(UTC)
        for consumer in consumers:
            self.register(consumer)

    def register(self, consumer: Consumer) -> None:
        """Add a durable consumer (the evaluation's score recalculation, say)."""
        if consumer.name in self.consumers:
            raise ValueError(f"outbox consumer {consumer.name!r} is already registered")
        self.consumers[consumer.name] = consumer

    async def prepare(self) -> None:
        """Give every consumer its cursor (at the newest event if new), so that a consumer
        hears of every event from the first start of a server that had it on."""
        with using(self.db):
            for consumer in self.consumers.values():
                await self._cursor(consumer)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-dispatcher")

    async def stop(self) -> None:
        self._stop_kicks()
        await cancel_and_wait(self._task)
        with contextlib.suppress(Exception), using(self.db):
            # Hand the lease over at once instead of letting it lapse.
            await OutboxLease.filter(name=self.lease_name, holder=self.holder).delete()

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._kicked.wait(), self.poll)
            self._kicked.clear()
            try:
                await self.run_once()
            except Exception:  # the dispatcher must outlive a database hiccup
                log.exception("outbox dispatch failed")

    async def run_once(self) -> int:
        """One tick: if this process holds the lease, deliver what is pending. Events handed."""
        async with self._tick:
            with using(self.db):
                if not await self._hold_lease():
                    return 0
                delivered = 0
                for consumer in self.consumers.values():
                    delivered += await self._deliver(consumer)
                if datetime.now(UTC) - self._pruned > PRUNE_EVERY:
                    self._pruned = datetime.now(UTC)
                    await self.prune()
                return delivered

    async def _hold_lease(self) -> bool:
        now = datetime.now(UTC)
        until = now + LEASE
        taken = await OutboxLease.filter(
            Q(holder=self.holder) | Q(expires_at__lt=now), name=self.lease_name
        ).update(holder=self.holder, expires_at=until)
        if taken:
            return True
        if await OutboxLease.exists(name=self.lease_name):
            return False  # another process holds it
        try:
            await OutboxLease.create(name=self.lease_name, holder=self.holder, expires_at=until)
        except IntegrityError:
            return False  # another process holds it
        return True

    async def _cursor(self, consumer: Consumer) -> OutboxConsumer:
        row = await OutboxConsumer.get_or_none(name=consumer.name)
        if row is None:
            start = 0 if consumer.from_start else await head()
            with contextlib.suppress(IntegrityError):  # created by another process meanwhile
                await OutboxConsumer.create(name=consumer.name, position=start)
            row = await OutboxConsumer.get(name=consumer.name)
        return row

    async def _deliver(self, consumer: Consumer) -> int:
        row = await self._cursor(consumer)
        upto = await head()  # every event up to here is visible (see server.outbox.store)
        events = await read_after(row.position, upto=upto, limit=BATCH, kinds=consumer.kinds)
        position, delivered = row.position, 0
        for event in events:
            try:
                await self._handle(consumer, position, event)
            except LostCursor:
                return delivered
            except Exception as exc:
                if not await self._failed(consumer, row, position, event, exc):
                    return delivered
            position, delivered = event.id, delivered + 1
        if len(events) < BATCH and position < upto:
            # Nothing of this consumer's kinds up to ``upto``: skip the others' events.
            await OutboxConsumer.filter(name=consumer.name, position=position).update(position=upto)
        return delivered

    async def _handle(self, consumer: Consumer, position: int, event: StoredEvent) -> None:
        if not consumer.transactional:
            await consumer.handle(event)
            await self._advance(consumer, position, event.id)
            return
        async with in_transaction(OutboxConsumer._meta.default_connection):
            await consumer.handle(event)
            await self._advance(consumer, position, event.id)

    async def _advance(self, consumer: Consumer, position: int, to: int) -> None:
        moved = await OutboxConsumer.filter(name=consumer.name, position=position).update(
            position=to, failures=0, last_error=""
        )
        if not moved:
            raise LostCursor()

    async def _failed(
        self,
        consumer: Consumer,
        row: OutboxConsumer,
        position: int,
        event: StoredEvent,
        exc: Exception,
    ) -> bool:
        """Count a failure; True when the event is given up on (skipped) after too many."""
        row.failures += 1
        error = f"event {event.id}: {type(exc).__name__}: {exc}"
        if row.failures < MAX_ATTEMPTS:
            log.warning("outbox consumer %s failed (will retry): %s", consumer.name, error)
            await OutboxConsumer.filter(name=consumer.name).update(
                failures=row.failures, last_error=error
            )
            return False
        log.error("outbox consumer %s gave up on %s", consumer.name, error, exc_info=exc)
        await OutboxConsumer.filter(name=consumer.name, position=position).update(
            position=event.id, failures=0, last_error=f"skipped {error}"
        )
        row.failures = 0
        return True

    async def prune(self, now: datetime | None = None) -> int:
        """Delete events past their retention that every durable consumer has handled."""
        with using(self.db):
            positions = await OutboxConsumer.all().values_list("position", flat=True)
            floor = min(positions, default=await head())
            cutoff = (now or datetime.now(UTC)) - RETENTION
            return await OutboxEvent.filter(id__lte=floor, created_at__lt=cutoff).delete()
