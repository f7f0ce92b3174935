"""Who may change whose assignment in which plan, and when.

The plan's state names the action (``assign`` while it is active, ``amend`` once evaluation
has started); the policy decides who holds it over which people (``server.authz``), placed
by their position ``(department_id, employee_id, manager_id)``. A person the caller may not
see assignments of answers NOT_FOUND, so nobody learns who exists outside their sight.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from server.audit import Actor
from server.authz import (
    ASSIGNMENT_AMEND,
    ASSIGNMENT_ASSIGN,
    ASSIGNMENT_READ,
    Authorizer,
    Permission,
)
from server.errors import Conflict, Forbidden, NotFound
from server.indicators import IndicatorSpec
from server.models import Assignment, Indicator, Plan
from server.plans.access import PlanView, load_plan
from server.plans.versions import as_data
from server.vocabulary import PlanState

# The action a change needs in each state that allows one.
CHANGE_PERMISSIONS = {PlanState.ACTIVE: ASSIGNMENT_ASSIGN, PlanState.EVALUATING: ASSIGNMENT_AMEND}
FINISHED = (PlanState.FINALIZED, PlanState.CLOSED)


def change_permission(state: str) -> Permission:
    """What changing assignments needs in ``state``; CONFLICT when no change is possible."""
    perm = CHANGE_PERMISSIONS.get(PlanState(state))
    if perm is None:
        if state in FINISHED:
            raise Conflict("results_finalized", state=state)
        raise Conflict("plan_not_active", state=state)
    return perm


async def visible_plan(actor: Actor, plan_id: UUID) -> tuple[Plan, set[UUID]]:
    """A plan of the caller's company they may see (NOT_FOUND otherwise), with the
    departments it covers."""
    return await load_plan(await PlanView.of(actor), plan_id)


async def lock_plan(plan: Plan) -> None:
    """Inside the write's transaction: lock the plan row, so that no workflow step moves it
    between the state checked and the write (PostgreSQL holds the lock until commit; SQLite
    runs one transaction at a time). CONFLICT when a step has moved it since it was read."""
    locked = await Plan.filter(id=plan.id).select_for_update().first()
    if locked is None:
        raise NotFound("plan")
    if locked.state != plan.state:
        raise Conflict("plan_moved", before=plan.state, after=locked.state)


def require_person(authz: Authorizer, perm: Permission, position: tuple[Any, Any, Any]) -> None:
    """NOT_FOUND for a person whose assignments the caller may not see, FORBIDDEN for one he
    sees but may not change."""
    if not authz.check(ASSIGNMENT_READ, position):
        raise NotFound("employee")
    if not authz.check(perm, position):
        raise Forbidden("forbidden", action=perm.act, object_type="assignment")


def position(row: Assignment) -> tuple[UUID, UUID, UUID | None]:
    """Where an assignment's person stood when assigned: what its checks and lists use."""
    return row.department_id, row.employee_id, row.manager_id


async def plan_indicators(plan: Plan) -> tuple[IndicatorSpec, ...]:
    """The plan's indicators as its current version holds them (the assignment defaults)."""
    rows = await Indicator.filter(plan_id=plan.id, version=plan.version).order_by("position")
    return tuple(as_data(row) for row in rows)


async def get_assignment(actor: Actor, assignment_id: UUID) -> Assignment:
    """An assignment the caller may see, else NOT_FOUND (missing and hidden look the same)."""
    row = await Assignment.get_or_none(id=assignment_id, company_id=actor.caller.company_id)
    if row is None or not actor.authz.check(ASSIGNMENT_READ, position(row)):
        raise NotFound("assignment")
    return row
