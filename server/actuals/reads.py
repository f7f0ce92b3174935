"""Reading actuals: a plan's page filtered in SQL by the caller's grant, one by id, histories."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from server.actuals.access import visible_plans
from server.audit import Actor
from server.authz import ACTUAL_READ
from server.errors import NotFound
from server.models import Actual, ActualRevision
from server.paging import Page, after_filter, check_first, encode_cursor


async def list_actuals(
    actor: Actor,
    plan_id: UUID,
    *,
    employee_id: UUID | None = None,
    department_id: UUID | None = None,
    first: int = 100,
    after: str | None = None,
) -> Page[Actual]:
    """The plan's actuals the caller may read, by person (employee id order, then id)."""
    check_first(first)
    await visible_plans(actor, [plan_id])
    query = Actual.filter(company_id=actor.caller.company_id, plan_id=plan_id)
    allowed = actor.authz.scope(ACTUAL_READ).q(
        department="department_id", owner="employee_id", manager="manager_id"
    )
    if allowed is not None:
        query = query.filter(allowed)
    if employee_id is not None:
        query = query.filter(employee_id=employee_id)
    if department_id is not None:
        query = query.filter(department_id=department_id)
    cursor_q = after_filter("employee_id", after, parse=UUID)
    if cursor_q is not None:
        query = query.filter(cursor_q)
    # Placeholders of a write in flight are never committed at revision 0; skip them anyway.
    rows = await query.filter(revision__gt=0).order_by("employee_id", "id").limit(first + 1)
    page = rows[:first]
    return Page(page, [encode_cursor(str(r.employee_id), r.id) for r in page], len(rows) > first)


async def get_actual(actor: Actor, actual_id: UUID) -> Actual:
    row = await Actual.get_or_none(id=actual_id, company_id=actor.caller.company_id)
    if row is None or not actor.authz.check(
        ACTUAL_READ, (row.department_id, row.employee_id, row.manager_id)
    ):
        raise NotFound("actual")
    return row


async def histories(company_id: UUID, actual_ids: Sequence[UUID]) -> list[list[ActualRevision]]:
    """Each actual's revisions, newest first, in one statement (for a DataLoader)."""
    rows = await ActualRevision.filter(
        company_id=company_id, actual_id__in=list(actual_ids)
    ).order_by("-revision")
    found: dict[UUID, list[ActualRevision]] = {a: [] for a in actual_ids}
    for row in rows:
        found.setdefault(row.actual_id, []).append(row)
    return [found[a] for a in actual_ids]
