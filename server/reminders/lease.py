"""One run of a tenant's rules at a time, across processes: a lease on its row.

``take`` is a conditional UPDATE: it succeeds only while no live lease is held and (for a
scheduled run) the last run started at least ``spacing`` ago, so of several processes
ticking at once exactly one runs the tenant's rules in that tick; a crashed holder's lease
lapses after ``LEASE``. The row is created on first use by an insert that ignores a
conflict, so racing first runs share one row.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from uuid import UUID

from tortoise.expressions import Q

from server.models import ReminderLease

LEASE = timedelta(minutes=5)  # longer than any run; a crashed holder's lapses after it


def new_holder() -> str:
    return uuid.uuid4().hex


async def ensure_rows(company_ids: list[UUID]) -> None:
    if company_ids:
        await ReminderLease.bulk_create(
            [ReminderLease(company_id=c) for c in company_ids], ignore_conflicts=True
        )


async def take(
    company_id: UUID, holder: str, now: datetime, not_since: datetime | None = None
) -> bool:
    """Hold the company's lease until ``now + LEASE``; False when another run holds it (or,
    with ``not_since``, a run started at or after that moment)."""
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    due = Q()
    if not_since is not None:
        due = Q(last_run_at__isnull=True) | Q(last_run_at__lt=not_since)
    taken = await ReminderLease.filter(free, due, company_id=company_id).update(
        holder=holder, lease_until=now + LEASE, last_run_at=now
    )
    return taken == 1


async def release(company_id: UUID, holder: str, written: int) -> None:
    await ReminderLease.filter(company_id=company_id, holder=holder).update(
        lease_until=None, last_written=written
    )
