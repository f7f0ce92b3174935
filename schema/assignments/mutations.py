"""Mutations of assignments: a department at once (row by row), or one person's patch."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry.types import Info

from schema import ids
from schema.assignments.types import AssignDepartmentPayload, Assignment, AssignmentRowError
from schema.permissions import AUTH
from schema.plans.indicators import IndicatorInput, indicator_specs
from server.assignments import service
from server.assignments.rows import AssignmentPatch as Patch
from server.assignments.rows import AssignmentRow, Override
from server.errors import BadInput


@strawberry.input(description="A person's own target and/or weight for one indicator.")
class IndicatorOverrideInput:
    indicator_key: str
    target: Decimal | None = strawberry.field(default=None, description="null: keep it")
    weight: Decimal | None = strawberry.field(default=None, description="null: keep it")


@strawberry.input(
    description="One person: the plan's indicators with these overrides, less `removedKeys`, "
    "plus `personalIndicators`. Replaces his whole assignment."
)
class AssignmentRowInput:
    employee_id: strawberry.ID
    overrides: list[IndicatorOverrideInput] = strawberry.field(default_factory=list)
    personal_indicators: list[IndicatorInput] = strawberry.field(default_factory=list)
    removed_keys: list[str] = strawberry.field(
        default_factory=list, description="Keys of plan indicators this person is not measured on"
    )


@strawberry.input(description="A change to one assignment: what is not given keeps its value.")
class AssignmentPatch:
    overrides: list[IndicatorOverrideInput] | None = None
    add_personal_indicators: list[IndicatorInput] | None = None
    remove_keys: list[str] | None = strawberry.field(
        default=None, description="Keys of indicators (the plan's or personal) to drop"
    )


def _overrides(given: list[IndicatorOverrideInput] | None) -> tuple[Override, ...]:
    return tuple(Override(o.indicator_key, o.target, o.weight) for o in given or ())


def _row(index: int, given: AssignmentRowInput) -> AssignmentRow:
    try:
        employee_id = ids.decode(given.employee_id, "Employee", f"rows[{index}].employeeId")
    except BadInput as exc:  # answered as this row's rejection, like any other invalid row
        return AssignmentRow(employee_id=None, error=exc)
    return AssignmentRow(
        employee_id=employee_id,
        overrides=_overrides(given.overrides),
        personal=indicator_specs(given.personal_indicators),
        removed_keys=tuple(given.removed_keys),
    )


@strawberry.type
class AssignmentMutation:
    @strawberry.mutation(
        permission_classes=AUTH,
        description="Assign the plan's indicators to a department's people: without `rows`, "
        "every active person with the plan's defaults; with rows, each as his row says. "
        "Answers row by row; an assigned person is updated. While the plan is ACTIVE this "
        "needs `assignment:assign`, once EVALUATING `assignment:amend`.",
    )
    async def assign_department(
        self,
        info: Info,
        plan_id: strawberry.ID,
        department_id: strawberry.ID,
        rows: list[AssignmentRowInput] | None = None,
    ) -> AssignDepartmentPayload:
        plan = ids.decode(plan_id, "Plan", "planId")
        department = ids.decode(department_id, "Department", "departmentId")
        given = None if rows is None else [_row(i, r) for i, r in enumerate(rows)]
        outcome = await service.assign_department(info.context.actor, plan, department, given)
        lang = info.context.lang
        return AssignDepartmentPayload(
            assigned=[Assignment.of(a) for a in outcome.assigned],
            rejected=[
                AssignmentRowError.of(
                    r, None if rows is None else str(rows[r.index].employee_id), lang
                )
                for r in outcome.rejected
            ],
        )

    @strawberry.mutation(
        permission_classes=AUTH,
        description="Patch one assignment read at `revision`; CONFLICT (STALE_VERSION) when it "
        "has changed since.",
    )
    async def update_assignment(
        self, info: Info, id: strawberry.ID, revision: int, patch: AssignmentPatch
    ) -> Assignment:
        change = Patch(
            overrides=_overrides(patch.overrides),
            add_personal=indicator_specs(patch.add_personal_indicators or ()),
            remove_keys=tuple(patch.remove_keys or ()),
        )
        row = await service.update_assignment(
            info.context.actor, ids.decode(id, "Assignment"), revision, change
        )
        return Assignment.of(row)
