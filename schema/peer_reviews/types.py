"""360 input as the API shows it: averages for the subject's side, answers for their authors.

No type reachable by the subject or his manager carries a reviewer: ``PeerReview`` has
counts and, once enough answered, averages; ``PeerResponse`` (with its reviewer) is only
returned by ``peerResponses``, which needs peer_review:read_all.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry
from strawberry import relay
from strawberry.types import Info

from schema import ids
from schema.org.types import Employee, visible_employee
from server.models import PeerResponse as ResponseRow
from server.models import PeerReview as ReviewRow
from server.peer_reviews.reads import Invitation, Summary


@strawberry.type(description="One qualitative indicator's peer average (1-5).")
class PeerIndicatorAverage:
    indicator_key: str
    indicator_name: str
    average: Decimal
    count: int


@strawberry.type(
    description="360 input on one person in one plan, as the person, his manager and the "
    "performance admin see it: counts, and the averages only once at least minResponses "
    "colleagues answered. Never who was asked or who answered."
)
class PeerReview(relay.Node):
    id: relay.NodeID[str]
    plan_id: strawberry.ID
    assignment_id: strawberry.ID
    deadline: datetime
    asked: int
    answered: int
    min_responses: int
    average: Decimal | None = strawberry.field(
        description="The mean of every rating (1-5); null below minResponses answers."
    )
    indicators: list[PeerIndicatorAverage] = strawberry.field(
        description="Per qualitative indicator; empty below minResponses answers."
    )
    row: strawberry.Private[ReviewRow]

    @classmethod
    def of(cls, found: Summary) -> PeerReview:
        r = found.review
        return cls(
            id=str(r.id),
            plan_id=strawberry.ID(ids.encode("Plan", r.plan_id)),
            assignment_id=strawberry.ID(ids.encode("Assignment", r.assignment_id)),
            deadline=r.deadline,
            asked=found.asked,
            answered=found.answered,
            min_responses=found.min_responses,
            average=found.average,
            indicators=[
                PeerIndicatorAverage(
                    indicator_key=i.key, indicator_name=i.name, average=i.average, count=i.count
                )
                for i in found.indicators
            ],
            row=r,
        )

    @strawberry.field(description="The person the input is about.")
    async def employee(self, info: Info) -> Employee | None:
        return await visible_employee(info, self.row.employee_id)


@strawberry.type
class PeerRating:
    indicator_key: str
    rating: int


@strawberry.input
class PeerRatingInput:
    indicator_key: str
    rating: int = strawberry.field(description="1 to 5")


def _ratings(row: ResponseRow) -> list[PeerRating]:
    return [PeerRating(indicator_key=k, rating=int(v)) for k, v in (row.ratings or {}).items()]


@strawberry.type(description="One colleague's answer: his own, or any with peer_review:read_all.")
class PeerResponse:
    review_id: strawberry.ID
    submitted_at: datetime
    ratings: list[PeerRating]
    comment: str
    row: strawberry.Private[ResponseRow]

    @classmethod
    def of(cls, row: ResponseRow) -> PeerResponse:
        return cls(
            review_id=strawberry.ID(ids.encode("PeerReview", row.review_id)),
            submitted_at=row.submitted_at,
            ratings=_ratings(row),
            comment=row.comment,
            row=row,
        )

    @strawberry.field(description="Who answered, if the caller may see him in the directory.")
    async def reviewer(self, info: Info) -> Employee | None:
        return await visible_employee(info, self.row.reviewer_id)


@strawberry.type(description="An indicator to rate.")
class PeerIndicator:
    key: str
    name: str


@strawberry.type(description="A request the caller was asked to answer, with his answer.")
class PeerInvitation:
    review_id: strawberry.ID
    plan_id: strawberry.ID
    deadline: datetime
    indicators: list[PeerIndicator]
    answer: PeerResponse | None
    row: strawberry.Private[ReviewRow]

    @classmethod
    def of(cls, found: Invitation) -> PeerInvitation:
        r = found.review
        return cls(
            review_id=strawberry.ID(ids.encode("PeerReview", r.id)),
            plan_id=strawberry.ID(ids.encode("Plan", r.plan_id)),
            deadline=r.deadline,
            indicators=[PeerIndicator(key=k, name=n) for k, n in found.indicators],
            answer=None if found.answer is None else PeerResponse.of(found.answer),
            row=r,
        )

    @strawberry.field(description="The person to give input on.")
    async def employee(self, info: Info) -> Employee | None:
        return await visible_employee(info, self.row.employee_id)


@strawberry.type
class PeerReviewSettings:
    min_responses: int = strawberry.field(
        description="Answers needed before averages are shown or peer_rating is scored."
    )
