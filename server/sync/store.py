"""Writing facts and quarantined records in batches, idempotently (upserts on natural keys)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import UUID

from server.models import MetricFact, QuarantinedRecord
from server.sync.checks import FactRow, Rejected

FACT_KEY = [
    "company_id",
    "employee_id",
    "metric",
    "period_start",
    "period_end",
    "source",
    "source_id",
]


async def store_facts(company_id: UUID, source: str, run_id: UUID, rows: Sequence[FactRow]) -> int:
    if not rows:
        return 0
    # The last record wins when a page repeats a key, as the upsert would across pages.
    unique = {(r.employee_id, r.metric, r.period_start, r.period_end, r.source_id): r for r in rows}
    await MetricFact.bulk_create(
        [
            MetricFact(
                company_id=company_id,
                employee_id=r.employee_id,
                metric=r.metric,
                period_start=r.period_start,
                period_end=r.period_end,
                value=r.value,
                source=source,
                source_id=r.source_id,
                run_id=run_id,
            )
            for r in unique.values()
        ],
        on_conflict=FACT_KEY,
        update_fields=["value"],
    )
    return len(unique)


async def store_rejected(
    company_id: UUID, config_id: UUID, run_id: UUID | None, rows: Sequence[Rejected]
) -> int:
    if not rows:
        return 0
    unique = {(r.source_id or _fallback_id(r), r.metric): r for r in rows}
    await QuarantinedRecord.bulk_create(
        [
            QuarantinedRecord(
                company_id=company_id,
                config_id=config_id,
                run_id=run_id,
                employee_key=r.employee_key,
                metric=r.metric,
                day=r.day,
                period_end=r.period_end,
                value=r.value,
                source_id=r.source_id or _fallback_id(r),
                reason=r.reason,
                payload=r.payload,
                resolved_at=None,
            )
            for r in unique.values()
        ],
        on_conflict=["config_id", "source_id", "metric"],
        update_fields=[
            "reason",
            "payload",
            "value",
            "employee_key",
            "day",
            "period_end",
            "resolved_at",
        ],
    )
    return len(unique)


async def resolve(config_id: UUID, keys: Sequence[tuple[str, str]]) -> int:
    """Mark quarantined records as stored, once a later run or a re-process stored them."""
    wanted = set(keys)
    candidates = await QuarantinedRecord.filter(
        config_id=config_id, resolved_at=None, source_id__in=[k[0] for k in wanted]
    ).values_list("id", "source_id", "metric")
    ids = [pk for pk, source_id, metric in candidates if (source_id, metric) in wanted]
    if ids:
        await QuarantinedRecord.filter(id__in=ids).update(resolved_at=datetime.now(UTC))
    return len(ids)


def _fallback_id(r: Rejected) -> str:
    # A record without a source id still needs a stable key, or every re-run would add a copy.
    text = json.dumps(
        [r.employee_key, str(r.day), r.metric, r.value, r.payload], sort_keys=True, default=str
    )
    return "sha1:" + hashlib.sha1(text.encode()).hexdigest()
