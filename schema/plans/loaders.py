"""The plans' DataLoaders: indicators and versions by (plan, number), and whole histories
(versions, approvals, transitions, comments) and covered departments by plan id."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any
from uuid import UUID

from strawberry.dataloader import DataLoader
from tortoise.expressions import Q

from server.models import (
    Indicator,
    Plan,
    PlanApproval,
    PlanComment,
    PlanTransition,
    PlanVersion,
)
from server.org_tree import DepartmentRow, org_chart


class PlanLoaders:
    """Tenant-scoped: plans are read by ids the caller was already allowed to see, and a
    plan's departments only from the company's own chart."""

    def __init__(self, company_id: UUID) -> None:
        self.company_id = company_id
        self.indicators = DataLoader(self._indicators)
        self.version = DataLoader(self._versions)
        self.departments = DataLoader(self._departments)
        # Whole histories by plan id: one query for a page of plans, not one per plan.
        self.versions = DataLoader(partial(self._by_plan, PlanVersion, "number"))
        self.approvals = DataLoader(partial(self._by_plan, PlanApproval, "role"))
        self.transitions = DataLoader(partial(self._by_plan, PlanTransition, "at"))
        self.comments = DataLoader(partial(self._by_plan, PlanComment, "created_at"))

    async def _indicators(self, keys: Sequence[tuple[UUID, int]]) -> list[list[Indicator]]:
        """Indicators of (plan, version) pairs, in their order."""
        rows = await Indicator.filter(pairs_filter(keys, "version")).order_by("position")
        grouped: dict[tuple[UUID, int], list[Indicator]] = {k: [] for k in keys}
        for row in rows:
            grouped[(row.plan_id, row.version)].append(row)
        return [grouped[k] for k in keys]

    async def _versions(self, keys: Sequence[tuple[UUID, int]]) -> list[PlanVersion | None]:
        rows = await PlanVersion.filter(pairs_filter(keys, "number"))
        found = {(r.plan_id, r.number): r for r in rows}
        return [found.get(k) for k in keys]

    async def _by_plan(self, model: Any, order: str, plan_ids: Sequence[UUID]) -> list[list[Any]]:
        rows = await model.filter(plan_id__in=list(plan_ids)).order_by(order)
        grouped: dict[UUID, list[Any]] = {i: [] for i in plan_ids}
        for row in rows:
            grouped[row.plan_id].append(row)
        return [grouped[i] for i in plan_ids]

    async def _departments(self, plan_ids: Sequence[UUID]) -> list[list[DepartmentRow]]:
        pairs = await Plan.filter(id__in=list(plan_ids), company_id=self.company_id).values_list(
            "id", "departments__id"
        )
        departments = (await org_chart(self.company_id)).departments
        grouped: dict[UUID, list[DepartmentRow]] = {i: [] for i in plan_ids}
        for plan_id, dept_id in pairs:
            if dept_id in departments:
                grouped[plan_id].append(departments[dept_id])
        return [sorted(grouped[i], key=lambda d: d.name) for i in plan_ids]


def pairs_filter(keys: Sequence[tuple[UUID, int]], column: str) -> Q:
    """(plan, number) pairs as one filter: plans grouped by number, so no other version rides
    along (plan IN (...) AND number IN (...) would read every cross combination)."""
    by_number: dict[int, list[UUID]] = {}
    for plan_id, number in set(keys):
        by_number.setdefault(number, []).append(plan_id)
    each = [Q(**_filters(ids, column, n)) for n, ids in by_number.items()]
    return Q(*each, join_type=Q.OR)


def _filters(plan_ids: list[UUID], column: str, number: int) -> dict[str, Any]:
    return {"plan_id__in": plan_ids, column: number}
