"""This process's reader of the outbox, for GraphQL subscriptions and in-process listeners.

One task per process reads new events from the table (woken at once by this process's own
emits, otherwise every ``poll`` seconds for other processes' ones) and keeps the last
``RECENT`` in memory. Each subscriber follows with its own cursor: while its cursor is within
the memory window it is served from there; a subscriber that fell further behind reads the
events it missed from the table, page by page, so it never loses one. Nothing is dropped,
so a subscriber is never told it "missed" events; events are pruned only days later
(server.outbox.dispatcher.RETENTION).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncGenerator, Iterable
from functools import partial
from uuid import UUID

from tortoise.context import TortoiseContext

from server.db import using
from server.events import FOLLOWERS
from server.outbox.store import StoredEvent, head, on_emit, read_after
from server.tasks import cancel_and_wait

log = logging.getLogger("jixiao.outbox")
RECENT = 256  # events kept in memory for subscribers that keep up
PAGE = 200  # events a lagging subscriber reads from the table at a time
POLL = 0.5  # seconds between reads when no local emit woke the reader
# After a local emit the transaction may not have committed yet: look again soon.
RETRIES = (0.0, 0.01, 0.03, 0.1, 0.3)


class Tail:
    def __init__(self, db: TortoiseContext, *, poll: float = POLL, recent: int = RECENT) -> None:
        self.db = db
        self.poll = poll
        self.high = 0  # the newest event id read
        self._floor = 0  # every event with floor < id <= high is in _recent
        self._recent: deque[StoredEvent] = deque(maxlen=recent)
        self._advanced = asyncio.Condition()
        self._kicked = asyncio.Event()
        self._reading = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._stop_kicks = on_emit(self._kicked.set)

    async def start(self) -> None:
        with using(self.db):
            self.high = self._floor = await head()
        self._task = asyncio.create_task(self._run(), name="outbox-tail")

    def _past(self, cursor: int) -> bool:
        return self.high > cursor

    async def stop(self) -> None:
        self._stop_kicks()
        await cancel_and_wait(self._task)

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._kicked.wait(), self.poll)
            kicked = self._kicked.is_set()
            self._kicked.clear()
            try:
                for delay in RETRIES if kicked else (0.0,):
                    await asyncio.sleep(delay)
                    if await self.read_new():
                        break
            except Exception:  # the reader must outlive a database hiccup
                log.exception("reading the outbox failed")

    async def read_new(self) -> int:
        """Read what was committed since the last read; the number of events read."""
        async with self._reading:
            return await self._read_new()

    async def _read_new(self) -> int:
        total = 0
        while True:
            with using(self.db):
                batch = await read_after(self.high, limit=PAGE)
            if not batch:
                return total
            for event in batch:
                if len(self._recent) == self._recent.maxlen:
                    self._floor = self._recent[0].id
                self._recent.append(event)
            async with self._advanced:
                self.high = batch[-1].id
                self._advanced.notify_all()
            total += len(batch)

    async def follow(
        self, company_id: UUID, kinds: Iterable[str], *, after: int | None = None
    ) -> AsyncGenerator[StoredEvent, None]:
        """The company's events of ``kinds`` committed after ``after`` (default: from now)."""
        wanted = frozenset(kinds)
        if after is None:
            with using(self.db):
                after = await head()
        cursor = after
        with contextlib.ExitStack() as counted:
            for kind in sorted(wanted):  # counted, so tests can wait for "subscribed"
                counted.enter_context(FOLLOWERS[kind].following(company_id))
            while True:
                async with self._advanced:
                    await self._advanced.wait_for(partial(self._past, cursor))
                upto = self.high
                while cursor < upto:
                    if cursor >= self._floor:
                        batch = [e for e in self._recent if cursor < e.id <= upto]
                        done = True
                    else:  # fell out of the memory window: read from the table
                        with using(self.db):
                            batch = await read_after(
                                cursor, upto=upto, limit=PAGE, company_id=company_id, kinds=wanted
                            )
                        done = len(batch) < PAGE
                    for event in batch:
                        cursor = event.id
                        if event.company_id == company_id and event.kind in wanted:
                            yield event
                    if done:
                        cursor = upto
