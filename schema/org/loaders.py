"""The org chart's DataLoaders: departments, employees, their roles and sub-departments."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from strawberry.dataloader import DataLoader

from server.models import Department, Employee, RoleAssignment
from server.org_tree import DepartmentRow, org_chart
from server.services.employees import EmployeeRow, employee_rows


class OrgLoaders:
    """Tenant-scoped: a stray id from another company loads as None."""

    def __init__(self, company_id: UUID) -> None:
        self.company_id = company_id
        self.department = DataLoader(self._departments)
        self.employee = DataLoader(self._employees)
        self.roles = DataLoader(self._roles)
        self.children = DataLoader(self._children)

    async def _departments(self, ids: Sequence[UUID]) -> list[DepartmentRow | None]:
        # From the company's cached chart: another company's department is not in it.
        departments = (await org_chart(self.company_id)).departments
        return [departments.get(i) for i in ids]

    # By primary key alone, so the database uses it (a company filter in SQL makes SQLite
    # scan the company's index); rows of another company are dropped here instead.
    # Typed with Employee too: a directory page primes the cache with the rows it read.
    async def _employees(self, ids: Sequence[UUID]) -> list[Employee | EmployeeRow | None]:
        rows = await employee_rows(Employee.filter(id__in=list(ids)))
        found = {e.id: e for e in rows if e.company_id == self.company_id}
        return [found.get(i) for i in ids]

    async def prime_employee_page(self, rows: Sequence[Employee | EmployeeRow]) -> None:
        """Load what a directory page shows around its people in two batched rounds, so
        the nested fields resolve from the cache without a task per field."""
        departments = await self.department.load_many(list({e.department_id for e in rows}))
        people = {e.manager_id for e in rows if e.manager_id}
        for dept in departments:
            if dept is not None:
                people |= {p for p in (dept.manager_id, dept.supervisor_id) if p}
        self.employee.prime_many({e.id: e for e in rows})
        await self.employee.load_many(list(people))

    async def _roles(self, employee_ids: Sequence[UUID]) -> list[list[RoleAssignment]]:
        rows = await RoleAssignment.filter(
            company_id=self.company_id, employee_id__in=list(employee_ids)
        ).order_by("role", "created_at")
        grouped: dict[UUID, list[RoleAssignment]] = {i: [] for i in employee_ids}
        for row in rows:
            grouped.setdefault(row.employee_id, []).append(row)
        return [grouped[i] for i in employee_ids]

    async def _children(self, parent_ids: Sequence[UUID]) -> list[list[Department]]:
        rows = await Department.filter(
            company_id=self.company_id, parent_id__in=list(parent_ids), is_active=True
        ).order_by("name", "id")
        grouped: dict[UUID, list[Department]] = {i: [] for i in parent_ids}
        for row in rows:
            grouped.setdefault(row.parent_id, []).append(row)  # type: ignore[arg-type]
        return [grouped[i] for i in parent_ids]
