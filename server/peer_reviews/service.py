"""Asking colleagues for 360 input on a person, and a colleague's one answer.

Asking (``request_peer_input``) creates the person's request in the plan (one per plan and
person, a unique key) or adds colleagues to it and moves its deadline. Answering
(``submit_peer_input``) inserts one row unique per (request, reviewer): of two racing
submissions the database keeps one and the other answers CONFLICT. An answer changes the
subject's peer rating, so his live score is recomputed in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import UUID

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server.audit import Actor, record
from server.errors import BadInput, Conflict, Forbidden, NotFound
from server.evaluations.items import comment_text
from server.models import Employee, PeerResponse, PeerReview, PeerReviewer
from server.peer_reviews.access import (
    check_plan_open,
    load_assignment,
    position,
    qualitative,
    require,
)
from server.permissions import PEER_REVIEW_REQUEST, PEER_REVIEW_RESPOND
from server.scoring import recompute as scoring
from server.vocabulary import AuditAction, AuditObjectType

MAX_REVIEWERS = 50


async def _reviewers(actor: Actor, subject_id: UUID, ids: Sequence[UUID]) -> list[UUID]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        raise BadInput("required", field="reviewerIds")
    if len(wanted) > MAX_REVIEWERS:
        raise BadInput("too_many_items", field="reviewerIds", max=MAX_REVIEWERS)
    if subject_id in wanted:
        raise BadInput("peer_reviewer_is_subject", field="reviewerIds")
    rows = await Employee.filter(company_id=actor.caller.company_id, id__in=wanted).values(
        "id", "is_active"
    )
    found = {r["id"]: bool(r["is_active"]) for r in rows}
    if len(found) < len(wanted):
        raise NotFound("employee")  # another tenant's people are no different from nobody
    if not all(found.values()):
        raise BadInput("inactive_reference", field="reviewerIds", object_type="employee")
    return wanted


async def request_peer_input(
    actor: Actor,
    assignment_id: UUID,
    reviewer_ids: Sequence[UUID],
    deadline: datetime,
    *,
    now: datetime | None = None,
) -> PeerReview:
    """Ask ``reviewer_ids`` for input on the assignment's person, answering by ``deadline``."""
    now = now or datetime.now(UTC)
    assignment = await load_assignment(actor, assignment_id)
    require(actor, PEER_REVIEW_REQUEST, assignment, "assignment")
    if deadline.tzinfo is None:
        raise BadInput("invalid_format", field="deadline", hint="a time with its UTC offset")
    if deadline <= now:
        raise BadInput("peer_deadline_past", field="deadline")
    reviewers = await _reviewers(actor, assignment.employee_id, reviewer_ids)
    if not qualitative(assignment.indicators):
        raise Conflict("peer_no_qualitative")
    async with in_transaction():
        await check_plan_open(assignment.plan_id)
        review = await PeerReview.get_or_none(
            plan_id=assignment.plan_id, employee_id=assignment.employee_id
        )
        created = review is None
        if review is None:
            try:
                async with in_transaction():
                    review = await PeerReview.create(
                        company_id=assignment.company_id,
                        plan_id=assignment.plan_id,
                        assignment_id=assignment.id,
                        employee_id=assignment.employee_id,
                        department_id=assignment.department_id,
                        manager_id=assignment.manager_id,
                        deadline=deadline,
                        requested_by=actor.caller.employee_id,
                    )
            except IntegrityError:  # asked for at the same moment by someone else
                created = False
                review = await PeerReview.get(
                    plan_id=assignment.plan_id, employee_id=assignment.employee_id
                )
        before_deadline = review.deadline
        if not created and review.deadline != deadline:
            await PeerReview.filter(id=review.id).update(deadline=deadline, updated_at=now)
            review.deadline = deadline
        known = set(
            await PeerReviewer.filter(review_id=review.id).values_list("reviewer_id", flat=True)
        )
        added = [r for r in reviewers if r not in known]
        if added:
            await PeerReviewer.bulk_create(
                [
                    PeerReviewer(
                        company_id=review.company_id,
                        review_id=review.id,
                        reviewer_id=r,
                        invited_by=actor.caller.employee_id,
                    )
                    for r in added
                ],
                ignore_conflicts=True,
            )
        if created or added or before_deadline != deadline:
            await record(
                actor,
                AuditAction.PEER_REVIEW_REQUEST,
                AuditObjectType.PEER_REVIEW,
                review.id,
                before=None if created else {"deadline": before_deadline},
                after={"deadline": deadline, "reviewers_added": added},
            )
    return review


async def submit_peer_input(
    actor: Actor,
    review_id: UUID,
    ratings: Sequence[tuple[str, int]],
    comment: str | None,
    *,
    now: datetime | None = None,
) -> PeerResponse:
    """The caller's answer to a request he was asked: every qualitative indicator rated 1 to
    5, and a comment. Once only, until the deadline."""
    now = now or datetime.now(UTC)
    caller = actor.caller
    review = await PeerReview.get_or_none(id=review_id, company_id=caller.company_id)
    asked = review is not None and await PeerReviewer.exists(
        review_id=review.id, reviewer_id=caller.employee_id
    )
    if review is None or not asked:
        raise NotFound("peer_review")
    if not actor.authz.check(PEER_REVIEW_RESPOND, position(review)):
        raise Forbidden("forbidden", action="respond", object_type="peer_review")
    assignment = await load_assignment(actor, review.assignment_id)
    rated = _ratings(qualitative(assignment.indicators), ratings)
    text = comment_text(comment, "comment")
    async with in_transaction():
        await check_plan_open(review.plan_id)
        if now > review.deadline:
            raise Conflict("peer_review_closed", deadline=review.deadline.isoformat())
        if await PeerResponse.exists(review_id=review.id, reviewer_id=caller.employee_id):
            raise Conflict("peer_already_answered")
        try:
            async with in_transaction():
                response = await PeerResponse.create(
                    company_id=review.company_id,
                    review_id=review.id,
                    reviewer_id=caller.employee_id,
                    plan_id=review.plan_id,
                    assignment_id=review.assignment_id,
                    employee_id=review.employee_id,
                    ratings=rated,
                    comment=text,
                    rating_sum=sum(rated.values()),
                    rating_count=len(rated),
                    submitted_at=now,
                )
        except IntegrityError:
            raise Conflict("peer_already_answered") from None
        # The actor is kept (the performance admin may need it); server.audit hides it,
        # and the values, from anyone without peer_review:read_all.
        await record(
            actor,
            AuditAction.PEER_REVIEW_RESPOND,
            AuditObjectType.PEER_RESPONSE,
            review.id,
            after={"ratings": rated, "comment": text},
        )
        await scoring.recompute(review.company_id, review.plan_id, [review.employee_id])
    return response


def _ratings(indicators: list[tuple[str, str]], given: Sequence[tuple[str, int]]) -> dict[str, int]:
    names = dict(indicators)
    found: dict[str, int] = {}
    for n, (key, rating) in enumerate(given):
        field = f"ratings[{n}].rating"
        if key not in names:
            raise BadInput(
                "not_assigned_indicator", field=f"ratings[{n}].indicatorKey", indicator=key
            )
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
            raise BadInput("rating_range", field=field)
        found[key] = rating
    for key, name in indicators:
        if key not in found:
            raise BadInput("rating_missing", field="ratings", indicator=name)
    return found
