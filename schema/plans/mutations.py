"""Mutations of plans (content, workflow steps, comments) and of the template library."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from schema import ids
from schema.enums import DepartmentKind, Framework, PeriodKind, PlanLevel
from schema.permissions import AUTH
from schema.plans.indicators import IndicatorInput, IndicatorMutation, indicator_specs
from schema.plans.steps import PlanAction
from schema.plans.types import Plan, PlanComment, Template
from server.plans import comments, creation, review, service, templates
from server.plans.validation import PlanData


@strawberry.input
class DeadlinesInput:
    submission: date
    review: date
    self_evaluation: date
    manager_evaluation: date


@strawberry.input(description="Give indicators, or a template, or a plan to copy (last period's).")
class CreatePlanInput:
    name: str
    level: PlanLevel
    period_kind: PeriodKind
    period_start: date
    period_end: date
    deadlines: DeadlinesInput
    department_ids: list[strawberry.ID]
    indicators: list[IndicatorInput] | None = None
    template_id: strawberry.ID | None = None
    copy_from_plan_id: strawberry.ID | None = None


@strawberry.input(description="Only the fields given change; `indicators` replaces the whole list.")
class UpdatePlanInput:
    name: str | None = None
    deadlines: DeadlinesInput | None = None
    department_ids: list[strawberry.ID] | None = None
    indicators: list[IndicatorInput] | None = None


@strawberry.input
class TemplateInput:
    name: str
    framework: Framework = Framework.KPI
    department_kind: DepartmentKind = DepartmentKind.OTHER
    description: str = ""
    indicators: list[IndicatorInput] = strawberry.field(default_factory=list)


def _departments(values: list[strawberry.ID]) -> tuple[Any, ...]:
    return tuple(ids.decode(v, "Department", f"departmentIds[{i}]") for i, v in enumerate(values))


def _deadlines(d: DeadlinesInput) -> dict[str, date]:
    return {
        "submission_due": d.submission,
        "review_due": d.review,
        "self_evaluation_due": d.self_evaluation,
        "manager_evaluation_due": d.manager_evaluation,
    }


def _optional_id(value: strawberry.ID | None, type_name: str, field: str) -> Any:
    return None if value is None else ids.decode(value, type_name, field)


@strawberry.type
class PlanMutation(IndicatorMutation):  # updateIndicator(s) live in schema/plans/indicators.py
    @strawberry.mutation(permission_classes=AUTH)
    async def create_plan(self, info: Info, input: CreatePlanInput) -> Plan:
        source = creation.source_of(
            indicators=None if input.indicators is None else indicator_specs(input.indicators),
            template_id=_optional_id(input.template_id, "Template", "templateId"),
            copy_from_plan_id=_optional_id(input.copy_from_plan_id, "Plan", "copyFromPlanId"),
        )
        data = PlanData(
            name=input.name,
            level=input.level,
            period_kind=input.period_kind,
            period_start=input.period_start,
            period_end=input.period_end,
            department_ids=_departments(input.department_ids),
            submission_due=input.deadlines.submission,
            review_due=input.deadlines.review,
            self_evaluation_due=input.deadlines.self_evaluation,
            manager_evaluation_due=input.deadlines.manager_evaluation,
        )
        plan = await creation.create_plan_from(info.context.actor, data, source)
        return Plan.of(plan)

    @strawberry.mutation(
        permission_classes=AUTH, description="Edit; CONFLICT when expectedVersion is stale."
    )
    async def update_plan(
        self,
        info: Info,
        id: strawberry.ID,
        expected_version: int,
        input: UpdatePlanInput,
        comment: str = "",
    ) -> Plan:
        changes: dict[str, Any] = {}
        if input.name is not None:
            changes["name"] = input.name
        if input.deadlines is not None:
            changes.update(_deadlines(input.deadlines))
        if input.department_ids is not None:
            changes["department_ids"] = _departments(input.department_ids)
        if input.indicators is not None:
            changes["indicators"] = indicator_specs(input.indicators)
        plan = await service.update_plan(
            info.context.actor,
            ids.decode(id, "Plan"),
            expected_version,
            changes,
            comment,
        )
        return Plan.of(plan)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="Take a workflow step; CONFLICT when not allowed now, or when "
        "expectedVersion is no longer the current version.",
    )
    async def transition_plan(
        self,
        info: Info,
        id: strawberry.ID,
        action: PlanAction,
        comment: str = "",
        expected_version: Annotated[
            int | None,
            strawberry.argument(
                description="The version the caller read: required to APPROVE (the sign-off "
                "is for that version), checked for any other step when given."
            ),
        ] = None,
    ) -> Plan:
        return Plan.of(
            await review.transition(
                info.context.actor, ids.decode(id, "Plan"), action.value, comment, expected_version
            )
        )

    @strawberry.mutation(permission_classes=AUTH)
    async def add_plan_comment(
        self,
        info: Info,
        plan_id: strawberry.ID,
        body: str,
        version: int | None = None,
        indicator_key: str | None = None,
        parent_id: strawberry.ID | None = None,
    ) -> PlanComment:
        row = await comments.add_comment(
            info.context.actor,
            ids.decode(plan_id, "Plan", "planId"),
            body,
            version=version,
            indicator_key=indicator_key,
            parent_id=_optional_id(parent_id, "PlanComment", "parentId"),
        )
        return PlanComment.of(row)

    @strawberry.mutation(permission_classes=AUTH)
    async def resolve_plan_comment(
        self, info: Info, id: strawberry.ID, resolved: bool = True
    ) -> PlanComment:
        row = await comments.resolve_comment(
            info.context.actor, ids.decode(id, "PlanComment"), resolved
        )
        return PlanComment.of(row)

    @strawberry.mutation(permission_classes=AUTH)
    async def create_template(self, info: Info, input: TemplateInput) -> Template:
        return Template.of(await _save_template(info, None, input))

    @strawberry.mutation(permission_classes=AUTH)
    async def update_template(
        self, info: Info, id: strawberry.ID, input: TemplateInput
    ) -> Template:
        return Template.of(await _save_template(info, ids.decode(id, "Template"), input))

    @strawberry.mutation(permission_classes=AUTH)
    async def delete_template(self, info: Info, id: strawberry.ID) -> bool:
        await templates.delete_template(info.context.actor, ids.decode(id, "Template"))
        return True


async def _save_template(info: Info, template_id: Any, input: TemplateInput) -> Any:
    return await templates.save_template(
        info.context.actor,
        template_id,
        name=input.name,
        framework=input.framework,
        department_kind=input.department_kind,
        description=input.description,
        indicators=indicator_specs(input.indicators),
    )
