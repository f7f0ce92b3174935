"""Failed deliveries, for the tenant admin: listing them (``notification: read_failed``) and
sending them again (``notification: retry``). The stored error is already redacted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import UUID

from tortoise.transactions import in_transaction

from server.audit import Actor, record
from server.errors import BadInput, Conflict, NotFound
from server.models import NotificationDelivery
from server.notifications.vocabulary import DeliveryState
from server.paging import Page, after_filter, check_first, encode_cursor
from server.permissions import NOTIFICATION_READ_FAILED, NOTIFICATION_RETRY
from server.vocabulary import AuditAction, AuditObjectType

MAX_IDS = 100


async def failed_deliveries(
    actor: Actor, *, first: int = 50, after: str | None = None
) -> Page[NotificationDelivery]:
    """The company's FAILED deliveries, the most recently failed first."""
    check_first(first)
    grant = actor.authz.scope(NOTIFICATION_READ_FAILED, required=True)
    query = NotificationDelivery.filter(
        company_id=actor.caller.company_id, state=DeliveryState.FAILED.value
    )
    visible = grant.q(
        department="notification__recipient__department_id",
        owner="recipient_id",
        manager="notification__recipient__manager_id",
    )
    if visible is not None:
        query = query.filter(visible)
    cursor_q = after_filter("updated_at", after, descending=True, parse=datetime.fromisoformat)
    if cursor_q is not None:
        query = query.filter(cursor_q)
    rows = await query.order_by("-updated_at", "-id").limit(first + 1)
    page = rows[:first]
    cursors = [encode_cursor(r.updated_at.isoformat(), r.id) for r in page]
    return Page(page, cursors, len(rows) > first)


async def retry_deliveries(
    actor: Actor, ids: Sequence[UUID], now: datetime | None = None
) -> list[NotificationDelivery]:
    """Put failed deliveries back in the queue, due now, with their attempts reset."""
    if not ids:
        raise BadInput("required", field="ids")
    if len(ids) > MAX_IDS:
        raise BadInput("too_many_items", field="ids", max=MAX_IDS)
    now = now or datetime.now(UTC)
    wanted = list(dict.fromkeys(ids))
    async with in_transaction():
        rows = await NotificationDelivery.filter(
            company_id=actor.caller.company_id, id__in=wanted
        ).select_for_update()
        if len(rows) != len(wanted):
            raise NotFound("notification")
        for row in rows:
            target = (None, row.recipient_id, None)
            actor.authz.require(NOTIFICATION_READ_FAILED, target)
            actor.authz.require(NOTIFICATION_RETRY, target)
            if row.state != DeliveryState.FAILED.value:
                raise Conflict("notification_retry_state", state=row.state.upper())
        # Only rows still FAILED: a retry racing another one re-queues each row once.
        await NotificationDelivery.filter(id__in=wanted, state=DeliveryState.FAILED.value).update(
            state=DeliveryState.PENDING.value,
            attempts=0,
            next_attempt_at=now,
            claimed_until=None,
            updated_at=now,
        )
        for row in rows:
            await record(
                actor,
                AuditAction.NOTIFICATION_DELIVERY_RETRY,
                AuditObjectType.NOTIFICATION_DELIVERY,
                row.id,
                before={"state": row.state, "attempts": row.attempts},
                after={"state": DeliveryState.PENDING.value, "attempts": 0},
            )
        return await NotificationDelivery.filter(id__in=wanted).order_by("id")
