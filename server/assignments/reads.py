"""Reading assignments: one's own, a plan's page (filtered in SQL by the caller's scope), one.

Lists are filtered by ``authz.scope(ASSIGNMENT_READ)`` over the position kept on each row
(the person's department and manager when assigned), so nobody's list holds a row they
could not open.
"""

from __future__ import annotations

from uuid import UUID

from tortoise.expressions import Q

from server.assignments.access import visible_plan
from server.audit import Actor
from server.authz import ASSIGNMENT_READ, DEPARTMENT_READ
from server.errors import BadInput, NotFound
from server.models import Assignment, Plan
from server.org_tree import org_chart
from server.paging import Page, after_filter, check_first, encode_cursor

MAX_OWN = 200  # a person has one assignment per plan: a few plans a year


def _visible(actor: Actor) -> Q | None:
    return actor.authz.scope(ASSIGNMENT_READ).q(
        department="department_id", owner="employee_id", manager="manager_id"
    )


async def my_assignments(actor: Actor, plan_id: UUID | None = None) -> list[Assignment]:
    """The caller's own assignments, newest plan first (one plan's with ``plan_id``)."""
    caller = actor.caller
    query = Assignment.filter(company_id=caller.company_id, employee_id=caller.employee_id)
    if plan_id is not None:
        if not await Plan.exists(id=plan_id, company_id=caller.company_id):
            raise NotFound("plan")
        query = query.filter(plan_id=plan_id)
    if (visible := _visible(actor)) is not None:
        query = query.filter(visible)
    rows = await query.order_by("-plan__period_start", "-created_at", "id").limit(MAX_OWN + 1)
    if len(rows) > MAX_OWN:
        raise BadInput("too_many_results", field="planId", max=MAX_OWN)
    return rows


async def list_assignments(
    actor: Actor,
    plan_id: UUID,
    *,
    department_id: UUID | None = None,
    first: int = 50,
    after: str | None = None,
) -> Page[Assignment]:
    """A page of a visible plan's assignments the caller may read, by person's name; with
    ``department_id``, of people assigned in that department or below it."""
    check_first(first)
    plan, _ = await visible_plan(actor, plan_id)
    query = Assignment.filter(company_id=actor.caller.company_id, plan_id=plan.id)
    if department_id is not None:
        chart = await org_chart(actor.caller.company_id)
        if department_id not in chart.departments:
            raise NotFound("department")
        actor.authz.require(DEPARTMENT_READ, department_id)
        query = query.filter(department_id__in=list(chart.tree.subtree([department_id])))
    if (visible := _visible(actor)) is not None:
        query = query.filter(visible)
    if (after_q := after_filter("employee__name", after)) is not None:
        query = query.filter(after_q)
    rows = await query.select_related("employee").order_by("employee__name", "id").limit(first + 1)
    page = rows[:first]
    return Page(page, [encode_cursor(r.employee.name, r.id) for r in page], len(rows) > first)
