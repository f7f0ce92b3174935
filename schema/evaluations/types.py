"""GraphQL types of evaluations and of the rating scale's labels."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry
from strawberry import relay
from strawberry.types import Info

from schema import ids
from schema.enums import EvaluationKind, EvaluationState
from schema.org.types import Employee, visible_employee
from schema.paging import page_info
from server.evaluations.ratings import label_of
from server.evaluations.views import EvaluationView
from server.paging import Page


@strawberry.type(description="One indicator of an evaluation; unanswered ones are empty.")
class EvaluationItem:
    indicator_key: str
    indicator_name: str
    comment: str
    value: Decimal | None = strawberry.field(
        description="Self-evaluation: the employee's own figure (manual indicators only)."
    )
    rating: int | None = strawberry.field(
        description="Manager evaluation: 1-5 (qualitative indicators only)."
    )
    rating_label: str | None


@strawberry.type(
    description="A self- or manager evaluation of one person in one plan: a draft until "
    "submitted; after its deadline only the performance admin can reopen it."
)
class Evaluation(relay.Node):
    id: relay.NodeID[str]
    kind: EvaluationKind
    state: EvaluationState
    overall_comment: str
    overall_rating: int | None = strawberry.field(description="Manager evaluations: 1-5.")
    submitted_at: datetime | None
    deadline: date = strawberry.field(
        description="The last day (in the company's time zone) it can be saved or submitted: "
        "the plan's, or a reopened evaluation's own when later."
    )
    reopened_until: date | None
    view: strawberry.Private[EvaluationView]

    @classmethod
    def of(cls, view: EvaluationView) -> Evaluation:
        row = view.row
        return cls(
            id=str(row.id),
            kind=EvaluationKind(row.kind),
            state=EvaluationState(row.state),
            overall_comment=row.overall_comment,
            overall_rating=row.overall_rating,
            submitted_at=row.submitted_at,
            deadline=view.deadline,
            reopened_until=row.reopened_until,
            view=view,
        )

    @strawberry.field
    def assignment_id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("Assignment", self.view.row.assignment_id))

    @strawberry.field(description="One per indicator of the person's assignment, in its order.")
    def items(self, info: Info) -> list[EvaluationItem]:
        lang = info.context.lang
        return [
            EvaluationItem(
                indicator_key=i.indicator_key,
                indicator_name=i.indicator_name,
                comment=i.comment,
                value=i.value,
                rating=i.rating,
                rating_label=label_of(self.view.labels, i.rating, lang),
            )
            for i in self.view.items()
        ]

    @strawberry.field
    def overall_rating_label(self, info: Info) -> str | None:
        return label_of(self.view.labels, self.view.row.overall_rating, info.context.lang)

    @strawberry.field(description="The person evaluated.")
    async def employee(self, info: Info) -> Employee | None:
        return await visible_employee(info, self.view.row.employee_id)

    @strawberry.field(description="Who last saved it.")
    async def author(self, info: Info) -> Employee | None:
        return await visible_employee(info, self.view.row.author_id)

    @strawberry.field
    async def reopened_by(self, info: Info) -> Employee | None:
        return await visible_employee(info, self.view.row.reopened_by)


@strawberry.type
class EvaluationEdge:
    cursor: str
    node: Evaluation


@strawberry.type(description="A page of evaluations; `first` is capped at 100.")
class EvaluationConnection:
    edges: list[EvaluationEdge]
    page_info: relay.PageInfo

    @classmethod
    def of(cls, page: Page[EvaluationView]) -> EvaluationConnection:
        edges = [
            EvaluationEdge(cursor=c, node=Evaluation.of(v))
            for v, c in zip(page.rows, page.cursors, strict=True)
        ]
        return cls(edges=edges, page_info=page_info(page.cursors, page.has_next))
