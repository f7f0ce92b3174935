"""Reading feedback: one by ID, or a page filtered in SQL by the policy (``feedback:read``
over the person's position, plus the feedback the caller handles). Another company's, or
one out of sight, is NOT_FOUND."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from server.audit import Actor
from server.errors import NotFound
from server.feedback.access import load_feedback, visible_q
from server.feedback.vocabulary import FeedbackState
from server.models import Feedback, FeedbackCheckIn, ImprovementAction, Plan
from server.paging import Page, after_filter, check_first, encode_cursor


@dataclass(frozen=True)
class FeedbackView:
    row: Feedback
    actions: tuple[ImprovementAction, ...]
    check_ins: tuple[FeedbackCheckIn, ...]


async def views(rows: list[Feedback]) -> list[FeedbackView]:
    """The rows with their improvement plans: two statements for a page."""
    ids = [r.id for r in rows]
    actions: dict[UUID, list[ImprovementAction]] = {i: [] for i in ids}
    check_ins: dict[UUID, list[FeedbackCheckIn]] = {i: [] for i in ids}
    if ids:
        for a in await ImprovementAction.filter(feedback_id__in=ids).order_by("position"):
            actions[a.feedback_id].append(a)
        for c in await FeedbackCheckIn.filter(feedback_id__in=ids).order_by("on", "created_at"):
            check_ins[c.feedback_id].append(c)
    return [FeedbackView(r, tuple(actions[r.id]), tuple(check_ins[r.id])) for r in rows]


async def get_feedback(actor: Actor, feedback_id: UUID) -> FeedbackView:
    (view,) = await views([await load_feedback(actor, feedback_id)])
    return view


async def list_feedback(
    actor: Actor,
    *,
    state: FeedbackState | None = None,
    plan_id: UUID | None = None,
    employee_id: UUID | None = None,
    first: int = 50,
    after: str | None = None,
) -> Page[FeedbackView]:
    """The feedback the caller may read, newest first."""
    check_first(first)
    company_id = actor.caller.company_id
    query = Feedback.filter(company_id=company_id)
    visible = visible_q(actor)
    if visible is not None:
        query = query.filter(visible)
    if plan_id is not None:
        if not await Plan.exists(id=plan_id, company_id=company_id):
            raise NotFound("plan")
        query = query.filter(plan_id=plan_id)
    if state is not None:
        query = query.filter(state=state.value)
    if employee_id is not None:
        query = query.filter(employee_id=employee_id)
    cursor = after_filter("created_at", after, descending=True, parse=datetime.fromisoformat)
    if cursor is not None:
        query = query.filter(cursor)
    rows = await query.order_by("-created_at", "-id").limit(first + 1)
    page = rows[:first]
    cursors = [encode_cursor(r.created_at.isoformat(), r.id) for r in page]
    return Page(await views(page), cursors, len(rows) > first)
