"""People: the directory, and creating, changing and deactivating employee records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from server import validation
from server.audit import Actor, changed, record
from server.authz import (
    EMPLOYEE_CREATE,
    EMPLOYEE_DEACTIVATE,
    EMPLOYEE_READ,
    EMPLOYEE_READ_INACTIVE,
    EMPLOYEE_SET_CREDENTIALS,
    EMPLOYEE_UPDATE,
)
from server.errors import BadInput, Conflict, NotFound
from server.events import OrgChange
from server.models import Company, Department, Employee, RoleAssignment
from server.org_tree import org_tree
from server.outbox import emit
from server.paging import Page, after_filter, check_first, encode_cursor
from server.services.auth import MIN_PASSWORD_LENGTH, hash_password, revoke_sessions
from server.services.departments import UNSET, get_department
from server.vocabulary import AuditAction, AuditObjectType

SEARCHABLE = ("name__icontains", "title__icontains", "username__icontains")
# What reading people needs; never the password hash, nor timestamps nobody shows.
EMPLOYEE_COLUMNS = (
    "id",
    "company_id",
    "username",
    "name",
    "title",
    "employee_number",
    "department_id",
    "manager_id",
    "phone",
    "email",
    "hire_date",
    "is_active",
)


@dataclass(frozen=True, slots=True)
class EmployeeRow:
    """A person as read for display: plain values, no ORM object (pages hold hundreds)."""

    id: UUID
    company_id: UUID
    username: str
    name: str
    title: str
    employee_number: str
    department_id: UUID
    manager_id: UUID | None
    phone: str
    email: str
    hire_date: date | None
    is_active: bool


async def employee_rows(query: Any) -> list[EmployeeRow]:
    return [EmployeeRow(**values) for values in await query.values(*EMPLOYEE_COLUMNS)]


def snapshot(e: Employee) -> dict[str, Any]:
    return {
        "username": e.username,
        "name": e.name,
        "title": e.title,
        "employee_number": e.employee_number,
        "department_id": e.department_id,
        "manager_id": e.manager_id,
        "phone": e.phone,
        "email": e.email,
        "hire_date": e.hire_date,
        "is_active": e.is_active,
    }


async def publish(actor: Actor, action: str, object_type: str, object_id: Any, e: Employee) -> None:
    """The change's event, into the outbox: call it last in the change's transaction."""
    await emit(OrgChange(actor.caller.company_id, action, object_type, object_id, *position(e)))


def position(e: Employee | EmployeeRow) -> tuple[Any, Any, Any]:
    """What authorization needs to place an employee: (department, owner, manager)."""
    return e.department_id, e.id, e.manager_id


async def list_employees(
    actor: Actor,
    *,
    first: int = 20,
    after: str | None = None,
    department_id: UUID | None = None,
    search: str | None = None,
    include_inactive: bool = False,
) -> Page[EmployeeRow]:
    check_first(first)
    authz = actor.authz
    query = Employee.filter(company_id=actor.caller.company_id)
    read_q = authz.scope(EMPLOYEE_READ, required=True).q(
        department="department_id", owner="id", manager="manager_id"
    )
    if read_q is not None:
        query = query.filter(read_q)
    if include_inactive:
        inactive_q = authz.scope(EMPLOYEE_READ_INACTIVE, required=True).q(
            department="department_id", owner="id", manager="manager_id"
        )
        if inactive_q is not None:
            query = query.filter(inactive_q)
    else:
        query = query.filter(is_active=True)
    if department_id is not None:
        root = await get_department(actor, department_id)
        tree = await org_tree(actor.caller.company_id)
        query = query.filter(department_id__in=list(tree.subtree([root.id])))
    if search is not None and (term := validation.text(search, "search", required=False)):
        query = query.filter(Q(*(Q(**{f: term}) for f in SEARCHABLE), join_type=Q.OR))
    if (after_q := after_filter("name", after)) is not None:
        query = query.filter(after_q)
    rows = await employee_rows(query.order_by("name", "id").limit(first + 1))
    page = rows[:first]
    return Page(page, [encode_cursor(e.name, e.id) for e in page], len(rows) > first)


async def get_employee(actor: Actor, employee_id: UUID) -> Employee:
    """An employee the caller may see, else NOT_FOUND (missing and hidden look the same)."""
    employee = await Employee.get_or_none(id=employee_id, company_id=actor.caller.company_id)
    if employee is None:
        raise NotFound("employee")
    actor.authz.require(EMPLOYEE_READ, position(employee))
    if not employee.is_active:
        actor.authz.require(EMPLOYEE_READ_INACTIVE, position(employee))
    return employee


async def keep_an_admin(company_id: UUID, leaving_id: UUID) -> None:
    """CONFLICT when ``leaving_id`` is the company's last active tenant admin.

    Call inside the transaction that removes the admin: the company row is locked first, so
    two admins removing each other at once are checked one after the other (SQLite
    serializes transactions anyway; PostgreSQL needs the row lock).
    """
    await Company.filter(id=company_id).select_for_update().first()
    admins = await RoleAssignment.filter(
        company_id=company_id, role="admin", employee__is_active=True
    ).values_list("employee_id", flat=True)
    if leaving_id in admins and len(set(admins)) == 1:
        raise Conflict("last_admin")


async def _department(actor: Actor, department_id: UUID) -> Department:
    dept = await get_department(actor, department_id)
    if not dept.is_active:
        raise BadInput("inactive_reference", field="departmentId", object_type="department")
    return dept


async def _manager(actor: Actor, manager_id: UUID | None, subject_id: UUID | None) -> UUID | None:
    if manager_id is None:
        return None
    if manager_id == subject_id:
        raise BadInput("self_manager", field="managerId")
    manager = await get_employee(actor, manager_id)
    if not manager.is_active:
        raise BadInput("inactive_reference", field="managerId", object_type="employee")
    if subject_id is not None:
        links = dict(
            await Employee.filter(company_id=actor.caller.company_id).values_list(
                "id", "manager_id"
            )
        )
        cursor: Any = manager.id
        while cursor is not None:
            if cursor == subject_id:
                raise BadInput("manager_cycle", field="managerId")
            cursor = links.get(cursor)
    return manager.id


async def _unique(
    company_id: Any, username: str | None, number: str | None, except_id: Any
) -> None:
    if (
        username is not None
        and await Employee.filter(username=username).exclude(id=except_id).exists()
    ):
        raise Conflict("username_taken", username=username)
    if (
        number is not None
        and await Employee.filter(company_id=company_id, employee_number=number)
        .exclude(id=except_id)
        .exists()
    ):
        raise Conflict("employee_number_taken", number=number)


@dataclass(frozen=True)
class EmployeeInput:
    username: str
    name: str
    employee_number: str
    department_id: UUID
    title: str = ""
    manager_id: UUID | None = None
    phone: str = ""
    email: str = ""
    hire_date: date | None = None
    password: str | None = None


async def create_employee(actor: Actor, data: EmployeeInput) -> Employee:
    dept = await _department(actor, data.department_id)
    actor.authz.require(EMPLOYEE_CREATE, dept.id)
    fields: dict[str, Any] = {
        "username": validation.username(data.username, actor.caller.tenant),
        "name": validation.text(data.name, "name"),
        "title": validation.text(data.title, "title", required=False),
        "employee_number": validation.employee_number(data.employee_number),
        "phone": validation.phone(data.phone),
        "email": validation.email(data.email),
        "hire_date": validation.hire_date(data.hire_date),
    }
    password_hash = None
    if data.password is not None:
        # Accounts are IT's: keeping HR records does not let one set a person's password.
        actor.authz.require(EMPLOYEE_SET_CREDENTIALS, dept.id)
        password_hash = await hash_password(validation.password(data.password, MIN_PASSWORD_LENGTH))
    manager_id = await _manager(actor, data.manager_id, None)
    await _unique(actor.caller.company_id, fields["username"], fields["employee_number"], None)
    try:
        async with in_transaction():
            employee = await Employee.create(
                company_id=actor.caller.company_id,
                department_id=dept.id,
                manager_id=manager_id,
                password_hash=password_hash,
                **fields,
            )
            await record(
                actor,
                AuditAction.EMPLOYEE_CREATE,
                AuditObjectType.EMPLOYEE,
                employee.id,
                after=snapshot(employee),
            )
            await publish(actor, "employee.create", "employee", employee.id, employee)
    except IntegrityError as exc:  # a concurrent create took the name between check and insert
        raise Conflict("username_taken", username=fields["username"]) from exc
    return employee


async def update_employee(actor: Actor, employee_id: UUID, changes: dict[str, Any]) -> Employee:
    """Apply the given changes (keys as in EmployeeInput; absent keys stay as they are)."""
    employee = await get_employee(actor, employee_id)
    actor.authz.require(EMPLOYEE_UPDATE, position(employee))
    if not changes:
        raise BadInput("nothing_to_update")
    before = snapshot(employee)
    cleaners: dict[str, Callable[[Any], Any]] = {
        "username": lambda v: validation.username(v, actor.caller.tenant),
        "name": lambda v: validation.text(v, "name"),
        "title": lambda v: validation.text(v, "title", required=False),
        "employee_number": validation.employee_number,
        "phone": validation.phone,
        "email": validation.email,
        "hire_date": validation.hire_date,
    }
    for key, clean in cleaners.items():
        if key in changes:
            setattr(employee, key, clean(changes[key]))
    if "department_id" in changes:
        dept = await _department(actor, changes["department_id"])
        actor.authz.require(EMPLOYEE_CREATE, dept.id)
        employee.department_id = dept.id
    if changes.get("manager_id", UNSET) is not UNSET:
        employee.manager_id = await _manager(actor, changes["manager_id"], employee.id)
    new_password = changes.get("password") is not None
    if new_password or employee.username != before["username"]:
        # Whoever may change a sign-in name or password can take the account over.
        actor.authz.require(EMPLOYEE_SET_CREDENTIALS, position(employee))
    if new_password:
        employee.password_hash = await hash_password(
            validation.password(changes["password"], MIN_PASSWORD_LENGTH)
        )
    after = snapshot(employee)
    await _unique(
        employee.company_id,
        employee.username if employee.username != before["username"] else None,
        employee.employee_number if employee.employee_number != before["employee_number"] else None,
        employee.id,
    )
    old, new = changed(before, after)
    if new_password:  # the audit log never holds a password, only that it was set
        old["password_changed"], new["password_changed"] = False, True
    try:
        async with in_transaction():
            await employee.save()
            if new_password:
                await revoke_sessions(employee.id)
            await record(
                actor,
                AuditAction.EMPLOYEE_UPDATE,
                AuditObjectType.EMPLOYEE,
                employee.id,
                before=old,
                after=new,
            )
            await publish(actor, "employee.update", "employee", employee.id, employee)
    except IntegrityError as exc:
        raise Conflict("username_taken", username=employee.username) from exc
    return employee


async def deactivate_employee(actor: Actor, employee_id: UUID) -> Employee:
    employee = await get_employee(actor, employee_id)
    actor.authz.require(EMPLOYEE_DEACTIVATE, position(employee))
    if not employee.is_active:
        raise Conflict("already_inactive", object_type="employee")
    async with in_transaction():
        await keep_an_admin(employee.company_id, employee.id)
        employee.is_active = False
        await employee.save(update_fields=["is_active", "updated_at"])
        await revoke_sessions(employee.id)
        await record(
            actor,
            AuditAction.EMPLOYEE_DEACTIVATE,
            AuditObjectType.EMPLOYEE,
            employee.id,
            before={"is_active": True},
            after={"is_active": False},
        )
        await publish(actor, "employee.deactivate", "employee", employee.id, employee)
    return employee
