"""Delivering notifications: due deliveries claimed, handed to the channel plugins, settled.

Every process may run a worker; each delivery is sent by one of them at a time because a
worker first *claims* it with a conditional UPDATE (pending, due, and not claimed by anyone
whose claim still runs) under a token of its own, and only rows carrying its token are then
sent and settled. A claim lapses after ``CLAIM``, so a worker that died mid-send leaves its
rows to another one (the one case where a message may go out twice).

- immediate deliveries go one by one; a person's due daily-digest rows of one channel go
  together, as one message (they were all given the same digest time when stored);
- a failure is retried after ``BACKOFF`` × 2^(attempts-1), and after ``MAX_ATTEMPTS`` the rows
  are FAILED: the tenant admin sees them (``failedNotificationDeliveries``) and may retry.
  The notification itself stays in the person's list whatever happens to its deliveries.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pluggy
from tortoise.context import TortoiseContext
from tortoise.expressions import Q

from plugins.manager import call_each_async
from plugins.notifications import Notification as Message
from server.db import using
from server.models import ChannelConfig, Company, Employee, Notification, NotificationDelivery
from server.notifications import rendering
from server.notifications.channels import redact
from server.notifications.vocabulary import DeliveryMode, DeliveryState, NotificationChannel
from server.outbox.store import on_emit
from server.secrets import SecretBox
from server.tasks import cancel_and_wait

log = logging.getLogger("jixiao.notifications")
BATCH = 200  # due rows looked at per pass
MAX_ATTEMPTS = 5
BACKOFF = timedelta(seconds=30)  # then 1, 2, 4 minutes...
CLAIM = timedelta(minutes=5)  # longer than any channel's timeout
POLL = 5.0  # seconds between passes when nothing was emitted in this process


def backoff(attempts: int) -> timedelta:
    return BACKOFF * 2 ** max(attempts - 1, 0)


@dataclass(frozen=True)
class _Group:
    """Rows sent as one message: one immediate delivery, or one person's digest."""

    company_id: UUID
    recipient_id: UUID
    channel: str
    mode: str
    ids: tuple[UUID, ...]


def _groups(rows: list[dict[str, object]]) -> list[_Group]:
    digests: dict[tuple[UUID, UUID, str], list[UUID]] = defaultdict(list)
    groups: list[_Group] = []
    for row in rows:
        company, recipient = _uuid(row["company_id"]), _uuid(row["recipient_id"])
        channel, mode, row_id = str(row["channel"]), str(row["mode"]), _uuid(row["id"])
        if mode == DeliveryMode.DAILY_DIGEST.value:
            digests[(company, recipient, channel)].append(row_id)
        else:
            groups.append(_Group(company, recipient, channel, mode, (row_id,)))
    for (company, recipient, channel), ids in digests.items():
        groups.append(
            _Group(company, recipient, channel, DeliveryMode.DAILY_DIGEST.value, tuple(ids))
        )
    return groups


def _uuid(value: object) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


def _unclaimed(now: datetime) -> Q:
    return Q(claimed_until=None) | Q(claimed_until__lt=now)


class DeliveryWorker:
    def __init__(
        self,
        db: TortoiseContext,
        manager: pluggy.PluginManager,
        box: SecretBox,
        *,
        poll: float = POLL,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.db = db
        self.manager = manager
        self.box = box
        self.poll = poll
        self.clock = clock
        self._kicked = asyncio.Event()
        self._stop_kicks: Callable[[], None] | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        # Woken by this process's emits (a new notification), else every ``poll`` seconds.
        self._stop_kicks = on_emit(self._kicked.set)
        self._task = asyncio.create_task(self._run(), name="notification-worker")

    async def stop(self) -> None:
        if self._stop_kicks is not None:
            self._stop_kicks()
        await cancel_and_wait(self._task)

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._kicked.wait(), self.poll)
            self._kicked.clear()
            await asyncio.sleep(0.05)  # let the emitting transaction commit
            try:
                await self.run_once()
            except Exception:  # the worker must outlive a database hiccup
                log.exception("delivering notifications failed")

    async def run_once(self, now: datetime | None = None) -> int:
        """Send what is due; the number of deliveries settled (sent or failed) by this call."""
        now = now or self.clock()
        with using(self.db):
            rows = (
                await NotificationDelivery.filter(
                    _unclaimed(now), state=DeliveryState.PENDING.value, next_attempt_at__lte=now
                )
                .order_by("next_attempt_at", "id")
                .limit(BATCH)
                .values("id", "company_id", "recipient_id", "channel", "mode")
            )
            settled = 0
            for group in _groups(rows):
                settled += await self._send(group, now)
            return settled

    async def _claim(self, group: _Group, now: datetime) -> tuple[str, list[NotificationDelivery]]:
        token = uuid.uuid4().hex
        claimed = await NotificationDelivery.filter(
            _unclaimed(now), id__in=list(group.ids), state=DeliveryState.PENDING.value
        ).update(claimed_by=token, claimed_until=now + CLAIM)
        if not claimed:
            return token, []
        return token, await NotificationDelivery.filter(claimed_by=token).order_by("created_at")

    async def _send(self, group: _Group, now: datetime) -> int:
        token, rows = await self._claim(group, now)
        if not rows:
            return 0  # another worker has them
        config = await ChannelConfig.get_or_none(
            company_id=group.company_id, channel=group.channel, enabled=True
        )
        secrets: dict[str, object] = {}
        try:
            if config is None:
                raise LookupError(f"the {group.channel} channel is not set up or is disabled")
            secrets = self.box.open(config.sealed_secrets)
            message = await self._message(group, rows, config, secrets)
            error = await self._deliver(message)
        except Exception as exc:  # a broken row or config fails its delivery, not the worker
            error = f"{type(exc).__name__}: {exc}"
        if error is None:
            await NotificationDelivery.filter(claimed_by=token).update(
                state=DeliveryState.SENT.value,
                sent_at=now,
                attempts=max(r.attempts for r in rows) + 1,
                claimed_until=None,
                last_error="",
            )
            return len(rows)
        return await self._failed(group, token, rows, redact(error, secrets), now)

    async def _failed(
        self,
        group: _Group,
        token: str,
        rows: list[NotificationDelivery],
        error: str,
        now: datetime,
    ) -> int:
        attempts = max(r.attempts for r in rows) + 1
        gave_up = attempts >= MAX_ATTEMPTS
        log.warning(
            "notification delivery on %s to %s failed (attempt %d%s): %s",
            group.channel,
            group.recipient_id,
            attempts,
            ", giving up" if gave_up else "",
            error,
        )
        await NotificationDelivery.filter(claimed_by=token).update(
            state=DeliveryState.FAILED.value if gave_up else DeliveryState.PENDING.value,
            attempts=attempts,
            next_attempt_at=now + backoff(attempts),
            claimed_until=None,
            last_error=error[:2000],
        )
        return len(rows) if gave_up else 0

    async def _message(
        self,
        group: _Group,
        rows: list[NotificationDelivery],
        config: ChannelConfig,
        secrets: dict[str, object],
    ) -> Message:
        notifications = await Notification.filter(
            id__in=[r.notification_id for r in rows]
        ).order_by("created_at", "id")
        person = await Employee.get(id=group.recipient_id).only("id", "email", "phone")
        company = await Company.get(id=group.company_id).only("id", "slug")
        language = await rendering.language_of(group.recipient_id)
        if group.mode == DeliveryMode.DAILY_DIGEST.value:
            subject, body = rendering.digest(notifications, language)
            kind = "digest"
        else:
            subject, body = rendering.immediate(notifications[0], language)
            kind = notifications[0].kind
        channel = NotificationChannel(group.channel)
        address = person.email if channel is NotificationChannel.EMAIL else person.phone
        return Message(
            tenant=company.slug,
            channel=channel.value,
            recipient=address,
            subject=subject,
            body=body,
            kind=kind,
            data={"notifications": [str(n.id) for n in notifications]},
            settings={**config.settings, **secrets},
            language=language.value,
        )

    async def _deliver(self, message: Message) -> str | None:
        """None when a plugin delivered it, else why not (plugins' errors, unredacted)."""
        errors: list[str] = []
        delivered = False
        for found in await call_each_async(
            self.manager, "jixiao_deliver_notification", notification=message
        ):
            if found.error is not None:
                errors.append(f"{found.plugin}: {type(found.error).__name__}: {found.error}")
            elif found.value is False:
                errors.append(f"{found.plugin}: not delivered")
            delivered = delivered or found.value is True
        if delivered:
            return None
        return "; ".join(errors) or f"no plugin delivers the {message.channel} channel"
