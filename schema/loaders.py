"""DataLoaders, one per key, created per request: SQL per request stays flat in page size."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any
from uuid import UUID

from strawberry.dataloader import DataLoader
from tortoise.expressions import Q

from server.models import (
    Department,
    Employee,
    Indicator,
    Plan,
    PlanApproval,
    PlanComment,
    PlanTransition,
    PlanVersion,
    RoleAssignment,
)
from server.org_tree import DepartmentRow, org_chart
from server.services.employees import employee_rows


class Loaders:
    """Each loader is tenant-scoped: a stray id from another company loads as None."""

    def __init__(self, company_id: UUID) -> None:
        self.company_id = company_id
        self.department = DataLoader(self._departments)
        self.employee = DataLoader(self._employees)
        self.roles = DataLoader(self._roles)
        self.children = DataLoader(self._children)
        self.indicators = DataLoader(self._indicators)
        self.plan_version = DataLoader(self._plan_versions)
        self.plan_departments = DataLoader(self._plan_departments)
        # Whole histories by plan id: one query for a page of plans, not one per plan.
        self.plan_versions = DataLoader(partial(self._by_plan, PlanVersion, "number"))
        self.plan_approvals = DataLoader(partial(self._by_plan, PlanApproval, "role"))
        self.plan_transitions = DataLoader(partial(self._by_plan, PlanTransition, "at"))
        self.plan_comments = DataLoader(partial(self._by_plan, PlanComment, "created_at"))

    async def _departments(self, ids: Sequence[UUID]) -> list[DepartmentRow | None]:
        # From the company's cached chart: another company's department is not in it.
        departments = (await org_chart(self.company_id)).departments
        return [departments.get(i) for i in ids]

    # By primary key alone, so the database uses it (a company filter in SQL makes SQLite
    # scan the company's index); rows of another company are dropped here instead.
    async def _employees(self, ids: Sequence[UUID]) -> list[Employee | None]:
        rows = await employee_rows(Employee.filter(id__in=list(ids)))
        found = {e.id: e for e in rows if e.company_id == self.company_id}
        return [found.get(i) for i in ids]

    async def prime_employee_page(self, rows: Sequence[Employee]) -> None:
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

    async def _indicators(self, keys: Sequence[tuple[UUID, int]]) -> list[list[Indicator]]:
        """Indicators of (plan, version) pairs, in their order."""
        rows = await Indicator.filter(pairs_filter(keys, "version")).order_by("position")
        grouped: dict[tuple[UUID, int], list[Indicator]] = {k: [] for k in keys}
        for row in rows:
            grouped[(row.plan_id, row.version)].append(row)  # type: ignore[index]
        return [grouped[k] for k in keys]

    async def _plan_versions(self, keys: Sequence[tuple[UUID, int]]) -> list[PlanVersion | None]:
        rows = await PlanVersion.filter(pairs_filter(keys, "number"))
        found = {(r.plan_id, r.number): r for r in rows}
        return [found.get(k) for k in keys]

    async def _by_plan(self, model: Any, order: str, plan_ids: Sequence[UUID]) -> list[list[Any]]:
        rows = await model.filter(plan_id__in=list(plan_ids)).order_by(order)
        grouped: dict[UUID, list[Any]] = {i: [] for i in plan_ids}
        for row in rows:
            grouped[row.plan_id].append(row)
        return [grouped[i] for i in plan_ids]

    async def _plan_departments(self, plan_ids: Sequence[UUID]) -> list[list[DepartmentRow]]:
        pairs = await Plan.filter(id__in=list(plan_ids), company_id=self.company_id).values_list(
            "id", "departments__id"
        )
        departments = (await org_chart(self.company_id)).departments
        grouped: dict[UUID, list[DepartmentRow]] = {i: [] for i in plan_ids}
        for plan_id, dept_id in pairs:
            if dept_id in departments:
                grouped[plan_id].append(departments[dept_id])
        return [sorted(grouped[i], key=lambda d: d.name) for i in plan_ids]


def peek(loader: DataLoader, key: Any) -> Any:
    """The value already loaded for ``key`` in this request, or MISSING."""
    future = loader.cache_map.get(key)
    if future is None or not future.done() or future.cancelled() or future.exception():
        return MISSING
    return future.result()


MISSING = object()


def pairs_filter(keys: Sequence[tuple[UUID, int]], column: str) -> Q:
    """(plan, number) pairs as one filter: plans grouped by number, so no other version rides
    along (plan IN (...) AND number IN (...) would read every cross combination)."""
    by_number: dict[int, list[UUID]] = {}
    for plan_id, number in set(keys):
        by_number.setdefault(number, []).append(plan_id)
    return Q(*(Q(plan_id__in=ids, **{column: n}) for n, ids in by_number.items()), join_type=Q.OR)
