"""Writing evaluations: saving a draft, submitting it, and reopening one (the performance admin).

Every write runs in one transaction that first locks the person's assignment row, so the
person's evaluations are written one at a time (PostgreSQL holds the row lock until commit;
SQLite runs one write transaction at a time). Inside it, the state and the deadline are
checked on the rows as they stand, and the write itself is a conditional UPDATE on
``state = 'draft'``: of two submissions racing, exactly one is taken and the other answers
CONFLICT. A submitted manager evaluation's ratings, and any reopening, change the person's
live score: it is recomputed in the same transaction.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from tortoise.transactions import in_transaction

from server.audit import Actor, changed, record
from server.errors import BadInput, Conflict, NotFound
from server.evaluations.access import (
    EVALUATION_REOPEN,
    OPEN_STATES,
    check_deadline,
    check_draft,
    check_open,
    company_zone,
    effective_deadline,
    load_assignment,
    local_today,
    position,
    require_write,
    submitted_on,
)
from server.evaluations.items import Content, EvaluationInput, apply, check_complete, comment_text
from server.evaluations.ratings import rating_labels
from server.evaluations.views import EvaluationView
from server.models import Assignment, Evaluation, Plan
from server.scoring import recompute as scoring
from server.scoring.vocabulary import EvaluationKind, EvaluationState
from server.vocabulary import AuditAction, AuditObjectType

# How far ahead a reopened evaluation's own deadline may be set.
MAX_REOPEN_DAYS = 366


async def _locked(assignment_id: UUID) -> tuple[Assignment, Plan]:
    """The assignment, locked for the rest of the transaction, and its plan as it stands."""
    assignment = await Assignment.filter(id=assignment_id).select_for_update().first()
    if assignment is None:  # deleted since it was read
        raise NotFound("assignment")
    return assignment, await Plan.get(id=assignment.plan_id)


def _content(row: Evaluation | None) -> Content:
    if row is None:
        return Content()
    return Content(dict(row.items or {}), row.overall_comment, row.overall_rating)


async def save_evaluation(
    actor: Actor,
    assignment_id: UUID,
    kind: EvaluationKind,
    patch: EvaluationInput,
    *,
    submit: bool = False,
    now: datetime | None = None,
) -> EvaluationView:
    """Save the caller's self- or manager evaluation of one assignment (a patch), and with
    ``submit`` submit it: drafts while the plan is active or evaluating, submissions once it
    is evaluating, both until the deadline (the due day counts, in the company's zone)."""
    now = now or datetime.now(UTC)
    assignment = await load_assignment(actor, assignment_id)
    require_write(actor, kind, assignment)
    zone = await company_zone(actor.caller.company_id)
    async with in_transaction():
        assignment, plan = await _locked(assignment.id)
        check_open(plan, submit=submit)
        row = await Evaluation.get_or_none(assignment_id=assignment.id, kind=kind.value)
        check_draft(row, zone)
        deadline = effective_deadline(plan, kind, row)
        check_deadline(deadline, zone, now)
        before = _content(row)
        after = apply(kind, assignment.indicators, before, patch)
        if submit:
            check_complete(kind, assignment.indicators, after)
        old, new = changed(before.flat(), after.flat())
        if row is not None and not old and not new and not submit:
            return await _view(row, assignment, deadline)  # nothing to write
        values: dict[str, Any] = {
            "items": after.items,
            "overall_comment": after.overall_comment,
            "overall_rating": after.overall_rating,
            "author_id": actor.caller.employee_id,
            # The person's place as the assignment has it now, for the lists' SQL filters.
            "department_id": assignment.department_id,
            "manager_id": assignment.manager_id,
            "updated_at": now,
        }
        if submit:
            values |= {"state": EvaluationState.SUBMITTED.value, "submitted_at": now}
        created = row is None
        if row is None:
            row = await Evaluation.create(
                company_id=assignment.company_id,
                assignment_id=assignment.id,
                plan_id=assignment.plan_id,
                employee_id=assignment.employee_id,
                kind=kind.value,
                **values,
            )
        else:
            taken = await Evaluation.filter(id=row.id, state=EvaluationState.DRAFT.value).update(
                **values
            )
            if not taken:  # submitted in between: only one submission is ever taken
                await row.refresh_from_db()
                raise Conflict("evaluation_submitted", submitted=submitted_on(row, zone))
            await row.refresh_from_db()
        if old or new or created:
            await record(
                actor,
                AuditAction.EVALUATION_SAVE,
                AuditObjectType.EVALUATION,
                row.id,
                before={"kind": kind.value, **old},
                after={"kind": kind.value, **new},
            )
        if submit:
            await record(
                actor,
                AuditAction.EVALUATION_SUBMIT,
                AuditObjectType.EVALUATION,
                row.id,
                before={"kind": kind.value, "state": EvaluationState.DRAFT.value},
                after={"kind": kind.value, "state": EvaluationState.SUBMITTED.value},
            )
            if kind is EvaluationKind.MANAGER:
                # The ratings count from their submission on.
                await scoring.recompute(row.company_id, row.plan_id, [row.employee_id])
    return await _view(row, assignment, deadline)


async def reopen_evaluation(
    actor: Actor,
    *,
    reason: str,
    until: date,
    evaluation_id: UUID | None = None,
    assignment_id: UUID | None = None,
    kind: EvaluationKind | None = None,
    now: datetime | None = None,
) -> EvaluationView:
    """Back to draft with its own deadline ``until``: an evaluation by its ID, or one not yet
    begun by its assignment and kind (someone who missed the deadline without saving)."""
    now = now or datetime.now(UTC)
    if evaluation_id is not None:
        found = await Evaluation.get_or_none(id=evaluation_id, company_id=actor.caller.company_id)
        if found is None:
            raise NotFound("evaluation")
        assignment = await load_assignment(actor, found.assignment_id)
        kind = EvaluationKind(found.kind)
    elif assignment_id is not None and kind is not None:
        assignment = await load_assignment(actor, assignment_id)
    else:
        raise BadInput("required", field="id")
    actor.authz.require(EVALUATION_REOPEN, position(assignment))
    text = comment_text(reason, "reason")
    if not text:
        raise BadInput("required", field="reason")
    zone = await company_zone(actor.caller.company_id)
    today = local_today(zone, now)
    latest = today + timedelta(days=MAX_REOPEN_DAYS)
    if not today <= until <= latest:
        raise BadInput("date_range", field="until", min=today.isoformat(), max=latest.isoformat())
    async with in_transaction():
        assignment, plan = await _locked(assignment.id)
        if plan.state not in OPEN_STATES:
            raise Conflict("evaluation_closed", state=plan.state.upper())
        row = await Evaluation.get_or_none(assignment_id=assignment.id, kind=kind.value)
        reopened: dict[str, Any] = {
            "state": EvaluationState.DRAFT.value,
            "submitted_at": None,
            "reopened_by": actor.caller.employee_id,
            "reopened_until": until,
            "updated_at": now,
        }
        if row is None:
            before: dict[str, Any] = {"kind": kind.value, "state": None}
            row = await Evaluation.create(
                company_id=assignment.company_id,
                assignment_id=assignment.id,
                plan_id=assignment.plan_id,
                employee_id=assignment.employee_id,
                department_id=assignment.department_id,
                manager_id=assignment.manager_id,
                kind=kind.value,
                **reopened,
            )
        else:
            before = {"kind": kind.value, "state": row.state, "reopened_until": row.reopened_until}
            await Evaluation.filter(id=row.id).update(**reopened)
            await row.refresh_from_db()
        await record(
            actor,
            AuditAction.EVALUATION_REOPEN,
            AuditObjectType.EVALUATION,
            row.id,
            before=before,
            after={"kind": kind.value, "state": row.state, "reopened_until": until, "reason": text},
        )
        # A reopened manager evaluation's ratings no longer count until it is submitted again.
        await scoring.recompute(row.company_id, row.plan_id, [row.employee_id])
    return await _view(row, assignment, effective_deadline(plan, kind, row))


async def _view(row: Evaluation, assignment: Assignment, deadline: date) -> EvaluationView:
    labels = await rating_labels(row.company_id)
    return EvaluationView(row, tuple(assignment.indicators), deadline, labels)
