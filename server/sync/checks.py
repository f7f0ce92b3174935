"""Deciding what each fetched record becomes: a metric fact, or a quarantined record and why."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from plugins.contract import Period, Record
from server.models import Employee
from server.sync.redact import Redactor
from server.vocabulary import QuarantineReason as Why

MAX_ABS_VALUE = Decimal("9e12")  # within metric_fact.value, a 6-place ScaledDecimalField


@dataclass(frozen=True)
class FactRow:
    employee_id: UUID
    metric: str
    period_start: date
    period_end: date
    value: Decimal
    source_id: str


@dataclass(frozen=True)
class Rejected:
    employee_key: str
    metric: str
    day: date | None
    period_end: date | None
    value: str
    source_id: str
    code: Why
    reason: str  # the code in words, quoting the record (redacted)
    payload: dict[str, Any]


async def employee_keys(company_id: UUID, match_by: str) -> dict[str, UUID]:
    """How source keys map to people. Deactivated people keep their history, so all count."""
    field = {"employee_number": "employee_number", "email": "email", "username": "username"}[
        match_by
    ]
    rows = await Employee.filter(company_id=company_id).values_list(field, "id")
    return {str(key).strip().lower(): pk for key, pk in rows if key}


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        number = Decimal(str(value).strip()) if isinstance(value, str) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    # adjusted() needs no decimal context: abs() of 1e999999999 would raise decimal.Overflow.
    if (
        not number.is_finite()
        or number.adjusted() > MAX_ABS_VALUE.adjusted()
        or abs(number) >= MAX_ABS_VALUE
    ):
        return None
    return number


def _jsonable(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {
        str(k): v if isinstance(v, str | int | float | bool | type(None)) else str(v)
        for k, v in raw.items()
    }


class RecordCheck:
    def __init__(
        self,
        metrics: frozenset[str],
        employees: dict[str, UUID],
        period: Period,
        match_by: str,
        redact: Redactor | None = None,
    ) -> None:
        self.metrics = metrics
        self.employees = employees
        self.period = period
        self.match_by = match_by
        # Reasons and values quote the source, which may quote what it was sent (a URL
        # with its key): redacted before they are cut to size, so no part of a secret stays.
        self.redact = redact or Redactor()

    def check(self, record: Record) -> FactRow | Rejected:
        def reject(code: Why, reason: str) -> Rejected:
            clean = self.redact
            return Rejected(
                employee_key=clean(str(record.employee_key or ""))[:200],
                metric=str(record.metric or "")[:64],
                day=record.day if isinstance(record.day, date) else None,
                period_end=record.period_end if isinstance(record.period_end, date) else None,
                value=clean(str(record.value))[:200],
                source_id=str(record.source_id or "")[:200],
                code=code,
                reason=clean(reason)[:300],
                payload=clean.value(_jsonable(record.raw)),
            )

        if source_error := record.raw.get("_error"):
            return reject(Why.MALFORMED, f"the source record is malformed: {source_error}")
        if not record.source_id:
            return reject(Why.NO_SOURCE_ID, "the record has no source id")
        if record.metric not in self.metrics:
            return reject(
                Why.UNKNOWN_METRIC, f"unknown metric {record.metric!r} for this connector"
            )
        if not isinstance(record.day, date):
            return reject(Why.BAD_DATE, "the record has no valid date")
        end = record.period_end or record.day
        if end < record.day:
            return reject(Why.BAD_PERIOD, "the record ends before it starts")
        if record.day not in self.period or end not in self.period:
            return reject(
                Why.OUTSIDE_PERIOD, f"{record.day.isoformat()} is outside the period being synced"
            )
        value = _number(record.value)
        if value is None:
            return reject(Why.BAD_VALUE, f"the value {str(record.value)[:50]!r} is not a number")
        key = str(record.employee_key or "").strip().lower()
        if not key:
            return reject(Why.NO_EMPLOYEE, "the record names no employee")
        employee_id = self.employees.get(key)
        if employee_id is None:
            return reject(
                Why.UNKNOWN_EMPLOYEE,
                f"no employee with {self.match_by.replace('_', ' ')} {record.employee_key!r}",
            )
        return FactRow(
            employee_id, record.metric, record.day, end, value, str(record.source_id)[:200]
        )
