"""Read queries over the org chart. Every one decides through server.authz."""

from __future__ import annotations

from uuid import UUID

import strawberry
from strawberry.types import Info

from schema import ids
from schema.org.types import Company, Department, Employee, EmployeeConnection, RoleAssignment
from schema.permissions import AUTH
from server.services import company, departments, employees, roles


async def company_node(info: Info) -> Company:
    return Company.of(await company.get_company(info.context.actor))


async def role_assignment_node(info: Info, raw: UUID) -> RoleAssignment:
    return RoleAssignment.of(await roles.get_role_assignment(info.context.actor, raw))


@strawberry.type
class OrgQuery:
    @strawberry.field(permission_classes=AUTH, description="The signed-in person.")
    async def me(self, info: Info) -> Employee:
        actor = info.context.actor
        return Employee.of(await employees.get_employee(actor, actor.caller.employee_id))

    @strawberry.field(permission_classes=AUTH, description="The caller's company.")
    async def company(self, info: Info) -> Company:
        return await company_node(info)

    @strawberry.field(
        permission_classes=AUTH,
        description="Visible departments, parents before children (depth-first).",
    )
    async def departments(self, info: Info, include_inactive: bool = False) -> list[Department]:
        rows = await departments.list_departments(
            info.context.actor, include_inactive=include_inactive
        )
        return [Department.of(d) for d in rows]

    @strawberry.field(permission_classes=AUTH)
    async def department(self, info: Info, id: strawberry.ID) -> Department:
        raw = ids.decode(id, "Department")
        return Department.of(await departments.get_department(info.context.actor, raw))

    @strawberry.field(
        permission_classes=AUTH,
        description="A page of employees ordered by name; `departmentId` includes sub-departments; "
        "`search` matches name, title or username.",
    )
    async def employees(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        department_id: strawberry.ID | None = None,
        search: str | None = None,
        include_inactive: bool = False,
    ) -> EmployeeConnection:
        dept = (
            None
            if department_id is None
            else ids.decode(department_id, "Department", "departmentId")
        )
        page = await employees.list_employees(
            info.context.actor,
            first=first,
            after=after,
            department_id=dept,
            search=search,
            include_inactive=include_inactive,
        )
        await info.context.loaders.org.prime_employee_page(page.rows)
        return EmployeeConnection.of(page)

    @strawberry.field(permission_classes=AUTH)
    async def employee(self, info: Info, id: strawberry.ID) -> Employee:
        raw = ids.decode(id, "Employee")
        return Employee.of(await employees.get_employee(info.context.actor, raw))
