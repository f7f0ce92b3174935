"""A person's own notifications: his list (newest first), marking them read, and the feed
of new ones for the ``notificationAdded`` subscription.

Sight is the policy's ``notification: read_own`` (``self`` by default), filtered in SQL by
recipient; another person's or another tenant's notification is NOT_FOUND.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from contextlib import aclosing
from datetime import UTC, datetime
from uuid import UUID

from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from server.audit import Actor, record
from server.errors import BadInput, NotFound
from server.events import KINDS, NotificationAdded
from server.models import Notification
from server.outbox import Tail
from server.paging import Page, after_filter, check_first, encode_cursor
from server.permissions import NOTIFICATION_READ_OWN
from server.vocabulary import AuditAction, AuditObjectType

MAX_IDS = 500


def own(actor: Actor) -> QuerySet[Notification]:
    """The caller's company's notifications he may read (his own, by the default policy)."""
    grant = actor.authz.scope(NOTIFICATION_READ_OWN)
    query = Notification.filter(company_id=actor.caller.company_id)
    visible = grant.q(
        department="recipient__department_id",
        owner="recipient_id",
        manager="recipient__manager_id",
    )
    return query if visible is None else query.filter(visible)


async def list_notifications(
    actor: Actor, *, unread_only: bool = False, first: int = 20, after: str | None = None
) -> Page[Notification]:
    check_first(first)
    query = own(actor)
    if unread_only:
        query = query.filter(read_at=None)
    cursor_q = after_filter("created_at", after, descending=True, parse=datetime.fromisoformat)
    if cursor_q is not None:
        query = query.filter(cursor_q)
    rows = await query.order_by("-created_at", "-id").limit(first + 1)
    page = rows[:first]
    cursors = [encode_cursor(r.created_at.isoformat(), r.id) for r in page]
    return Page(page, cursors, len(rows) > first)


async def unread_count(actor: Actor) -> int:
    return await own(actor).filter(read_at=None).count()


async def mark_read(
    actor: Actor, ids: Sequence[UUID] | None, everything: bool, now: datetime | None = None
) -> int:
    """Mark the caller's given notifications (or all of his) read; how many changed. An id
    he may not read is NOT_FOUND, and then nothing is marked."""
    if (ids is None) == (not everything) or (ids is not None and everything):
        raise BadInput("exactly_one", field="input", options="ids, all", count=2 if ids else 0)
    now = now or datetime.now(UTC)
    async with in_transaction():
        query = own(actor).filter(read_at=None)
        if ids is not None:
            if len(ids) > MAX_IDS:
                raise BadInput("too_many_items", field="ids", max=MAX_IDS)
            wanted = set(ids)
            found = set(await own(actor).filter(id__in=list(wanted)).values_list("id", flat=True))
            if {UUID(str(f)) for f in found} != wanted:
                raise NotFound("notification")
            query = query.filter(id__in=list(wanted))
        marked = [UUID(str(v)) for v in await query.values_list("id", flat=True)]
        if marked:
            await Notification.filter(id__in=marked).update(read_at=now)
        await record(
            actor,
            AuditAction.NOTIFICATION_MARK_READ,
            AuditObjectType.NOTIFICATION,
            actor.caller.employee_id,
            after={"all": everything, "count": len(marked), "ids": marked[:50]},
        )
    return len(marked)


async def get_notification(actor: Actor, notification_id: UUID) -> Notification:
    row = await own(actor).filter(id=notification_id).first()
    if row is None:
        raise NotFound("notification")
    return row


async def notifications_added(
    tail: Tail, company_id: UUID, reauthorize: Callable[[], Awaitable[Actor]]
) -> AsyncGenerator[Notification, None]:
    """The subscriber's new notifications from now on, read from the outbox (a subscriber
    that falls behind reads what it missed); each decided under his grant in force now."""
    follow = tail.follow(company_id, {KINDS[NotificationAdded]})
    async with aclosing(follow) as events:
        async for stored in events:
            event = stored.event
            assert isinstance(event, NotificationAdded)
            actor = await reauthorize()
            row = await own(actor).filter(Q(id=event.notification_id)).first()
            if row is not None:
                yield row
