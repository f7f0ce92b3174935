"""Saving, submitting and reopening evaluations: parse here, decide in server/evaluations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from schema import ids
from schema.enums import EvaluationKind
from schema.evaluations.types import Evaluation
from schema.permissions import AUTH
from server.evaluations import service
from server.evaluations.items import KEEP, EvaluationInput, ItemInput

PATCH = "Omitted fields keep their saved values; null clears one."


@strawberry.input(description=PATCH)
class SelfEvaluationItemInput:
    indicator_key: str
    value: Decimal | None = strawberry.field(
        default=strawberry.UNSET,
        description="Your own figure; only for manual indicators that are not qualitative.",
    )
    comment: str | None = strawberry.field(default=strawberry.UNSET, description="≤ 2000 chars")


@strawberry.input(description=PATCH + " Items not listed keep theirs.")
class SelfEvaluationInput:
    items: list[SelfEvaluationItemInput] = strawberry.field(default_factory=list)
    overall_comment: str | None = strawberry.UNSET


@strawberry.input(description=PATCH)
class ManagerEvaluationItemInput:
    indicator_key: str
    rating: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="1-5; only for qualitative indicators, and each of them needs one to submit.",
    )
    comment: str | None = strawberry.field(default=strawberry.UNSET, description="≤ 2000 chars")


@strawberry.input(description=PATCH + " Items not listed keep theirs.")
class ManagerEvaluationInput:
    items: list[ManagerEvaluationItemInput] = strawberry.field(default_factory=list)
    overall_comment: str | None = strawberry.UNSET
    overall_rating: int | None = strawberry.field(
        default=strawberry.UNSET, description="1-5; required to submit."
    )


def _given(value: Any) -> Any:
    return KEEP if value is strawberry.UNSET else value


SUBMIT = strawberry.argument(
    description="Submit as well: final until the performance admin reopens it."
)


@strawberry.type
class EvaluationMutation:
    @strawberry.mutation(
        permission_classes=AUTH,
        description="Save (and with submit, submit) your self-evaluation: drafts while the "
        "plan is active or evaluating, submission once it is evaluating, until the deadline.",
    )
    async def save_self_evaluation(
        self,
        info: Info,
        assignment_id: strawberry.ID,
        input: SelfEvaluationInput,
        submit: Annotated[bool, SUBMIT] = False,
    ) -> Evaluation:
        patch = EvaluationInput(
            items=[
                ItemInput(i.indicator_key, comment=_given(i.comment), value=_given(i.value))
                for i in input.items
            ],
            overall_comment=_given(input.overall_comment),
        )
        view = await service.save_evaluation(
            info.context.actor,
            ids.decode(assignment_id, "Assignment", "assignmentId"),
            EvaluationKind.SELF,
            patch,
            submit=submit,
        )
        return Evaluation.of(view)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="Save (and with submit, submit) the manager evaluation of one of your "
        "people; submitting needs every qualitative indicator rated and the overall rating.",
    )
    async def save_manager_evaluation(
        self,
        info: Info,
        assignment_id: strawberry.ID,
        input: ManagerEvaluationInput,
        submit: Annotated[bool, SUBMIT] = False,
    ) -> Evaluation:
        patch = EvaluationInput(
            items=[
                ItemInput(i.indicator_key, comment=_given(i.comment), rating=_given(i.rating))
                for i in input.items
            ],
            overall_comment=_given(input.overall_comment),
            overall_rating=_given(input.overall_rating),
        )
        view = await service.save_evaluation(
            info.context.actor,
            ids.decode(assignment_id, "Assignment", "assignmentId"),
            EvaluationKind.MANAGER,
            patch,
            submit=submit,
        )
        return Evaluation.of(view)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="Back to draft with its own deadline `until` (the performance admin), "
        "with a reason for the audit log. Name the evaluation by `id`, or one never saved "
        "by `assignmentId` and `kind`.",
    )
    async def reopen_evaluation(
        self,
        info: Info,
        reason: str,
        until: date,
        id: strawberry.ID | None = None,
        assignment_id: strawberry.ID | None = None,
        kind: EvaluationKind | None = None,
    ) -> Evaluation:
        view = await service.reopen_evaluation(
            info.context.actor,
            reason=reason,
            until=until,
            evaluation_id=None if id is None else ids.decode(id, "Evaluation"),
            assignment_id=None
            if assignment_id is None
            else ids.decode(assignment_id, "Assignment", "assignmentId"),
            kind=kind,
        )
        return Evaluation.of(view)
