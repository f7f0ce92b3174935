"""Admin mutations over the org chart: each is authorized by policy and audited in server/."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from strawberry.types import Info
from strawberry.utils.str_converters import to_camel_case

from schema import ids
from schema.enums import DepartmentKind, Role
from schema.org.types import Company, Department, Employee, RoleAssignment
from schema.permissions import AUTH
from server.errors import BadInput
from server.services import company, departments, employees, roles


def _optional_id(value: Any, type_name: str, field: str) -> Any:
    """UNSET stays UNSET (leave as is), null stays None (clear), an ID is decoded."""
    if value is strawberry.UNSET or value is None:
        return departments.UNSET if value is strawberry.UNSET else None
    return ids.decode(value, type_name, field)


@strawberry.input
class CreateDepartmentInput:
    name: str
    parent_id: strawberry.ID
    kind: DepartmentKind = DepartmentKind.OTHER
    manager_id: strawberry.ID | None = None
    supervisor_id: strawberry.ID | None = None


@strawberry.input(
    description="Only the fields given change; null clears manager or supervisor, and the "
    "other fields cannot be null."
)
class UpdateDepartmentInput:
    name: str | None = strawberry.UNSET
    kind: DepartmentKind | None = strawberry.UNSET
    parent_id: strawberry.ID | None = strawberry.UNSET
    manager_id: strawberry.ID | None = strawberry.UNSET
    supervisor_id: strawberry.ID | None = strawberry.UNSET


@strawberry.input
class CreateEmployeeInput:
    username: str
    name: str
    employee_number: str
    department_id: strawberry.ID
    title: str = ""
    manager_id: strawberry.ID | None = None
    phone: str = ""
    email: str = ""
    hire_date: date | None = None
    password: str | None = strawberry.field(
        default=None, description="Initial password (at least 10 characters); never returned."
    )


@strawberry.input(
    description="Only the fields given change. Null removes the manager and clears title, "
    "phone, email or hireDate; the other fields cannot be null."
)
class UpdateEmployeeInput:
    username: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    title: str | None = strawberry.UNSET
    employee_number: str | None = strawberry.UNSET
    department_id: strawberry.ID | None = strawberry.UNSET
    manager_id: strawberry.ID | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    hire_date: date | None = strawberry.UNSET
    password: str | None = strawberry.UNSET


@strawberry.input
class AssignRoleInput:
    employee_id: strawberry.ID
    role: Role
    department_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="For VP and DEPT_MANAGER: the department subtree they hold it over.",
    )


def _changes(input: Any, required: tuple[str, ...], clearable: dict[str, Any]) -> dict[str, Any]:
    """The fields given. Null clears an optional field (to its value in ``clearable``) and is
    refused for a required one: silently ignoring it would look like success."""
    changes: dict[str, Any] = {}
    for key in (*required, *clearable):
        value = getattr(input, key)
        if value is strawberry.UNSET:
            continue
        if value is None:
            if key in required:
                raise BadInput("required", field=to_camel_case(key))
            value = clearable[key]
        changes[key] = value
    return changes


@strawberry.input(description="Only the fields given change.")
class UpdateCompanyInput:
    name: str | None = None
    name_zh: str | None = None
    timezone: str | None = strawberry.field(
        default=None, description="IANA zone, e.g. Asia/Shanghai"
    )


@strawberry.type
class OrgMutation:
    @strawberry.mutation(
        permission_classes=AUTH, description="Rename the company or change its time zone."
    )
    async def update_company(self, info: Info, input: UpdateCompanyInput) -> Company:
        row = await company.update_company(
            info.context.actor, name=input.name, name_zh=input.name_zh, timezone=input.timezone
        )
        return Company.of(row)

    @strawberry.mutation(permission_classes=AUTH)
    async def create_department(self, info: Info, input: CreateDepartmentInput) -> Department:
        data = departments.DepartmentInput(
            name=input.name,
            parent_id=ids.decode(input.parent_id, "Department", "parentId"),
            kind=input.kind,
            manager_id=_optional_id(input.manager_id, "Employee", "managerId") or None,
            supervisor_id=_optional_id(input.supervisor_id, "Employee", "supervisorId") or None,
        )
        return Department.of(await departments.create_department(info.context.actor, data))

    @strawberry.mutation(permission_classes=AUTH)
    async def update_department(
        self, info: Info, id: strawberry.ID, input: UpdateDepartmentInput
    ) -> Department:
        given = _changes(input, ("name", "kind", "parent_id"), {})
        if not given and input.manager_id is input.supervisor_id is strawberry.UNSET:
            raise BadInput("nothing_to_update")
        row = await departments.update_department(
            info.context.actor,
            ids.decode(id, "Department"),
            name=given.get("name"),
            kind=given.get("kind"),
            parent_id=ids.decode(given["parent_id"], "Department", "parentId")
            if "parent_id" in given
            else None,
            manager_id=_optional_id(input.manager_id, "Employee", "managerId"),
            supervisor_id=_optional_id(input.supervisor_id, "Employee", "supervisorId"),
        )
        return Department.of(row)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="Deactivate an empty department (no active employees or sub-departments).",
    )
    async def deactivate_department(self, info: Info, id: strawberry.ID) -> Department:
        row = await departments.deactivate_department(
            info.context.actor, ids.decode(id, "Department")
        )
        return Department.of(row)

    @strawberry.mutation(permission_classes=AUTH)
    async def create_employee(self, info: Info, input: CreateEmployeeInput) -> Employee:
        data = employees.EmployeeInput(
            username=input.username,
            name=input.name,
            employee_number=input.employee_number,
            department_id=ids.decode(input.department_id, "Department", "departmentId"),
            title=input.title,
            manager_id=_optional_id(input.manager_id, "Employee", "managerId") or None,
            phone=input.phone,
            email=input.email,
            hire_date=input.hire_date,
            password=input.password,
        )
        return Employee.of(await employees.create_employee(info.context.actor, data))

    @strawberry.mutation(permission_classes=AUTH)
    async def update_employee(
        self, info: Info, id: strawberry.ID, input: UpdateEmployeeInput
    ) -> Employee:
        changes = _changes(
            input,
            ("username", "name", "employee_number", "password", "department_id"),
            {"title": "", "phone": "", "email": "", "hire_date": None},
        )
        if "department_id" in changes:
            changes["department_id"] = ids.decode(
                changes["department_id"], "Department", "departmentId"
            )
        if input.manager_id is not strawberry.UNSET:
            changes["manager_id"] = _optional_id(input.manager_id, "Employee", "managerId")
        row = await employees.update_employee(
            info.context.actor, ids.decode(id, "Employee"), changes
        )
        return Employee.of(row)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="Deactivate an employee: no more sign-in, and signed out everywhere.",
    )
    async def deactivate_employee(self, info: Info, id: strawberry.ID) -> Employee:
        row = await employees.deactivate_employee(info.context.actor, ids.decode(id, "Employee"))
        return Employee.of(row)

    @strawberry.mutation(permission_classes=AUTH)
    async def assign_role(self, info: Info, input: AssignRoleInput) -> RoleAssignment:
        dept = None
        if input.department_id is not None:
            dept = ids.decode(input.department_id, "Department", "departmentId")
        row = await roles.assign_role(
            info.context.actor,
            ids.decode(input.employee_id, "Employee", "employeeId"),
            input.role.strip(),
            dept,
        )
        return RoleAssignment.of(row)

    @strawberry.mutation(
        permission_classes=AUTH, description="Revoke a role assignment; returns it as it was."
    )
    async def revoke_role(self, info: Info, id: strawberry.ID) -> RoleAssignment:
        row = await roles.revoke_role(info.context.actor, ids.decode(id, "RoleAssignment"))
        return RoleAssignment.of(row)
