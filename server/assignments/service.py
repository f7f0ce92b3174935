"""Assigning a plan's indicators to people, and changing one person's assignment.

``assign_department`` answers row by row: each row is checked on its own (sight, permission,
membership, indicators), the accepted ones are written in one transaction, and a rejected
row is reported, never half-written. ``update_assignment`` patches one assignment, guarded
by the revision the editor read (a conditional UPDATE: of two concurrent edits of the same
revision exactly one lands).

Every write is audited and, in the same transaction, brings the people's connector actuals
up to date and recomputes their live scores (score inputs changed).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from tortoise.transactions import in_transaction

from server.actuals.connector import pull_connector_actuals
from server.assignments.access import (
    change_permission,
    get_assignment,
    lock_plan,
    plan_indicators,
    position,
    require_person,
    visible_plan,
)
from server.assignments.compose import (
    PATCH_NAMES,
    ROW_NAMES,
    compose,
    described,
    difference,
    from_plan,
    personal_keys,
)
from server.assignments.rows import (
    MAX_ROWS,
    AssignedItem,
    AssignmentPatch,
    AssignmentRow,
    AssignOutcome,
    RowRejection,
    loaded,
    stored,
)
from server.audit import Actor, record
from server.authz import DEPARTMENT_READ, Permission
from server.errors import BadInput, Conflict, DomainError, NotFound
from server.models import Assignment, Employee, Plan
from server.org_tree import org_chart
from server.scoring.recompute import recompute
from server.vocabulary import AuditAction, AuditObjectType

PERSON_COLUMNS = ("id", "department_id", "manager_id", "is_active")


@dataclass(frozen=True)
class _Accepted:
    index: int
    person: dict[str, Any]  # PERSON_COLUMNS
    items: tuple[AssignedItem, ...]

    @property
    def place(self) -> tuple[UUID, UUID, UUID | None]:
        p = self.person
        return p["department_id"], p["id"], p["manager_id"]


async def _department(actor: Actor, department_id: UUID, covered: Collection[UUID]) -> None:
    """A department of the caller's company they may see, inside what the plan covers."""
    chart = await org_chart(actor.caller.company_id)
    if department_id not in chart.departments:
        raise NotFound("department")
    actor.authz.require(DEPARTMENT_READ, department_id)
    if department_id not in chart.tree.subtree(covered):
        raise BadInput("department_not_covered", field="departmentId")


async def _members(company_id: UUID, department_id: UUID) -> list[dict[str, Any]]:
    """The department's active people, by name, at most MAX_ROWS (never silently cut)."""
    people = (
        await Employee.filter(company_id=company_id, department_id=department_id, is_active=True)
        .order_by("name", "id")
        .limit(MAX_ROWS + 1)
        .values(*PERSON_COLUMNS)
    )
    if len(people) > MAX_ROWS:
        raise BadInput("too_many_items", field="departmentId", max=MAX_ROWS)
    return people


async def assign_department(
    actor: Actor,
    plan_id: UUID,
    department_id: UUID,
    rows: Sequence[AssignmentRow] | None = None,
) -> AssignOutcome:
    """Assign the plan's indicators to the department's people: to every active one with the
    plan's defaults when ``rows`` is None, else to each row's person as the row says. A
    person already assigned is updated (an identical assignment is left as it is)."""
    if rows is not None and len(rows) > MAX_ROWS:
        raise BadInput("too_many_items", field="rows", max=MAX_ROWS)
    company_id = actor.caller.company_id
    plan, covered = await visible_plan(actor, plan_id)
    perm = change_permission(plan.state)
    # Who changes nobody's assignments is refused as a whole, not row by row.
    actor.authz.scope(perm, required=True)
    await _department(actor, department_id, covered)
    defaults = from_plan(await plan_indicators(plan))
    if rows is None:
        members = await _members(company_id, department_id)
        rows = [AssignmentRow(employee_id=p["id"]) for p in members]
        paths = ["planId"] * len(rows)  # the plan's defaults are what could fail
    else:
        paths = [f"rows[{i}]" for i in range(len(rows))]
    ids = [r.employee_id for r in rows if r.employee_id is not None]
    people = {
        p["id"]: p
        for p in await Employee.filter(company_id=company_id, id__in=ids).values(*PERSON_COLUMNS)
    }
    before = dict(
        await Assignment.filter(plan_id=plan.id, employee_id__in=ids).values_list(
            "employee_id", "indicators"
        )
    )
    outcome = AssignOutcome()
    accepted: list[_Accepted] = []
    seen: set[UUID] = set()
    for index, row in enumerate(rows):
        try:
            person = _person(actor, perm, row, paths[index], people, seen, department_id)
            items = compose(
                defaults,
                overrides=row.overrides,
                removed=row.removed_keys,
                added=row.personal,
                metrics=actor.metrics,
                path=paths[index],
                names=ROW_NAMES,
                reuse_keys=personal_keys(loaded(before.get(person["id"], []))),
            )
            accepted.append(_Accepted(index, person, items))
        except DomainError as exc:
            outcome.rejected.append(RowRejection(index, row.employee_id, exc))
    if accepted:
        await _write(actor, plan, accepted, outcome)
    outcome.rejected.sort(key=lambda r: r.index)
    return outcome


def _person(
    actor: Actor,
    perm: Permission,
    row: AssignmentRow,
    path: str,
    people: dict[UUID, dict[str, Any]],
    seen: set[UUID],
    department_id: UUID,
) -> dict[str, Any]:
    """The row's person, if the caller may change his assignment in this department."""
    if row.error is not None:
        raise row.error
    person = people.get(row.employee_id) if row.employee_id is not None else None
    if person is None:
        raise NotFound("employee")
    # Sight and permission first: a person out of sight answers NOT_FOUND whatever else.
    require_person(actor.authz, perm, (person["department_id"], person["id"], person["manager_id"]))
    if person["id"] in seen:
        raise BadInput("duplicate_employee", field=f"{path}.employeeId")
    seen.add(person["id"])
    if not person["is_active"]:
        raise BadInput("inactive_reference", field=f"{path}.employeeId", object_type="employee")
    if person["department_id"] != department_id:
        raise BadInput("not_in_department", field=f"{path}.employeeId")
    return person


async def _write(
    actor: Actor, plan: Plan, accepted: list[_Accepted], outcome: AssignOutcome
) -> None:
    now = datetime.now(UTC)
    ids = [a.person["id"] for a in accepted]
    failed: dict[int, DomainError] = {}
    async with in_transaction():
        await lock_plan(plan)
        current = {
            a.employee_id: a
            for a in await Assignment.filter(
                plan_id=plan.id, employee_id__in=ids
            ).select_for_update()
        }
        changed = await _insert(
            actor, plan, [a for a in accepted if a.person["id"] not in current], current
        )
        for a in accepted:
            found = current.get(a.person["id"])
            if found is None or a.person["id"] in changed:
                continue
            try:
                if await _update(actor, found, a.items, a.place, now):
                    changed.add(found.employee_id)
            except Conflict as exc:
                failed[a.index] = exc
        if changed:
            await _inputs_changed(actor, plan.company_id, plan.id, changed)
    final = {
        row.employee_id: row
        for row in await Assignment.filter(plan_id=plan.id, employee_id__in=ids)
    }
    for a in accepted:
        if a.index in failed:
            outcome.rejected.append(RowRejection(a.index, a.person["id"], failed[a.index]))
        else:
            outcome.assigned.append(final[a.person["id"]])


async def _insert(
    actor: Actor, plan: Plan, new: list[_Accepted], current: dict[UUID, Assignment]
) -> set[UUID]:
    """Create the assignments of ``new``; returns the people whose row this call created. A
    row another writer inserted meanwhile is put into ``current``, to be updated instead:
    the unique (plan, employee) keeps one assignment per person whoever else writes."""
    fresh = {
        a.person["id"]: Assignment(
            id=uuid.uuid4(),
            company_id=plan.company_id,
            plan_id=plan.id,
            employee_id=a.person["id"],
            department_id=a.place[0],
            manager_id=a.place[2],
            indicators=stored(a.items),
            revision=1,
            assigned_by=actor.caller.employee_id,
        )
        for a in new
    }
    if not fresh:
        return set()
    await Assignment.bulk_create(list(fresh.values()), ignore_conflicts=True)
    created: set[UUID] = set()
    for row in await Assignment.filter(plan_id=plan.id, employee_id__in=list(fresh)):
        if row.id != fresh[row.employee_id].id:
            current[row.employee_id] = row
            continue
        created.add(row.employee_id)
        await record(
            actor,
            AuditAction.ASSIGNMENT_CREATE,
            AuditObjectType.ASSIGNMENT,
            row.id,
            after={
                "plan_id": plan.id,
                "employee_id": row.employee_id,
                "revision": 1,
                "indicators": described(loaded(row.indicators)),
            },
        )
    return created


async def _update(
    actor: Actor,
    row: Assignment,
    items: tuple[AssignedItem, ...],
    place: tuple[UUID, UUID, UUID | None],
    now: datetime,
) -> bool:
    """Write ``items`` (and the person's place) over ``row`` if anything differs, guarded by
    the revision read; False when nothing differs."""
    values = stored(items)
    moved = place != position(row)
    if values == row.indicators and not moved:
        return False
    written = await Assignment.filter(id=row.id, revision=row.revision).update(
        indicators=values,
        revision=row.revision + 1,
        department_id=place[0],
        manager_id=place[2],
        assigned_by=actor.caller.employee_id,
        updated_at=now,
    )
    if not written:
        latest = await Assignment.get(id=row.id)
        raise Conflict("assignment_stale", current=latest.revision, expected=row.revision)
    old, new = difference(loaded(row.indicators), items)
    before: dict[str, Any] = {"revision": row.revision, "indicators": old}
    after: dict[str, Any] = {"revision": row.revision + 1, "indicators": new}
    if moved:
        before |= {"department_id": row.department_id, "manager_id": row.manager_id}
        after |= {"department_id": place[0], "manager_id": place[2]}
    await record(
        actor,
        AuditAction.ASSIGNMENT_UPDATE,
        AuditObjectType.ASSIGNMENT,
        row.id,
        before=before,
        after=after,
    )
    return True


async def _inputs_changed(
    actor: Actor, company_id: UUID, plan_id: UUID, employee_ids: Collection[UUID]
) -> None:
    """Assignments are score inputs: bring the people's connector actuals up to date for
    their (possibly new) indicators, then recompute their live scores."""
    await pull_connector_actuals(actor.metrics, company_id, plan_id, employee_ids)
    await recompute(company_id, plan_id, employee_ids)


async def update_assignment(
    actor: Actor, assignment_id: UUID, revision: int, patch: AssignmentPatch
) -> Assignment:
    """Patch one assignment as read at ``revision``; CONFLICT when it has changed since."""
    row = await get_assignment(actor, assignment_id)
    plan = await Plan.get(id=row.plan_id)
    perm = change_permission(plan.state)
    require_person(actor.authz, perm, position(row))
    if patch.empty:
        raise BadInput("nothing_to_update", field="patch")
    if row.revision != revision:
        raise Conflict("assignment_stale", current=row.revision, expected=revision)
    items = compose(
        loaded(row.indicators),
        overrides=patch.overrides,
        removed=patch.remove_keys,
        added=patch.add_personal,
        metrics=actor.metrics,
        path="patch",
        names=PATCH_NAMES,
    )
    async with in_transaction():
        await lock_plan(plan)
        if await _update(actor, row, items, position(row), datetime.now(UTC)):
            await _inputs_changed(actor, plan.company_id, plan.id, [row.employee_id])
    return await Assignment.get(id=row.id)
