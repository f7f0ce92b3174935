"""Who may see and act on which feedback, and whom an escalation goes to.

A feedback is one person's row, placed by ``(department, employee, manager, handler)``
(the FEEDBACK relation resolver of server.relations): ``self`` is the person, ``team`` his
manager or whoever an escalation passed it to, ``scope`` the departments a role is held
over. The policy decides through ``server.authz`` alone; the one thing it cannot say is
*who must answer now*, which is data on the row (``handler_id``), checked here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from tortoise.expressions import Q

from server.audit import Actor
from server.errors import Forbidden, NotFound
from server.models import Employee, Feedback, RoleAssignment
from server.org_tree import org_tree
from server.permissions import FEEDBACK_READ, Permission
from server.vocabulary import Role


def utcnow() -> datetime:
    """The time windows and deadlines are decided at (tests move it instead of sleeping)."""
    return datetime.now(UTC)


def target(row: Feedback) -> tuple[UUID, UUID, UUID | None, UUID | None]:
    """The feedback's place, as the FEEDBACK relation resolver reads it."""
    return (row.department_id, row.employee_id, row.manager_id, row.handler_id)


def visible_q(actor: Actor) -> Q | None:
    """SQL for the feedback the caller may read (None: all of the company's)."""
    grant = actor.authz.scope(FEEDBACK_READ)
    visible = grant.q(department="department_id", owner="employee_id", manager="manager_id")
    if visible is None:
        return None
    if grant.team:  # "team" covers the escalation's handler too (see the resolver)
        visible |= Q(handler_id=actor.caller.employee_id)
    return visible


async def load_feedback(actor: Actor, feedback_id: UUID) -> Feedback:
    """The feedback if the caller may read it; NOT_FOUND otherwise, or in another company."""
    query = Feedback.filter(id=feedback_id, company_id=actor.caller.company_id)
    visible = visible_q(actor)
    if visible is not None:
        query = query.filter(visible)
    row = await query.first()
    if row is None:
        raise NotFound("feedback")
    return row


def require(actor: Actor, perm: Permission, row: Feedback) -> None:
    """FORBIDDEN unless the policy lets the caller do ``perm`` to this (visible) feedback."""
    actor.authz.require(perm, target(row))


def require_handler(actor: Actor, row: Feedback) -> None:
    """The answer is the handler's: the manager, or the one an escalation passed it to."""
    if row.handler_id != actor.caller.employee_id:
        raise Forbidden("not_feedback_handler")


async def escalation_handler(row: Feedback) -> UUID | None:
    """Who answers at level 1: the manager's own manager, or else the nearest VP over the
    person's department; None when there is neither (the appeal goes to level 2)."""
    if row.manager_id is not None:
        manager = await Employee.get_or_none(id=row.manager_id, company_id=row.company_id)
        if manager is not None and manager.manager_id not in (None, row.employee_id):
            skip = await Employee.get_or_none(id=manager.manager_id, is_active=True)
            if skip is not None:
                return skip.id
    chain = (await org_tree(row.company_id)).chain(row.department_id)
    vps = await RoleAssignment.filter(
        company_id=row.company_id,
        role=Role.VP.value,
        department_id__in=chain,
        employee__is_active=True,
    ).values_list("employee_id", "department_id")
    nearest = {UUID(str(d)): UUID(str(e)) for e, d in vps}
    passed_over = {row.employee_id, row.manager_id}
    for department_id in chain:
        found = nearest.get(department_id)
        if found is not None and found not in passed_over:
            return found
    return None
