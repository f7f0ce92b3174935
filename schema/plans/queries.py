"""Reads of the template library and of plans: each decided in server/plans."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from schema import ids
from schema.enums import DepartmentKind, PlanState
from schema.permissions import AUTH
from schema.plans.types import DepartmentPlanProgress, Plan, PlanChange, Template
from server.plans import service, templates
from server.plans.progress import plan_progress


@strawberry.type
class PlanQuery:
    @strawberry.field(permission_classes=AUTH, description="The template library.")
    async def templates(
        self, info: Info, department_kind: DepartmentKind | None = None
    ) -> list[Template]:
        rows = await templates.list_templates(info.context.actor, department_kind)
        return [Template.of(t) for t in rows]

    @strawberry.field(permission_classes=AUTH, description="Visible plans overlapping a period.")
    async def plans(
        self,
        info: Info,
        period_start: date | None = None,
        period_end: date | None = None,
        state: PlanState | None = None,
    ) -> list[Plan]:
        rows = await service.list_plans(
            info.context.actor, period_start=period_start, period_end=period_end, state=state
        )
        return [Plan.of(p) for p in rows]

    @strawberry.field(permission_classes=AUTH)
    async def plan(self, info: Info, id: strawberry.ID) -> Plan:
        return Plan.of(await service.get_plan(info.context.actor, ids.decode(id, "Plan")))

    @strawberry.field(
        permission_classes=AUTH, description="Indicator-level changes between two versions."
    )
    async def plan_version_diff(
        self,
        info: Info,
        plan_id: strawberry.ID,
        from_: Annotated[int, strawberry.argument(name="from")],
        to: Annotated[
            int | None, strawberry.argument(description="default: the current version")
        ] = None,
    ) -> list[PlanChange]:
        changes = await service.version_diff(
            info.context.actor, ids.decode(plan_id, "Plan", "planId"), from_, to
        )
        return [PlanChange.of(c) for c in changes]

    @strawberry.field(
        permission_classes=AUTH,
        description="Per department: plan states, who they wait on, overdue flags.",
    )
    async def plan_progress(
        self, info: Info, period_start: date, period_end: date
    ) -> list[DepartmentPlanProgress]:
        rows = await plan_progress(info.context.actor, period_start, period_end)
        return [DepartmentPlanProgress.of(r) for r in rows]
