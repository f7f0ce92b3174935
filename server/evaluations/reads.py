"""Reading evaluations: one by its assignment and kind, one by its ID, a plan's page of them.

Sight is the policy's ``evaluation:read`` on the person's position; lists filter by it in
SQL. On top of it, the person evaluated sees the manager's evaluation of him only once the
plan's results are published (``access.results_published``), and a draft is seen only by
those who may write it (the employee's own self-evaluation draft is not his manager's to
read until he submits it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from tortoise.expressions import Q

from server.audit import Actor
from server.errors import NotFound
from server.evaluations.access import (
    EVALUATION_READ,
    drafts_q,
    effective_deadline,
    hidden_from_caller,
    load_assignment,
    position,
    results_published,
)
from server.evaluations.ratings import RatingLabel, rating_labels
from server.evaluations.views import EvaluationView
from server.models import Assignment, Evaluation, Plan
from server.org_tree import org_tree
from server.paging import Page, after_filter, check_first, encode_cursor
from server.permissions import SCORING_SETTINGS_READ
from server.scoring.vocabulary import EvaluationKind


async def evaluation_of(
    actor: Actor, assignment_id: UUID, kind: EvaluationKind, now: datetime | None = None
) -> EvaluationView | None:
    """The assignment's evaluation of ``kind``; None while there is none the caller may see
    (not begun yet, or the manager's evaluation of the caller before publishing)."""
    assignment = await load_assignment(actor, assignment_id)
    actor.authz.require(EVALUATION_READ, position(assignment))
    row = await Evaluation.get_or_none(assignment_id=assignment.id, kind=kind.value)
    if row is None:
        return None
    if hidden_from_caller(actor, row, await results_published(row.plan_id, now or _now())):
        return None
    plan = await Plan.get(id=row.plan_id)
    labels = await rating_labels(row.company_id)
    return EvaluationView(
        row, tuple(assignment.indicators), effective_deadline(plan, kind, row), labels
    )


async def get_evaluation(
    actor: Actor, evaluation_id: UUID, now: datetime | None = None
) -> EvaluationView:
    row = await Evaluation.get_or_none(id=evaluation_id, company_id=actor.caller.company_id)
    if row is None:
        raise NotFound("evaluation")
    actor.authz.require(EVALUATION_READ, position(row))
    if hidden_from_caller(actor, row, await results_published(row.plan_id, now or _now())):
        raise NotFound("evaluation")
    assignment = await Assignment.get(id=row.assignment_id)
    plan = await Plan.get(id=row.plan_id)
    labels = await rating_labels(row.company_id)
    return EvaluationView(
        row, tuple(assignment.indicators), effective_deadline(plan, row.kind, row), labels
    )


async def list_evaluations(
    actor: Actor,
    plan_id: UUID,
    *,
    department_id: UUID | None = None,
    kind: EvaluationKind | None = None,
    first: int = 50,
    after: str | None = None,
    now: datetime | None = None,
) -> Page[EvaluationView]:
    """The plan's evaluations the caller may read, a person's two together (by employee),
    optionally within a department's subtree and of one kind."""
    check_first(first)
    company_id = actor.caller.company_id
    plan = await Plan.get_or_none(id=plan_id, company_id=company_id)
    if plan is None:
        raise NotFound("plan")
    grant = actor.authz.scope(EVALUATION_READ)
    query = Evaluation.filter(company_id=company_id, plan_id=plan.id)
    visible = grant.q(department="department_id", owner="employee_id", manager="manager_id")
    if visible is not None:
        query = query.filter(visible)
    query = query.filter(drafts_q(actor))
    if not await results_published(plan.id, now or _now()):
        # Spelt out: "exclude(a=..., b=...)" negates each term on its own (NOT a AND NOT b).
        query = query.filter(
            Q(employee_id__not=actor.caller.employee_id) | Q(kind__not=EvaluationKind.MANAGER.value)
        )
    if department_id is not None:
        subtree = (await org_tree(company_id)).subtree([department_id])
        query = query.filter(department_id__in=list(subtree))
    if kind is not None:
        query = query.filter(kind=kind.value)
    cursor_q = after_filter("employee_id", after, parse=UUID)
    if cursor_q is not None:
        query = query.filter(cursor_q)
    rows = await query.order_by("employee_id", "id").limit(first + 1)
    page = rows[:first]
    assignments = {a.id: a for a in await Assignment.filter(id__in=[r.assignment_id for r in page])}
    labels = await rating_labels(company_id)
    views = [
        EvaluationView(
            r,
            tuple(assignments[r.assignment_id].indicators),
            effective_deadline(plan, r.kind, r),
            labels,
        )
        for r in page
    ]
    cursors = [encode_cursor(str(r.employee_id), r.id) for r in page]
    return Page(views, cursors, len(rows) > first)


async def visible_rating_labels(actor: Actor) -> tuple[RatingLabel, ...]:
    """The caller's company's rating labels (everyone reads them, by the default policy)."""
    actor.authz.require(SCORING_SETTINGS_READ)
    return await rating_labels(actor.caller.company_id)


def _now() -> datetime:
    return datetime.now(UTC)
