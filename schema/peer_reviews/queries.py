"""Reads of 360 input: each decided in server/peer_reviews."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from schema import ids
from schema.peer_reviews.types import PeerInvitation, PeerResponse, PeerReview, PeerReviewSettings
from schema.permissions import AUTH
from server.peer_reviews import reads
from server.peer_reviews.settings import min_responses


@strawberry.type
class PeerReviewQuery:
    @strawberry.field(
        permission_classes=AUTH,
        description="360 input on the assignment's person (peer_review:read_aggregate): "
        "counts, and averages once enough answered; null while nobody was asked.",
    )
    async def peer_review(self, info: Info, assignment_id: strawberry.ID) -> PeerReview | None:
        found = await reads.summary(
            info.context.actor, ids.decode(assignment_id, "Assignment", "assignmentId")
        )
        return None if found is None else PeerReview.of(found)

    @strawberry.field(
        permission_classes=AUTH,
        description="Every answer to a request, with its reviewer (peer_review:read_all).",
    )
    async def peer_responses(self, info: Info, review_id: strawberry.ID) -> list[PeerResponse]:
        rows = await reads.responses(
            info.context.actor, ids.decode(review_id, "PeerReview", "reviewId")
        )
        return [PeerResponse.of(r) for r in rows]

    @strawberry.field(
        permission_classes=AUTH,
        description="The requests the caller was asked to answer, newest deadline first.",
    )
    async def my_peer_invitations(self, info: Info, first: int = 50) -> list[PeerInvitation]:
        found = await reads.my_invitations(info.context.actor, first)
        return [PeerInvitation.of(i) for i in found]

    @strawberry.field(permission_classes=AUTH, description="The company's 360 settings.")
    async def peer_review_settings(self, info: Info) -> PeerReviewSettings:
        return PeerReviewSettings(
            min_responses=await min_responses(info.context.actor.caller.company_id)
        )
