"""Queries, mutations and the event subscription for templates and plans."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from schema import ids
from schema.enums import (
    DepartmentKind,
    Direction,
    Framework,
    PeriodKind,
    PlanLevel,
    PlanState,
    ScoringKind,
)
from schema.permissions import IsAuthenticated
from schema.plans.indicators import BandInput, IndicatorMutation
from schema.plans.types import (
    DepartmentPlanProgress,
    Plan,
    PlanChange,
    PlanComment,
    PlanEventPayload,
    Template,
)
from server.events import KINDS, PlanEvent
from server.models import Plan as PlanRow
from server.plans import comments, review, service, templates
from server.plans.access import PlanView, covered_departments
from server.plans.progress import plan_progress
from server.plans.validation import IndicatorData, PlanData
from server.plans.versions import diff, load_data

AUTH = [IsAuthenticated]


@strawberry.enum(description="Workflow steps; who may take each is set in the policy.")
class PlanAction(Enum):
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    REDRAFT = "redraft"
    FILE = "file"
    ACKNOWLEDGE = "acknowledge"
    START_EVALUATION = "start_evaluation"
    FINALIZE = "finalize"
    CLOSE = "close"


@strawberry.input
class ScoringInput:
    rule: ScoringKind = ScoringKind.RATIO
    cap: Decimal | None = None
    bands: list[BandInput] | None = None


@strawberry.input
class IndicatorInput:
    name: str
    weight: Decimal
    target: Decimal | None = None
    key: str | None = strawberry.field(
        default=None, description="Keep an indicator's key across edits"
    )
    description: str = ""
    unit: str = ""
    direction: Direction = Direction.HIGHER
    data_source: str = strawberry.field(default="manual", description="manual, or a metric key")
    scoring: ScoringInput | None = None
    qualitative: bool = False


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


def indicator_data(item: IndicatorInput) -> IndicatorData:
    scoring: dict[str, Any] = {"rule": "ratio"}
    if item.scoring is not None:
        scoring = {"rule": item.scoring.rule}
        if item.scoring.cap is not None:
            scoring["cap"] = item.scoring.cap
        if item.scoring.bands is not None:
            scoring["bands"] = [{"from": b.from_, "score": b.score} for b in item.scoring.bands]
    return IndicatorData(
        name=item.name,
        weight=item.weight,
        target=item.target,
        key=item.key,
        description=item.description,
        unit=item.unit,
        direction=item.direction,
        data_source=item.data_source,
        scoring=scoring,
        qualitative=item.qualitative,
    )


def _departments(values: list[strawberry.ID]) -> tuple[Any, ...]:
    return tuple(ids.decode(v, "Department", f"departmentIds[{i}]") for i, v in enumerate(values))


def _deadlines(d: DeadlinesInput) -> dict[str, date]:
    return {
        "submission_due": d.submission,
        "review_due": d.review,
        "self_evaluation_due": d.self_evaluation,
        "manager_evaluation_due": d.manager_evaluation,
    }


@strawberry.type
class PlanQuery:
    @strawberry.field(permission_classes=AUTH, description="The template library.")
    async def templates(
        self, info: Info, department_kind: DepartmentKind | None = None
    ) -> list[Template]:
        return [
            Template.of(t)
            for t in await templates.list_templates(info.context.actor, department_kind)
        ]

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
        plan = await service.get_plan(info.context.actor, ids.decode(plan_id, "Plan", "planId"))
        old = await load_data(plan, from_)
        new = await load_data(plan, to or plan.version)
        return [PlanChange.of(c) for c in diff(old, new)]

    @strawberry.field(
        permission_classes=AUTH,
        description="Per department: plan states, who they wait on, overdue flags.",
    )
    async def plan_progress(
        self, info: Info, period_start: date, period_end: date
    ) -> list[DepartmentPlanProgress]:
        rows = await plan_progress(info.context.actor, period_start, period_end)
        return [DepartmentPlanProgress.of(r) for r in rows]


@strawberry.type
class PlanMutation(IndicatorMutation):  # updateIndicator(s) live in schema/plans/indicators.py
    @strawberry.mutation(permission_classes=AUTH)
    async def create_plan(self, info: Info, input: CreatePlanInput) -> Plan:
        actor, metrics = info.context.actor, info.context.runtime.metrics
        data = PlanData(
            name=input.name,
            level=input.level,
            period_kind=input.period_kind,
            period_start=input.period_start,
            period_end=input.period_end,
            department_ids=_departments(input.department_ids),
            **_deadlines(input.deadlines),
        )
        if input.copy_from_plan_id is not None:
            source = ids.decode(input.copy_from_plan_id, "Plan", "copyFromPlanId")
            return Plan.of(await service.copy_plan(actor, metrics, source, data))
        if input.template_id is not None:
            items = await service.from_template(
                actor, ids.decode(input.template_id, "Template", "templateId")
            )
        else:
            items = tuple(indicator_data(i) for i in input.indicators or [])
        return Plan.of(
            await service.create_plan(
                actor, metrics, PlanData(**{**data.__dict__, "indicators": items})
            )
        )

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
            changes["indicators"] = tuple(indicator_data(i) for i in input.indicators)
        plan = await service.update_plan(
            info.context.actor,
            info.context.runtime.metrics,
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
        parent = None if parent_id is None else ids.decode(parent_id, "PlanComment", "parentId")
        row = await comments.add_comment(
            info.context.actor,
            ids.decode(plan_id, "Plan", "planId"),
            body,
            version=version,
            indicator_key=indicator_key,
            parent_id=parent,
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
        info.context.runtime.metrics,
        template_id,
        name=input.name,
        framework=input.framework,
        department_kind=input.department_kind,
        description=input.description,
        indicators=tuple(indicator_data(i) for i in input.indicators),
    )


@strawberry.type
class PlanSubscription:
    @strawberry.subscription(
        permission_classes=AUTH, description="State changes, new versions and comments."
    )
    async def plan_events(self, info: Info) -> AsyncGenerator[PlanEventPayload, None]:
        context = info.context
        # From the outbox: a subscriber that falls behind reads what it missed from the table.
        follow = context.runtime.tail.follow(context.actor.caller.company_id, {KINDS[PlanEvent]})
        async with aclosing(follow) as events:
            async for stored in events:
                event = stored.event
                assert isinstance(event, PlanEvent)
                # Decided per event, as the subscriber stands now (signed out or deactivated
                # ends the subscription, revoked roles take effect) and with the state the
                # plan is in now: drafts stay private.
                view = await PlanView.of(await context.reauthorize())
                plan = await PlanRow.get_or_none(id=event.plan_id)
                covered = (await covered_departments([event.plan_id])).get(event.plan_id, set())
                if plan is None or not view.visible(plan, covered):
                    continue
                yield PlanEventPayload(
                    plan_id=strawberry.ID(ids.encode("Plan", event.plan_id)),
                    kind=event.kind,
                    state=event.state,
                    detail=event.detail,
                    at=event.at,
                )
