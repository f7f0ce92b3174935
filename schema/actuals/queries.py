"""Reading actuals: a plan's page, filtered in SQL by the caller's grant."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from schema import ids
from schema.actuals.types import Actual, ActualConnection, ActualEdge
from schema.paging import page_info
from schema.permissions import AUTH
from server.actuals.reads import list_actuals


@strawberry.type
class ActualQuery:
    @strawberry.field(
        permission_classes=AUTH,
        description="A plan's actuals the caller may read (his own, his team's, his "
        "departments'), by person; narrowed to one employee or department when given.",
    )
    async def actuals(
        self,
        info: Info,
        plan_id: strawberry.ID,
        employee_id: strawberry.ID | None = None,
        department_id: strawberry.ID | None = None,
        first: int = 100,
        after: str | None = None,
    ) -> ActualConnection:
        page = await list_actuals(
            info.context.actor,
            ids.decode(plan_id, "Plan", "planId"),
            employee_id=None
            if employee_id is None
            else ids.decode(employee_id, "Employee", "employeeId"),
            department_id=None
            if department_id is None
            else ids.decode(department_id, "Department", "departmentId"),
            first=first,
            after=after,
        )
        edges = [
            ActualEdge(cursor=c, node=Actual.of(r))
            for r, c in zip(page.rows, page.cursors, strict=True)
        ]
        return ActualConnection(edges=edges, page_info=page_info(page.cursors, page.has_next))
