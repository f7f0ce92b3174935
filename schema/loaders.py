"""DataLoaders, one per key, created per request: SQL per request stays flat in page size."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from strawberry.dataloader import DataLoader

from server.models import Department, Employee, RoleAssignment


class Loaders:
    """Each loader is tenant-scoped: a stray id from another company loads as None."""

    def __init__(self, company_id: UUID) -> None:
        self.company_id = company_id
        self.department = DataLoader(self._departments)
        self.employee = DataLoader(self._employees)
        self.roles = DataLoader(self._roles)
        self.children = DataLoader(self._children)

    async def _departments(self, ids: Sequence[UUID]) -> list[Department | None]:
        rows = await Department.filter(company_id=self.company_id, id__in=list(ids))
        found = {d.id: d for d in rows}
        return [found.get(i) for i in ids]

    async def _employees(self, ids: Sequence[UUID]) -> list[Employee | None]:
        rows = await Employee.filter(company_id=self.company_id, id__in=list(ids))
        found = {e.id: e for e in rows}
        return [found.get(i) for i in ids]

    async def _roles(self, employee_ids: Sequence[UUID]) -> list[list[RoleAssignment]]:
        rows = await RoleAssignment.filter(
            company_id=self.company_id, employee_id__in=list(employee_ids)
        ).order_by("role", "created_at")
        grouped: dict[UUID, list[RoleAssignment]] = {i: [] for i in employee_ids}
        for row in rows:
            grouped.setdefault(row.employee_id, []).append(row)  # type: ignore[arg-type]
        return [grouped[i] for i in employee_ids]

    async def _children(self, parent_ids: Sequence[UUID]) -> list[list[Department]]:
        rows = await Department.filter(
            company_id=self.company_id, parent_id__in=list(parent_ids), is_active=True
        ).order_by("name", "id")
        grouped: dict[UUID, list[Department]] = {i: [] for i in parent_ids}
        for row in rows:
            grouped.setdefault(row.parent_id, []).append(row)  # type: ignore[arg-type]
        return [grouped[i] for i in parent_ids]
