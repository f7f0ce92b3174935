"""Writing events into the outbox, in the change's own transaction, and reading them back.

Ordering. A cursor says "I have every event up to id N", which only holds if no event with
a smaller id can become visible after one with a larger id. SQLite has one writer at a time,
so ids are committed in order. PostgreSQL hands out BIGSERIAL ids at insert time, and two
transactions may commit in the opposite order (id 11 visible while id 10 is still in
flight); a reader that advanced to 11 would skip 10 for good. So every writer takes one
transaction-level advisory lock right before it inserts its events, and holds it until it
commits: the next writer's ids are drawn only after the previous commit is visible. The cost
is that transactions with events serialise from their event insert to their commit, which is
why ``emit`` is the last statement of each change's transaction. (A grace window over id
gaps was the alternative: it needs no lock, but a transaction slower than the window loses
its events, and rolled-back ids leave gaps that only time can tell from slow ones.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from tortoise.transactions import in_transaction

from server.events import KINDS, DomainEvent, from_payload, to_payload
from server.models import OutboxEvent

# Any constant works; it only has to be the same in every process of the deployment.
ORDER_LOCK = 0x6A69_7869_616F  # "jixiao"

# Called after every emit, so this process's tail reads soon (see server.outbox.tail).
_kicks: list[Callable[[], None]] = []


@dataclass(frozen=True)
class StoredEvent:
    """An event as read back from the outbox, with its sequence number."""

    id: int
    kind: str
    company_id: UUID
    event: DomainEvent
    created_at: datetime


def on_emit(kick: Callable[[], None]) -> Callable[[], None]:
    """Call ``kick`` after each emit in this process; returns the function that stops it."""
    _kicks.append(kick)
    return lambda: _kicks.remove(kick)


async def emit(*events: DomainEvent) -> None:
    """Write ``events`` to the outbox in the caller's transaction.

    Call it as the last statement inside the change's ``in_transaction()`` block: the events
    then commit, or roll back, with the change. Outside a transaction it opens its own.
    """
    if not events:
        return
    async with in_transaction(OutboxEvent._meta.default_connection):
        db = OutboxEvent._meta.db
        if db.capabilities.dialect == "postgres":
            await db.execute_query("SELECT pg_advisory_xact_lock($1)", [ORDER_LOCK])
        # One batched insert, in the order given (positions follow it); a recompute or a bulk
        # entry announces a score per person.
        await OutboxEvent.bulk_create(
            [
                OutboxEvent(
                    company_id=event.company_id, kind=KINDS[type(event)], payload=to_payload(event)
                )
                for event in events
            ]
        )
    for kick in list(_kicks):
        kick()


def _decode(row: dict[str, Any]) -> StoredEvent:
    company_id = row["company_id"]
    if not isinstance(company_id, UUID):
        company_id = UUID(str(company_id))
    return StoredEvent(
        row["id"],
        row["kind"],
        company_id,
        from_payload(row["kind"], company_id, row["payload"]),
        row["created_at"],
    )


async def head() -> int:
    """The id of the newest visible event (0 when there is none)."""
    newest = await OutboxEvent.all().order_by("-id").first()
    return newest.id if newest else 0


async def read_after(
    position: int,
    *,
    upto: int | None = None,
    limit: int = 500,
    company_id: UUID | None = None,
    kinds: Iterable[str] | None = None,
) -> list[StoredEvent]:
    """Events with ``position < id <= upto``, oldest first, optionally of one company/kinds."""
    query = OutboxEvent.filter(id__gt=position)
    if upto is not None:
        query = query.filter(id__lte=upto)
    if company_id is not None:
        query = query.filter(company_id=company_id)
    if kinds is not None:
        query = query.filter(kind__in=list(kinds))
    rows = (
        await query.order_by("id")
        .limit(limit)
        .values("id", "kind", "company_id", "payload", "created_at")
    )
    return [_decode(row) for row in rows]
