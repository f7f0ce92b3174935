"""Writes of 360 input: each decided in server/peer_reviews."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from schema import ids
from schema.peer_reviews.types import PeerRatingInput, PeerResponse, PeerReview, PeerReviewSettings
from schema.permissions import AUTH
from server.peer_reviews import reads, service
from server.peer_reviews.settings import set_min_responses


@strawberry.type
class PeerReviewMutation:
    @strawberry.mutation(
        permission_classes=AUTH,
        description="Ask colleagues (same company, active, not the person) for 360 input on "
        "the assignment's person by the deadline; asking again adds colleagues and moves the "
        "deadline. The person's manager or the performance admin (peer_review:request).",
    )
    async def request_peer_input(
        self,
        info: Info,
        assignment_id: strawberry.ID,
        reviewer_ids: list[strawberry.ID],
        deadline: datetime,
    ) -> PeerReview:
        reviewers = [
            ids.decode(r, "Employee", f"reviewerIds[{n}]") for n, r in enumerate(reviewer_ids)
        ]
        review = await service.request_peer_input(
            info.context.actor,
            ids.decode(assignment_id, "Assignment", "assignmentId"),
            reviewers,
            deadline,
        )
        return PeerReview.of(await reads.summary_after_request(info.context.actor, review))

    @strawberry.mutation(
        permission_classes=AUTH,
        description="Answer a request you were asked: every qualitative indicator rated 1-5, "
        "and a comment. Once only, before the deadline.",
    )
    async def submit_peer_input(
        self,
        info: Info,
        review_id: strawberry.ID,
        ratings: list[PeerRatingInput],
        comment: str | None = None,
    ) -> PeerResponse:
        row = await service.submit_peer_input(
            info.context.actor,
            ids.decode(review_id, "PeerReview", "reviewId"),
            [(r.indicator_key, r.rating) for r in ratings],
            comment,
        )
        return PeerResponse.of(row)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="How many colleagues must answer before averages are shown and "
        "peer_rating counts (1-50; peer_review:configure).",
    )
    async def update_peer_review_settings(
        self, info: Info, min_responses: int
    ) -> PeerReviewSettings:
        value = await set_min_responses(info.context.actor, min_responses)
        return PeerReviewSettings(min_responses=value)
