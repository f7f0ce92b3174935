"""The outbox: events commit or roll back with their change, keep their order, and reach
each durable consumer exactly once across a restart, whatever a subscriber's pace."""

from __future__ import annotations

import asyncio
import uuid
from contextlib import aclosing

import pytest
from tortoise.transactions import in_transaction

from server.db import open_database
from server.events import KINDS, FactsChanged, OrgChange
from server.models import OutboxConsumer
from server.outbox import Consumer, Dispatcher, StoredEvent, Tail, emit, head, read_after
from server.outbox import tail as tail_module

ORG = KINDS[OrgChange]


def change(company_id: uuid.UUID, n: int = 0) -> OrgChange:
    return OrgChange(company_id, f"employee.update.{n}", "employee", uuid.uuid4(), None)


class Recorder:
    """A durable consumer that remembers what it was handed."""

    def __init__(self, company_id: uuid.UUID, *, transactional: bool = True) -> None:
        self.company_id = company_id
        self.seen: list[int] = []
        self.name = f"test.recorder.{uuid.uuid4().hex[:8]}"
        self.transactional = transactional
        self.fail_next = 0

    async def handle(self, stored: StoredEvent) -> None:
        if self.fail_next:
            self.fail_next -= 1
            raise RuntimeError("not now")
        if stored.company_id == self.company_id:
            self.seen.append(stored.id)

    def consumer(self) -> Consumer:
        return Consumer(self.name, frozenset({ORG}), self.handle, self.transactional)


async def test_events_commit_with_the_change_and_roll_back_with_it(db) -> None:
    company = uuid.uuid4()
    async with in_transaction():
        await emit(change(company, 1))
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await emit(change(company, 2))
            raise RuntimeError("the change failed after its event was written")
    rows = await read_after(0, company_id=company)
    assert [r.event.action for r in rows] == ["employee.update.1"]  # type: ignore[union-attr]
    assert isinstance(rows[0].event, OrgChange) and rows[0].event.company_id == company


async def test_events_read_back_as_they_were_written(db) -> None:
    company = uuid.uuid4()
    written = FactsChanged(company, frozenset({"a.b", "c"}), *_span())
    await emit(written)
    (stored,) = await read_after(0, company_id=company)
    assert stored.event == written and stored.kind == "facts.changed"


def _span():  # type: ignore[no-untyped-def]
    from datetime import date

    return date(2026, 11, 1), date(2026, 11, 30)


async def test_a_restarted_process_resumes_every_consumer_from_its_cursor(api, db) -> None:
    """Events handled, the process stopped, more events written meanwhile: a new process
    (its own connections, its own dispatcher) hands over exactly the ones not yet handled."""
    company = uuid.uuid4()
    lease = f"test-{uuid.uuid4().hex[:8]}"
    recorder = Recorder(company)
    first = Dispatcher(db.db, [recorder.consumer()], lease_name=lease)
    await first.prepare()
    for n in range(3):
        await emit(change(company, n))
    assert await first.run_once() == 3
    await first.stop()  # the process ends
    for n in range(3, 5):
        await emit(change(company, n))  # written while no dispatcher ran

    # Models name their connection, so the new process's context uses the same name.
    other = await open_database(db.settings.database_url, connection_name=api.backend)
    try:
        again = Recorder(company)
        again.name = recorder.name  # the same consumer in the new process
        second = Dispatcher(other, [again.consumer()], lease_name=lease)
        assert await second.run_once() == 2
        assert await second.run_once() == 0
        await second.stop()
    finally:
        await other.close_connections()
    everything = [r.id for r in await read_after(0, company_id=company)]
    assert recorder.seen + again.seen == everything  # each exactly once, in order
    assert len(everything) == 5


async def test_one_dispatcher_at_a_time_holds_the_lease(db) -> None:
    company = uuid.uuid4()
    lease = f"test-{uuid.uuid4().hex[:8]}"
    recorder = Recorder(company)
    holder = Dispatcher(db.db, [recorder.consumer()], lease_name=lease)
    waiting = Dispatcher(db.db, [recorder.consumer()], lease_name=lease)
    await holder.prepare()
    await emit(change(company))
    assert await holder.run_once() == 1
    await emit(change(company))
    assert await waiting.run_once() == 0  # the lease is taken: nothing handed twice
    await holder.stop()  # hands the lease over
    assert await waiting.run_once() == 1
    await waiting.stop()
    assert len(recorder.seen) == 2


async def test_a_failing_consumer_keeps_its_place_and_is_retried(db) -> None:
    company = uuid.uuid4()
    recorder = Recorder(company)
    recorder.fail_next = 1
    dispatcher = Dispatcher(db.db, [recorder.consumer()], lease_name=f"t-{uuid.uuid4().hex}")
    await dispatcher.prepare()
    await emit(change(company, 1), change(company, 2))
    assert await dispatcher.run_once() == 0
    row = await OutboxConsumer.get(name=recorder.name)
    assert row.failures == 1 and "not now" in row.last_error
    assert await dispatcher.run_once() == 2
    assert len(recorder.seen) == 2
    await dispatcher.stop()


async def test_a_subscriber_far_behind_still_gets_every_event(db, monkeypatch) -> None:
    """More events than the memory window while the subscriber does not read: it reads the
    ones that left the window from the table, in order, none lost (the old bus kept 256)."""
    monkeypatch.setattr(tail_module, "PAGE", 50)  # several table pages
    company = uuid.uuid4()
    tail = Tail(db.db, recent=64)
    await tail.start()
    try:
        async with aclosing(tail.follow(company, {ORG}, after=await head())) as events:
            first = asyncio.ensure_future(anext(events))
            async with in_transaction():
                for n in range(300):  # written together, far more than the window
                    await emit(change(company, n))
            await emit(change(uuid.uuid4()))  # another company's, not to be seen
            got = [await asyncio.wait_for(first, 5)]
            while tail.high < await head():  # let the window move well past the subscriber
                await tail.read_new()
            assert got[0].id <= tail._floor  # it did fall out of the memory window
            while len(got) < 300:
                got.append(await asyncio.wait_for(anext(events), 5))
    finally:
        await tail.stop()
    assert [g.event.action for g in got] == [f"employee.update.{n}" for n in range(300)]  # type: ignore[union-attr]
    assert [g.id for g in got] == sorted(g.id for g in got)


async def test_writers_commit_events_in_id_order(db) -> None:
    """A second writer's event waits for the first one's commit, so a reader that has seen
    an id never later finds a smaller one (PostgreSQL hands out ids before commit)."""
    company = uuid.uuid4()
    before = await head()
    release = asyncio.Event()
    written = asyncio.Event()

    async def slow() -> None:
        async with in_transaction():
            await emit(change(company, 1))
            written.set()
            await release.wait()

    async def fast() -> None:
        await emit(change(company, 2))

    first = asyncio.create_task(slow())
    await written.wait()
    second = asyncio.create_task(fast())
    with pytest.raises(TimeoutError):  # blocked while the first is open
        await asyncio.wait_for(asyncio.shield(second), 0.3)
    release.set()
    await asyncio.gather(first, second)
    rows = await read_after(before, company_id=company)
    assert [r.event.action for r in rows] == ["employee.update.1", "employee.update.2"]  # type: ignore[union-attr]
