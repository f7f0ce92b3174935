"""Who may ask, answer and read 360 input about whom, and the checks every write shares.

A request is about one person, placed by his assignment's position (the PERSON resolver).
Out of sight (the caller may not even read the person's assignment) answers NOT_FOUND,
word for word as for an unknown ID; seen but not allowed answers FORBIDDEN.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from server.audit import Actor
from server.errors import Conflict, Forbidden, NotFound
from server.models import Assignment, Plan
from server.permissions import ASSIGNMENT_READ, Permission
from server.vocabulary import PlanState

OPEN_STATES = frozenset({PlanState.ACTIVE.value, PlanState.EVALUATING.value})


def position(row: Any) -> tuple[UUID, UUID, UUID | None]:
    return (row.department_id, row.employee_id, row.manager_id)


def require(actor: Actor, perm: Permission, row: Any, object_type: str) -> None:
    """NOT_FOUND out of sight, FORBIDDEN when seen but ``perm`` is not granted."""
    target = position(row)
    if actor.authz.check(perm, target):
        return
    if actor.authz.check(ASSIGNMENT_READ, target):
        raise Forbidden("forbidden", action=perm.act, object_type=perm.obj)
    raise NotFound(object_type)


async def load_assignment(actor: Actor, assignment_id: UUID) -> Assignment:
    found = await Assignment.get_or_none(id=assignment_id, company_id=actor.caller.company_id)
    if found is None:
        raise NotFound("assignment")
    return found


async def check_plan_open(plan_id: UUID) -> Plan:
    plan = await Plan.get(id=plan_id)
    if plan.state not in OPEN_STATES:
        raise Conflict("peer_plan_closed", state=plan.state.upper())
    return plan


def qualitative(indicators: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The (key, name) of the assignment's qualitative indicators, in its order."""
    return [(str(i["key"]), str(i.get("name", ""))) for i in indicators if i.get("qualitative")]
