"""Who may read and write which evaluation, when, and until when.

Every evaluation is one person's: it is placed by the position kept on the assignment,
``(department_id, employee_id, manager_id)`` (the PERSON resolver of server.relations), and
the policy decides through ``server.authz`` alone. What is particular to evaluations:

- nobody writes the manager evaluation of themselves (a department manager's scope covers
  his own department, himself included);
- the person evaluated reads the manager's evaluation of him only once the plan's results
  are published (``results_published``), whatever else his roles let him read;
- deadlines are the plan's (inclusive, in the company's time zone), or a reopened
  evaluation's own.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from tortoise.expressions import Q

from server.audit import Actor
from server.errors import Conflict, Forbidden, NotFound
from server.models import Assignment, Company, Evaluation, Plan, ResultsRelease
from server.permissions import Permission
from server.scoring.vocabulary import EvaluationKind, EvaluationState
from server.vocabulary import PlanState

EVALUATION_READ = Permission("evaluation", "read")
EVALUATION_SELF_EVALUATE = Permission("evaluation", "self_evaluate")
EVALUATION_MANAGER_EVALUATE = Permission("evaluation", "manager_evaluate")
EVALUATION_REOPEN = Permission("evaluation", "reopen")

WRITE_PERMISSION = {
    EvaluationKind.SELF: EVALUATION_SELF_EVALUATE,
    EvaluationKind.MANAGER: EVALUATION_MANAGER_EVALUATE,
}
# Drafts may be written while the plan runs; submitting needs the evaluation to have started.
OPEN_STATES = frozenset({PlanState.ACTIVE.value, PlanState.EVALUATING.value})


def position(row: Assignment | Evaluation) -> tuple[UUID, UUID, UUID | None]:
    """The person's place, as the PERSON relation resolver reads it."""
    return (row.department_id, row.employee_id, row.manager_id)


async def load_assignment(actor: Actor, assignment_id: UUID) -> Assignment:
    found = await Assignment.get_or_none(id=assignment_id, company_id=actor.caller.company_id)
    if found is None:
        raise NotFound("assignment")
    return found


def require_write(actor: Actor, kind: EvaluationKind, assignment: Assignment) -> None:
    """NOT_FOUND out of sight, FORBIDDEN when seen but not the caller's to write."""
    perm = WRITE_PERMISSION[kind]
    actor.authz.require(perm, position(assignment))
    if kind is EvaluationKind.MANAGER and assignment.employee_id == actor.caller.employee_id:
        raise Forbidden("own_evaluation")


async def results_published(plan_id: UUID, now: datetime) -> bool:
    """Whether the plan's results have reached its employees: a release due by ``now``.

    The one test of "published" for evaluations and reports alike.
    """
    return await ResultsRelease.filter(plan_id=plan_id, publish_at__lte=now).exists()


def hidden_from_caller(actor: Actor, row: Evaluation, published: bool) -> bool:
    """The manager's evaluation of the caller himself before the results are published, and
    any draft the caller may not write: a draft is its writers' own until submitted."""
    if row.state == EvaluationState.DRAFT.value and not actor.authz.check(
        WRITE_PERMISSION[EvaluationKind(row.kind)], position(row)
    ):
        return True
    return (
        row.kind == EvaluationKind.MANAGER.value
        and row.employee_id == actor.caller.employee_id
        and not published
    )


def drafts_q(actor: Actor) -> Q:
    """SQL for ``hidden_from_caller``'s draft rule: submitted rows, or drafts of a kind the
    caller may write for that person."""
    visible = Q(state=EvaluationState.SUBMITTED.value)
    for kind, perm in WRITE_PERMISSION.items():
        grant = actor.authz.scope(perm)
        if grant.empty:
            continue
        writable = grant.q(department="department_id", owner="employee_id", manager="manager_id")
        of_kind = Q(kind=kind.value)
        visible |= of_kind if writable is None else Q(of_kind, writable)
    return visible


async def company_zone(company_id: UUID) -> ZoneInfo:
    company = await Company.get_or_none(id=company_id).only("id", "timezone")
    return ZoneInfo(company.timezone if company is not None else "UTC")


def local_today(zone: ZoneInfo, now: datetime) -> date:
    return now.astimezone(zone).date()


def plan_due(plan: Plan, kind: EvaluationKind | str) -> date:
    if EvaluationKind(kind) is EvaluationKind.SELF:
        return plan.self_evaluation_due
    return plan.manager_evaluation_due


def effective_deadline(plan: Plan, kind: EvaluationKind | str, row: Evaluation | None) -> date:
    """The plan's due date, or a reopened evaluation's own when that is later.

    Reopening extends: an ``until`` before the plan's own date never shortens the time the
    plan gave (the plan's dates cannot change once it is approved).
    """
    due = plan_due(plan, kind)
    if row is not None and row.reopened_until is not None and row.reopened_until > due:
        return row.reopened_until
    return due


def check_open(plan: Plan, *, submit: bool) -> None:
    if plan.state not in OPEN_STATES:
        raise Conflict("evaluation_closed", state=plan.state.upper())
    if submit and plan.state != PlanState.EVALUATING.value:
        raise Conflict("evaluation_not_started")


def check_deadline(deadline: date, zone: ZoneInfo, now: datetime) -> None:
    """CONFLICT once the due day is over where the company is: the due day itself counts."""
    if local_today(zone, now) > deadline:
        raise Conflict("deadline_passed", deadline=deadline.isoformat())


def check_draft(row: Evaluation | None, zone: ZoneInfo) -> None:
    if row is not None and row.state == EvaluationState.SUBMITTED.value:
        raise Conflict("evaluation_submitted", submitted=submitted_on(row, zone))


def submitted_on(row: Evaluation, zone: ZoneInfo) -> Any:
    return "" if row.submitted_at is None else row.submitted_at.astimezone(zone).date().isoformat()
