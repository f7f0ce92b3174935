"""Actuals from connector facts.

PLACEHOLDER until the actuals work lands: the signature is the contract assignments use.
"""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from server.metrics import MetricRegistry


async def pull_connector_actuals(
    registry: MetricRegistry,
    company_id: UUID,
    plan_id: UUID,
    employee_ids: Collection[UUID] | None = None,
    *,
    run_id: UUID | None = None,
) -> set[UUID]:
    """Bring the plan's connector-sourced actuals up to date from the metric facts of the plan's
    period; returns the people whose actuals changed (the caller recomputes their scores)."""
    return set()
