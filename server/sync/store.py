"""Writing facts and quarantined records in batches, idempotently (upserts on natural keys)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from server.models import MetricFact, QuarantinedRecord
from server.models.fields import to_units
from server.sync.checks import FactRow, Rejected

FACT_KEY = "company_id, employee_id, metric, period_start, period_end, source, source_id"
FACT_COLUMNS = f"id, {FACT_KEY}, value, run_id, updated_at"
VALUE_PLACES = Decimal("0.000001")  # the column's scale
# An upsert that leaves unchanged rows alone, so a re-run writes nothing at all; written as
# SQL because the ORM's bulk upsert can neither skip unchanged rows nor avoid building a
# model object per record (most of a sync's CPU time when it did).
UPSERT = {
    "sqlite": (
        f"INSERT INTO metric_fact ({FACT_COLUMNS}) VALUES ({', '.join('?' * 11)}) "
        f"ON CONFLICT ({FACT_KEY}) DO UPDATE SET value = excluded.value, "
        "run_id = excluded.run_id, updated_at = excluded.updated_at "
        "WHERE metric_fact.value IS NOT excluded.value"
    ),
    "postgres": (
        f"INSERT INTO metric_fact ({FACT_COLUMNS}) VALUES "
        f"({', '.join(f'${i}' for i in range(1, 12))}) "
        f"ON CONFLICT ({FACT_KEY}) DO UPDATE SET value = excluded.value, "
        "run_id = excluded.run_id, updated_at = excluded.updated_at "
        "WHERE metric_fact.value IS DISTINCT FROM excluded.value"
    ),
}


def _units(value: Decimal) -> int:
    # The column's stored form (server.models.fields): whole millionths, as SQL sums them.
    return to_units(value.quantize(VALUE_PLACES), 6, "value")


def _fact_params(
    dialect: str, company_id: UUID, source: str, run_id: UUID | None, rows: Iterable[FactRow]
) -> list[tuple[Any, ...]]:
    now = datetime.now(UTC)
    if dialect == "sqlite":  # stored as text, exactly as the ORM writes these columns
        company, run, stamp = str(company_id), None if run_id is None else str(run_id), str(now)
        return [
            (
                str(uuid4()),
                company,
                str(r.employee_id),
                r.metric,
                r.period_start.isoformat(),
                r.period_end.isoformat(),
                source,
                r.source_id,
                _units(r.value),
                run,
                stamp,
            )
            for r in rows
        ]
    return [
        (
            uuid4(),
            company_id,
            r.employee_id,
            r.metric,
            r.period_start,
            r.period_end,
            source,
            r.source_id,
            _units(r.value),
            run_id,
            now,
        )
        for r in rows
    ]


async def store_facts(
    company_id: UUID, source: str, run_id: UUID | None, rows: Sequence[FactRow]
) -> int:
    if not rows:
        return 0
    # The last record wins when a batch repeats a key, as the upsert would across batches.
    unique = {(r.employee_id, r.metric, r.period_start, r.period_end, r.source_id): r for r in rows}
    db = MetricFact._meta.db
    dialect = db.capabilities.dialect
    await db.execute_many(
        UPSERT[dialect],
        [list(p) for p in _fact_params(dialect, company_id, source, run_id, unique.values())],
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
                reason_code=r.code.value,
                reason=r.reason,
                payload=r.payload,
                resolved_at=None,
            )
            for r in unique.values()
        ],
        on_conflict=["config_id", "source_id", "metric"],
        update_fields=[
            "reason_code",
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
