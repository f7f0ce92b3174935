"""Loading ``PersonInputs`` from the database.

PLACEHOLDER until the scores work lands: the signature is the contract previews use.
"""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from server.scoring.inputs import PersonInputs


async def load_inputs(
    company_id: UUID, plan_id: UUID, employee_ids: Collection[UUID] | None = None
) -> list[PersonInputs]:
    """Every assigned person's inputs in the plan (only ``employee_ids`` when given), from
    their assignment, current actuals and submitted manager evaluation, in employee order."""
    raise NotImplementedError
