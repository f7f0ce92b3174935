"""Recomputing live scores after an input changed.

PLACEHOLDER until the scores work lands: the signature is the contract every input writer
(assignments, actuals, evaluations, formulas) calls, inside its own transaction.
"""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID


async def recompute(
    company_id: UUID, plan_id: UUID, employee_ids: Collection[UUID] | None = None
) -> int:
    """Recompute the live (not frozen) scores of ``employee_ids`` in the plan (all when None);
    returns how many scores changed."""
    return 0
