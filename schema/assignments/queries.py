"""Reads of assignments: one's own, a plan's page, one by ID; each decided in server/."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from schema import ids
from schema.assignments.types import Assignment, AssignmentConnection
from schema.permissions import AUTH
from server.assignments import reads
from server.assignments.access import get_assignment


@strawberry.type
class AssignmentQuery:
    @strawberry.field(
        permission_classes=AUTH,
        description="The caller's own assignments, newest plan first (one plan's with planId).",
    )
    async def my_assignments(
        self, info: Info, plan_id: strawberry.ID | None = None
    ) -> list[Assignment]:
        plan = None if plan_id is None else ids.decode(plan_id, "Plan", "planId")
        rows = await reads.my_assignments(info.context.actor, plan)
        return [Assignment.of(r) for r in rows]

    @strawberry.field(
        permission_classes=AUTH,
        description="A page of a plan's assignments the caller may see, by person's name; "
        "departmentId narrows it to that department and those below it.",
    )
    async def assignments(
        self,
        info: Info,
        plan_id: strawberry.ID,
        department_id: strawberry.ID | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> AssignmentConnection:
        department = (
            None
            if department_id is None
            else ids.decode(department_id, "Department", "departmentId")
        )
        page = await reads.list_assignments(
            info.context.actor,
            ids.decode(plan_id, "Plan", "planId"),
            department_id=department,
            first=first,
            after=after,
        )
        # The page read its people with it: their fields resolve without another statement.
        info.context.loaders.org.employee.prime_many({r.employee_id: r.employee for r in page.rows})
        return AssignmentConnection.of(page)

    @strawberry.field(permission_classes=AUTH)
    async def assignment(self, info: Info, id: strawberry.ID) -> Assignment:
        return Assignment.of(await get_assignment(info.context.actor, ids.decode(id, "Assignment")))
