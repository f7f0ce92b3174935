"""The assignments' DataLoaders: the plans a page of assignments belongs to, by id."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from strawberry.dataloader import DataLoader

from server.models import Plan


class AssignmentLoaders:
    """Tenant-scoped: a plan id of another company loads as None."""

    def __init__(self, company_id: UUID) -> None:
        self.company_id = company_id
        self.plan = DataLoader(self._plans)

    async def _plans(self, ids: Sequence[UUID]) -> list[Plan | None]:
        rows = await Plan.filter(id__in=list(ids), company_id=self.company_id)
        found = {p.id: p for p in rows}
        return [found.get(i) for i in ids]
