"""GraphQL types of assignments: one person's indicators in one plan, pages of them, and the
row-by-row answer of ``assignDepartment``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from schema import ids
from schema.enums import Direction
from schema.errors import row_error
from schema.org.types import Department, Employee, department_ref, employee_ref
from schema.paging import page_info
from schema.plans.indicator_types import Scoring
from schema.plans.types import Plan
from server import models as m
from server.assignments.rows import AssignedItem, RowRejection, loaded
from server.errors import ErrorCode, Reason
from server.paging import Page
from server.plans.access import PlanView


@strawberry.type(
    description="One indicator a person is measured on: the plan's (with his own target and "
    "weight when overridden: compare `planTarget` and `planWeight`) or a personal one."
)
class AssignedIndicator:
    key: str
    name: str
    description: str
    unit: str
    weight: Decimal
    target: Decimal | None
    direction: Direction = strawberry.field(description="The scoring rule's direction")
    data_source: str
    scoring: Scoring
    qualitative: bool
    personal: bool = strawberry.field(description="Added for this person, not from the plan")
    plan_target: Decimal | None = strawberry.field(
        description="The plan's target for this indicator (null for a personal one)"
    )
    plan_weight: Decimal | None = strawberry.field(
        description="The plan's weight for this indicator (null for a personal one)"
    )

    @classmethod
    def of(cls, item: AssignedItem, plan_row: m.Indicator | None) -> AssignedIndicator:
        spec = item.spec
        from_plan = None if item.personal else plan_row
        return cls(
            key=item.key,
            name=spec.name,
            description=spec.description,
            unit=spec.unit,
            weight=spec.weight,
            target=spec.target,
            direction=spec.direction,
            data_source=spec.data_source,
            scoring=Scoring.of(spec.scoring),
            qualitative=spec.qualitative,
            personal=item.personal,
            plan_target=None if from_plan is None else from_plan.target,
            plan_weight=None if from_plan is None else from_plan.weight,
        )


@strawberry.type(
    description="The indicators, targets and weights one person is measured on in one plan; "
    "weights add up to 100. `revision` counts changes: send it back to `updateAssignment`."
)
class Assignment(relay.Node):
    id: relay.NodeID[str]
    revision: int
    updated_at: datetime
    row: strawberry.Private[m.Assignment]

    @classmethod
    def of(cls, row: m.Assignment) -> Assignment:
        return cls(id=str(row.id), revision=row.revision, updated_at=row.updated_at, row=row)

    @strawberry.field(description="Null when the caller may not see the plan.")
    async def plan(self, info: Info) -> Plan | None:
        row = await info.context.loaders.assignments.plan.load(self.row.plan_id)
        if row is None:
            return None
        departments = await info.context.loaders.plans.departments.load(row.id)
        view = await PlanView.of(info.context.actor)
        return Plan.of(row) if view.visible(row, {d.id for d in departments}) else None

    @strawberry.field(description="The person measured.")
    def employee(self, info: Info) -> Employee | None:
        return employee_ref(info, self.row.employee_id)

    @strawberry.field(description="The person's department when assigned.")
    def department(self, info: Info) -> Department | None:
        return department_ref(info, self.row.department_id)

    @strawberry.field(description="Who assigned or last changed it.")
    def assigned_by(self, info: Info) -> Employee | None:
        return employee_ref(info, self.row.assigned_by)

    @strawberry.field
    async def indicators(self, info: Info) -> list[AssignedIndicator]:
        loaders = info.context.loaders
        plan = await loaders.assignments.plan.load(self.row.plan_id)
        rows = [] if plan is None else await loaders.plans.indicators.load((plan.id, plan.version))
        by_key = {r.key: r for r in rows}
        items = loaded(self.row.indicators)
        return [AssignedIndicator.of(item, by_key.get(item.key)) for item in items]


@strawberry.type
class AssignmentEdge:
    cursor: str
    node: Assignment


@strawberry.type(description="A page of assignments, by person's name; `first` is capped at 100.")
class AssignmentConnection:
    edges: list[AssignmentEdge]
    page_info: relay.PageInfo

    @classmethod
    def of(cls, page: Page[m.Assignment]) -> AssignmentConnection:
        edges = [
            AssignmentEdge(cursor=c, node=Assignment.of(r))
            for r, c in zip(page.rows, page.cursors, strict=True)
        ]
        return cls(edges=edges, page_info=page_info(page.cursors, page.has_next))


@strawberry.type(
    description="Why one row of `assignDepartment` was not written: its position (0-based; "
    "without rows, in the department's order by name), the person, and the error."
)
class AssignmentRowError:
    row: int
    employee_id: strawberry.ID | None
    code: ErrorCode
    reason: Reason
    field: str | None
    message: str

    @classmethod
    def of(cls, rejection: RowRejection, given_id: str | None, lang: str) -> AssignmentRowError:
        shown: dict[str, Any] = row_error(rejection.index, rejection.error, lang)
        employee = given_id
        if employee is None and rejection.employee_id is not None:
            employee = ids.encode("Employee", rejection.employee_id)
        return cls(
            row=rejection.index,
            employee_id=None if employee is None else strawberry.ID(employee),
            code=ErrorCode(shown["code"]),
            reason=Reason(shown["reason"]),
            field=shown["field"],
            message=shown["message"],
        )


@strawberry.type(
    description="Row by row: the assignments written (or found already as asked), and the "
    "rows refused, each with its reason. Accepted rows are written together; a refused row "
    "changes nothing."
)
class AssignDepartmentPayload:
    assigned: list[Assignment]
    rejected: list[AssignmentRowError]
