"""Reading 360 input: averages for the subject and his manager, answers for their author.

- ``summary``: a request as the subject, his manager or the performance admin sees it: how
  many were asked and answered, and once at least k answered (the tenant's minimum) the
  average per qualitative indicator and overall. Never who was asked or who answered.
- ``responses``: every answer with its reviewer, for ``peer_review:read_all`` only.
- ``my_invitations``: the requests the caller was asked to answer, with his own answer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from server.audit import Actor
from server.errors import NotFound
from server.models import Assignment, PeerResponse, PeerReview, PeerReviewer
from server.paging import check_first
from server.peer_reviews.access import qualitative, require
from server.peer_reviews.settings import min_responses
from server.permissions import PEER_REVIEW_READ_AGGREGATE, PEER_REVIEW_READ_ALL

CENT = Decimal("0.01")


@dataclass(frozen=True)
class IndicatorAverage:
    key: str
    name: str
    average: Decimal  # 1-5, half-up to 2 places
    count: int


@dataclass(frozen=True)
class Summary:
    review: PeerReview
    asked: int
    answered: int
    min_responses: int
    average: Decimal | None  # None below k
    indicators: tuple[IndicatorAverage, ...]  # empty below k


def _mean(total: int, count: int) -> Decimal:
    return (Decimal(total) / count).quantize(CENT, rounding=ROUND_HALF_UP)


async def summarize(review: PeerReview) -> Summary:
    """The request's counts, and its averages once enough answered (no authorization)."""
    k = await min_responses(review.company_id)
    asked = await PeerReviewer.filter(review_id=review.id).count()
    rows = await PeerResponse.filter(review_id=review.id).values("ratings")
    if len(rows) < k:
        return Summary(review, asked, len(rows), k, None, ())
    assignment = await Assignment.get(id=review.assignment_id).only("id", "indicators")
    totals: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        for key, rating in (row["ratings"] or {}).items():
            totals[key].append(int(rating))
    items = tuple(
        IndicatorAverage(key, name, _mean(sum(totals[key]), len(totals[key])), len(totals[key]))
        for key, name in qualitative(assignment.indicators)
        if totals.get(key)
    )
    every = [r for values in totals.values() for r in values]
    return Summary(review, asked, len(rows), k, _mean(sum(every), len(every)), items)


async def summary_after_request(actor: Actor, review: PeerReview) -> Summary:
    """What ``requestPeerInput`` answers: the counts, and the averages only for a caller
    who may read them (a policy may let someone ask without reading)."""
    found = await summarize(review)
    if actor.authz.check(PEER_REVIEW_READ_AGGREGATE, _place(review)):
        return found
    return Summary(review, found.asked, found.answered, found.min_responses, None, ())


async def summary(actor: Actor, assignment_id: UUID) -> Summary | None:
    """The person's request in the assignment's plan, or None when nobody was asked yet."""
    assignment = await Assignment.get_or_none(id=assignment_id, company_id=actor.caller.company_id)
    if assignment is None:
        raise NotFound("assignment")
    require(actor, PEER_REVIEW_READ_AGGREGATE, assignment, "assignment")
    review = await PeerReview.get_or_none(assignment_id=assignment.id)
    return None if review is None else await summarize(review)


async def get_review(actor: Actor, review_id: UUID) -> Summary:
    """One request by its id (``node``), for whoever may read its aggregate; NOT_FOUND
    otherwise, as for one that does not exist."""
    review = await PeerReview.get_or_none(id=review_id, company_id=actor.caller.company_id)
    if review is None or not actor.authz.check(PEER_REVIEW_READ_AGGREGATE, _place(review)):
        raise NotFound("peer_review")
    return await summarize(review)


async def responses(actor: Actor, review_id: UUID) -> list[PeerResponse]:
    """Every answer with its reviewer: the performance admin's (read_all) alone."""
    review = await PeerReview.get_or_none(id=review_id, company_id=actor.caller.company_id)
    if review is None or not actor.authz.check(PEER_REVIEW_READ_ALL, _place(review)):
        raise NotFound("peer_review")
    return list(await PeerResponse.filter(review_id=review.id).order_by("submitted_at", "id"))


def _place(review: PeerReview) -> tuple[UUID, UUID, UUID | None]:
    return (review.department_id, review.employee_id, review.manager_id)


@dataclass(frozen=True)
class Invitation:
    review: PeerReview
    indicators: tuple[tuple[str, str], ...]  # (key, name) to rate
    answer: PeerResponse | None


async def my_invitations(actor: Actor, first: int = 50) -> list[Invitation]:
    """The requests the caller was asked to answer, newest deadline first."""
    check_first(first)
    me = actor.caller
    review_ids = await PeerReviewer.filter(company_id=me.company_id, reviewer_id=me.employee_id)
    ids = [r.review_id for r in review_ids]
    if not ids:
        return []
    reviews = await PeerReview.filter(id__in=ids).order_by("-deadline", "id").limit(first)
    assignments = {
        a.id: a
        for a in await Assignment.filter(id__in=[r.assignment_id for r in reviews]).only(
            "id", "indicators"
        )
    }
    answers = {
        a.review_id: a
        for a in await PeerResponse.filter(
            review_id__in=[r.id for r in reviews], reviewer_id=me.employee_id
        )
    }
    return [
        Invitation(
            r, tuple(qualitative(assignments[r.assignment_id].indicators)), answers.get(r.id)
        )
        for r in reviews
    ]
