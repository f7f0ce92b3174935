"""Role assignments: who holds which role, company-wide or over a department subtree."""

from __future__ import annotations

from uuid import UUID

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server.audit import Actor, record
from server.authz import ROLE_ASSIGNMENT_ASSIGN, ROLE_ASSIGNMENT_READ, ROLE_ASSIGNMENT_REVOKE
from server.errors import BadInput, Conflict, Forbidden, NotFound
from server.models import RoleAssignment
from server.services.departments import get_department
from server.services.employees import get_employee, keep_an_admin, position, publish
from server.vocabulary import COMPANY_ROLES, DEPARTMENT_ROLES, ROLES, AuditAction, AuditObjectType

ASSIGNABLE = tuple(r for r in ROLES if r != "employee")


def _snapshot(assignment: RoleAssignment) -> dict[str, object]:
    return {
        "employee_id": assignment.employee_id,
        "role": assignment.role,
        "department_id": assignment.department_id,
    }


async def get_role_assignment(actor: Actor, assignment_id: UUID) -> RoleAssignment:
    """One assignment, if the caller may see its holder's roles (else NOT_FOUND, as missing)."""
    row = await RoleAssignment.get_or_none(id=assignment_id, company_id=actor.caller.company_id)
    if row is None:
        raise NotFound("role_assignment")
    owner = await get_employee(actor, row.employee_id)
    actor.authz.require(ROLE_ASSIGNMENT_READ, position(owner))
    return row


async def assign_role(
    actor: Actor, employee_id: UUID, role: str, department_id: UUID | None
) -> RoleAssignment:
    employee = await get_employee(actor, employee_id)
    actor.authz.require(ROLE_ASSIGNMENT_ASSIGN, position(employee))
    if employee.id == actor.caller.employee_id:
        # Separation of duties: nobody widens their own rights, an admin included.
        raise Forbidden("own_roles")
    if role not in ASSIGNABLE:
        if role == "employee":
            raise BadInput(
                "role_scope", field="role", role=role, scope="held by every active employee"
            )
        raise BadInput("role_unknown", field="role", role=role, roles=", ".join(ASSIGNABLE))
    if not employee.is_active:
        raise BadInput("inactive_reference", field="employeeId", object_type="employee")
    if role in COMPANY_ROLES and department_id is not None:
        raise BadInput(
            "role_scope", field="departmentId", role=role, scope="company-wide; omit departmentId"
        )
    if role in DEPARTMENT_ROLES and department_id is None:
        raise BadInput(
            "role_scope",
            field="departmentId",
            role=role,
            scope="held over a department; give departmentId",
        )
    if department_id is not None:
        dept = await get_department(actor, department_id)
        if not dept.is_active:
            raise BadInput("inactive_reference", field="departmentId", object_type="department")
    exists = RoleAssignment.filter(employee_id=employee.id, role=role, department_id=department_id)
    if await exists.exists():
        raise Conflict("role_exists", name=employee.name)
    try:
        async with in_transaction():
            assignment = await RoleAssignment.create(
                company_id=employee.company_id,
                employee_id=employee.id,
                role=role,
                department_id=department_id,
            )
            await record(
                actor,
                AuditAction.ROLE_ASSIGN,
                AuditObjectType.ROLE_ASSIGNMENT,
                assignment.id,
                after=_snapshot(assignment),
            )
            await publish(actor, "role.assign", "role_assignment", assignment.id, employee)
    except IntegrityError as exc:
        raise Conflict("role_exists", name=employee.name) from exc
    return assignment


async def revoke_role(actor: Actor, assignment_id: UUID) -> RoleAssignment:
    assignment = await RoleAssignment.get_or_none(
        id=assignment_id, company_id=actor.caller.company_id
    ).select_related("employee")
    if assignment is None:
        raise NotFound("role_assignment")
    actor.authz.require(ROLE_ASSIGNMENT_REVOKE, position(assignment.employee))
    async with in_transaction():
        if assignment.role == "admin":
            await keep_an_admin(assignment.company_id, assignment.employee_id)
            # A concurrent revoke of this very assignment may have won while we waited.
            if not await RoleAssignment.filter(id=assignment.id).exists():
                raise NotFound("role_assignment")
        await assignment.delete()
        await record(
            actor,
            AuditAction.ROLE_REVOKE,
            AuditObjectType.ROLE_ASSIGNMENT,
            assignment.id,
            before=_snapshot(assignment),
        )
        await publish(actor, "role.revoke", "role_assignment", assignment.id, assignment.employee)
    return assignment
