"""Reads of evaluations and of the rating labels: each decided in server/evaluations."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from schema import ids
from schema.enums import EvaluationKind
from schema.evaluations.types import Evaluation, EvaluationConnection
from schema.permissions import AUTH
from schema.scoring.types import RatingLabel  # one type, shared with scoringSettings
from server.evaluations import reads


@strawberry.type
class EvaluationQuery:
    @strawberry.field(
        permission_classes=AUTH,
        description="The assignment's evaluation of this kind; null while there is none the "
        "caller may see (not begun, or the manager's evaluation of the caller before the "
        "results are published).",
    )
    async def evaluation(
        self, info: Info, assignment_id: strawberry.ID, kind: EvaluationKind
    ) -> Evaluation | None:
        view = await reads.evaluation_of(
            info.context.actor, ids.decode(assignment_id, "Assignment", "assignmentId"), kind
        )
        return None if view is None else Evaluation.of(view)

    @strawberry.field(
        permission_classes=AUTH,
        description="A plan's evaluations the caller may read, a person's two together.",
    )
    async def evaluations(
        self,
        info: Info,
        plan_id: strawberry.ID,
        department_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only this department and those under it."),
        ] = None,
        kind: EvaluationKind | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> EvaluationConnection:
        page = await reads.list_evaluations(
            info.context.actor,
            ids.decode(plan_id, "Plan", "planId"),
            department_id=None
            if department_id is None
            else ids.decode(department_id, "Department", "departmentId"),
            kind=kind,
            first=first,
            after=after,
        )
        return EvaluationConnection.of(page)

    @strawberry.field(
        permission_classes=AUTH, description="What ratings 1 to 5 are called, in order."
    )
    async def rating_labels(self, info: Info) -> list[RatingLabel]:
        labels = await reads.visible_rating_labels(info.context.actor)
        return [RatingLabel.of(label, info.context.lang) for label in labels]
