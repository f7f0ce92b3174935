"""Actuals from connector facts: the metric facts of the plan's period, one batched lookup.

For every assignment of an open plan (ACTIVE or EVALUATING: a finalized result never moves)
whose indicator names a metric, the value is ``server.metrics.actuals`` over the plan's
period, kept with its provenance: source CONNECTOR, the winning connector config
(``connector_source``), how many facts it combined and the sync run that brought it.

- A changed value writes the actual and a revision; an unchanged one writes nothing.
- While an override holds, the override stays the value: the connector's new value goes to
  ``connector_value`` (shown beside it) and into the history as a CONNECTOR revision.
- NO_DATA (the metric has no fact in the period any more) clears the value, with a revision
  saying so: an old figure the connector no longer reports must not linger as if it did.
- SOURCE_MISSING (the facts' connector is uninstalled and nobody says how they combine)
  leaves the actual as it is: the facts are there, only reading them is not possible now.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any
from uuid import UUID

from tortoise.transactions import in_transaction

from plugins.contract import Period
from server import metrics as metric_values
from server.actuals import store
from server.actuals.access import (
    MANUAL,
    OPEN_STATES,
    VALUE_MAX,
    data_source,
    is_rated,
    lock_open_plans,
)
from server.errors import Conflict
from server.metrics import ActualStatus, MetricRegistry
from server.models import Actual, Assignment, Plan
from server.scoring.vocabulary import ActualSource

log = logging.getLogger("jixiao.actuals")
QUANTUM = Decimal("0.000001")  # the column's places: an average is rounded to them


@dataclass(frozen=True)
class _Reading:
    slot: store.Slot
    value: Decimal | None
    source: str | None
    facts: int


def _plain(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    return value.quantize(QUANTUM, rounding=ROUND_HALF_EVEN)


async def _readings(
    registry: MetricRegistry,
    plan: Plan,
    employee_ids: Collection[UUID] | None,
    metrics: Collection[str] | None,
) -> list[_Reading]:
    query = Assignment.filter(company_id=plan.company_id, plan_id=plan.id)
    if employee_ids is not None:
        query = query.filter(employee_id__in=list(employee_ids))
    assignments = await query.only(
        "id", "company_id", "plan_id", "employee_id", "department_id", "manager_id", "indicators"
    )
    slots: list[tuple[store.Slot, str]] = []
    for a in assignments:
        for item in a.indicators:
            metric = data_source(item)
            if (
                metric == MANUAL
                or is_rated(item)
                or (metrics is not None and metric not in metrics)
            ):
                continue
            slot = store.Slot(
                a.company_id,
                a.id,
                a.plan_id,
                a.employee_id,
                a.department_id,
                a.manager_id,
                str(item["key"]),
            )
            slots.append((slot, metric))
    if not slots:
        return []
    period = Period(plan.period_start, plan.period_end)
    found = await metric_values.actuals(
        registry,
        plan.company_id,
        [s.employee_id for s, _ in slots],
        [m for _, m in slots],
        [period],
    )
    readings = []
    for slot, metric in slots:
        cell = found[(slot.employee_id, metric, period)]
        if cell.status is ActualStatus.SOURCE_MISSING:
            log.warning("actual of %s for %s left as is: %s", slot.employee_id, metric, cell.reason)
            continue
        value = _plain(cell.value)
        if value is not None and abs(value) > VALUE_MAX:
            log.warning(
                "actual of %s for %s left as is: %s is out of range",
                slot.employee_id,
                metric,
                value,
            )
            continue
        readings.append(_Reading(slot, value, cell.source, cell.facts))
    return readings


def _apply(actual: Actual, reading: _Reading, run_id: UUID | None, now: datetime) -> bool | None:
    """Bring one locked actual up to the reading. None: nothing to write; False: written, its
    value unchanged (an override holds); True: its value changed."""
    overridden = actual.revision > 0 and actual.source == ActualSource.OVERRIDE
    if overridden:
        if actual.connector_value == reading.value and actual.connector_source == reading.source:
            return None
        actual.connector_value = reading.value
    else:
        same = (
            actual.revision > 0
            and actual.source == ActualSource.CONNECTOR
            and actual.value == reading.value
            and actual.connector_source == reading.source
        )
        if same:
            return None
        actual.value, actual.source = reading.value, ActualSource.CONNECTOR.value
        actual.set_by, actual.reason, actual.connector_value = None, "", None
    actual.connector_source, actual.sync_run_id, actual.facts = (
        reading.source,
        run_id,
        reading.facts,
    )
    actual.department_id, actual.manager_id = reading.slot.department_id, reading.slot.manager_id
    actual.revision += 1
    actual.set_at = now
    return not overridden


async def pull_connector_actuals(
    registry: MetricRegistry,
    company_id: UUID,
    plan_id: UUID,
    employee_ids: Collection[UUID] | None = None,
    *,
    run_id: UUID | None = None,
    metrics: Collection[str] | None = None,
) -> set[UUID]:
    """Bring the plan's connector-sourced actuals up to date from the metric facts of the plan's
    period (only ``employee_ids`` and ``metrics`` when given); returns the people whose actual
    values changed (the caller recomputes their scores). A plan that is not ACTIVE or
    EVALUATING is left alone."""
    plan = await Plan.get_or_none(id=plan_id, company_id=company_id)
    if plan is None or plan.state not in OPEN_STATES:
        return set()
    readings = await _readings(registry, plan, employee_ids, metrics)
    if not readings:
        return set()
    now = datetime.now(UTC)
    people: set[UUID] = set()
    try:
        async with in_transaction():
            await lock_open_plans(company_id, [plan_id])
            claim = [r.slot for r in readings if r.value is not None]
            if employee_ids is None:
                await store.lock([], claim=claim, source=ActualSource.CONNECTOR, at=now)
                current = await store.lock_plan_actuals(
                    company_id, plan_id, {r.slot.indicator_key for r in readings}
                )
            else:
                current = await store.lock(
                    [r.slot for r in readings], claim=claim, source=ActualSource.CONNECTOR, at=now
                )
            changed: list[Actual] = []
            revisions: list[tuple[Any, ...]] = []
            for reading in readings:
                actual = current.get(reading.slot.key)
                if actual is None:
                    continue  # no data and never had any: nothing to say
                moved = _apply(actual, reading, run_id, now)
                if moved is None:
                    continue
                changed.append(actual)
                revisions.append(
                    store.revision_of(
                        actual,
                        value=reading.value,
                        source=ActualSource.CONNECTOR.value,
                        set_by=None,
                        reason="",
                    )
                )
                if moved:
                    people.add(actual.employee_id)
            await store.save(changed, revisions)
    except Conflict:
        return set()  # the plan was finalized meanwhile: its results no longer move
    return people
