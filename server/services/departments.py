"""The org chart: reading and changing departments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server import validation
from server.audit import Actor, changed, record
from server.authz import (
    DEPARTMENT_CREATE,
    DEPARTMENT_DEACTIVATE,
    DEPARTMENT_READ,
    DEPARTMENT_READ_INACTIVE,
    DEPARTMENT_UPDATE,
)
from server.errors import BadInput, Conflict, NotFound
from server.events import OrgChange
from server.models import Department, Employee
from server.org_tree import forget
from server.outbox import emit
from server.vocabulary import DEPARTMENT_KINDS, AuditAction, AuditObjectType

UNSET: Any = object()


async def _publish(actor: Actor, action: str, dept: Department) -> None:
    """The change's event, into the outbox: call it last in the change's transaction."""
    await emit(
        OrgChange(actor.caller.company_id, action, "department", dept.id, department_id=dept.id)
    )


def snapshot(dept: Department) -> dict[str, Any]:
    return {
        "name": dept.name,
        "kind": dept.kind,
        "parent_id": dept.parent_id,
        "manager_id": dept.manager_id,
        "supervisor_id": dept.supervisor_id,
        "is_active": dept.is_active,
    }


async def list_departments(actor: Actor, *, include_inactive: bool = False) -> list[Department]:
    """Visible departments of the caller's company, parents before children."""
    authz = actor.authz
    query = Department.filter(company_id=actor.caller.company_id)
    grant_q = authz.scope(DEPARTMENT_READ, required=True).q(department="id")
    if grant_q is not None:
        query = query.filter(grant_q)
    if include_inactive:
        inactive_q = authz.scope(DEPARTMENT_READ_INACTIVE, required=True).q(department="id")
        if inactive_q is not None:
            query = query.filter(inactive_q)
    else:
        query = query.filter(is_active=True)
    rows = await query.order_by("name", "id")
    return tree_order(rows)


def tree_order(rows: list[Department]) -> list[Department]:
    """Depth-first order so a client can draw the tree in one pass."""
    by_parent: dict[Any, list[Department]] = {}
    ids = {d.id for d in rows}
    for dept in rows:
        key = dept.parent_id if dept.parent_id in ids else None
        by_parent.setdefault(key, []).append(dept)
    ordered: list[Department] = []
    stack = list(reversed(by_parent.get(None, [])))
    while stack:
        dept = stack.pop()
        ordered.append(dept)
        stack.extend(reversed(by_parent.get(dept.id, [])))
    return ordered


async def get_department(actor: Actor, department_id: UUID) -> Department:
    """A department the caller may see, else NOT_FOUND (missing and hidden look the same)."""
    dept = await Department.get_or_none(id=department_id, company_id=actor.caller.company_id)
    if dept is None:
        raise NotFound("department")
    actor.authz.require(DEPARTMENT_READ, dept.id)
    if not dept.is_active:
        actor.authz.require(DEPARTMENT_READ_INACTIVE, dept.id)
    return dept


async def _active_department(actor: Actor, department_id: UUID, field: str) -> Department:
    dept = await get_department(actor, department_id)
    if not dept.is_active:
        raise BadInput("inactive_reference", field=field, object_type="department")
    return dept


async def _active_employee_id(actor: Actor, employee_id: UUID | None, field: str) -> UUID | None:
    if employee_id is None:
        return None
    employee = await Employee.get_or_none(id=employee_id, company_id=actor.caller.company_id)
    if employee is None:
        raise NotFound("employee")
    if not employee.is_active:
        raise BadInput("inactive_reference", field=field, object_type="employee")
    return employee.id


def _kind(value: str) -> str:
    if value not in DEPARTMENT_KINDS:
        raise BadInput("invalid_format", field="kind", hint="one of " + ", ".join(DEPARTMENT_KINDS))
    return value


async def _name_free(company_id: Any, parent_id: Any, name: str, except_id: Any = None) -> None:
    query = Department.filter(company_id=company_id, parent_id=parent_id, name=name, is_active=True)
    if except_id is not None:
        query = query.exclude(id=except_id)
    if await query.exists():
        raise Conflict("department_name_taken", name=name)


@dataclass(frozen=True)
class DepartmentInput:
    name: str
    parent_id: UUID
    kind: str = "other"
    manager_id: UUID | None = None
    supervisor_id: UUID | None = None


async def create_department(actor: Actor, data: DepartmentInput) -> Department:
    name = validation.text(data.name, "name")
    kind = _kind(data.kind)
    parent = await _active_department(actor, data.parent_id, "parentId")
    actor.authz.require(DEPARTMENT_CREATE, parent.id)
    manager_id = await _active_employee_id(actor, data.manager_id, "managerId")
    supervisor_id = await _active_employee_id(actor, data.supervisor_id, "supervisorId")
    await _name_free(actor.caller.company_id, parent.id, name)
    async with in_transaction():
        dept = await Department.create(
            company_id=actor.caller.company_id,
            parent_id=parent.id,
            name=name,
            kind=kind,
            manager_id=manager_id,
            supervisor_id=supervisor_id,
        )
        await record(
            actor,
            AuditAction.DEPARTMENT_CREATE,
            AuditObjectType.DEPARTMENT,
            dept.id,
            after=snapshot(dept),
        )
        await _publish(actor, "department.create", dept)
    forget(actor.caller.company_id)  # authorization must see the new tree at once
    return dept


async def _check_move(dept: Department, new_parent: Department) -> None:
    if dept.parent_id is None:
        raise BadInput("root_department", field="parentId")
    # Walk up from the new parent; meeting the department itself means a cycle.
    cursor: Any = new_parent.id
    links = dict(await Department.filter(company_id=dept.company_id).values_list("id", "parent_id"))
    while cursor is not None:
        if cursor == dept.id:
            raise BadInput("department_cycle", field="parentId")
        cursor = links.get(cursor)


async def update_department(
    actor: Actor,
    department_id: UUID,
    *,
    name: str | None = None,
    kind: str | None = None,
    parent_id: UUID | None = None,
    manager_id: UUID | None = UNSET,
    supervisor_id: UUID | None = UNSET,
) -> Department:
    dept = await get_department(actor, department_id)
    actor.authz.require(DEPARTMENT_UPDATE, dept.id)
    before = snapshot(dept)
    if name is not None:
        dept.name = validation.text(name, "name")
    if kind is not None:
        dept.kind = _kind(kind)
    if parent_id is not None and parent_id != dept.parent_id:
        new_parent = await _active_department(actor, parent_id, "parentId")
        actor.authz.require(DEPARTMENT_CREATE, new_parent.id)
        await _check_move(dept, new_parent)
        dept.parent_id = new_parent.id
    if manager_id is not UNSET:
        dept.manager_id = await _active_employee_id(actor, manager_id, "managerId")
    if supervisor_id is not UNSET:
        dept.supervisor_id = await _active_employee_id(actor, supervisor_id, "supervisorId")
    after = snapshot(dept)
    if after == before:
        return dept
    await _name_free(dept.company_id, dept.parent_id, dept.name, except_id=dept.id)
    old, new = changed(before, after)
    try:
        async with in_transaction():
            await dept.save()
            await record(
                actor,
                AuditAction.DEPARTMENT_UPDATE,
                AuditObjectType.DEPARTMENT,
                dept.id,
                before=old,
                after=new,
            )
            await _publish(actor, "department.update", dept)
    except IntegrityError as exc:
        raise Conflict("department_name_taken", name=dept.name) from exc
    forget(actor.caller.company_id)  # authorization must see the new tree at once
    return dept


async def deactivate_department(actor: Actor, department_id: UUID) -> Department:
    dept = await get_department(actor, department_id)
    actor.authz.require(DEPARTMENT_DEACTIVATE, dept.id)
    if dept.parent_id is None:
        raise BadInput("root_department", field="id")
    if not dept.is_active:
        raise Conflict("already_inactive", object_type="department")
    employees = await Employee.filter(department_id=dept.id, is_active=True).count()
    children = await Department.filter(parent_id=dept.id, is_active=True).count()
    if employees or children:
        raise Conflict("department_not_empty", employees=employees, children=children)
    async with in_transaction():
        dept.is_active = False
        await dept.save(update_fields=["is_active", "updated_at"])
        await record(
            actor,
            AuditAction.DEPARTMENT_DEACTIVATE,
            AuditObjectType.DEPARTMENT,
            dept.id,
            before={"is_active": True},
            after={"is_active": False},
        )
        await _publish(actor, "department.deactivate", dept)
    forget(actor.caller.company_id)  # authorization must see the new tree at once
    return dept
