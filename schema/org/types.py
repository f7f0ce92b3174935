"""GraphQL types of the org chart. Personal fields are masked unless policy shows them."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from schema.enums import DepartmentKind, Role
from schema.loaders import MISSING, peek
from schema.paging import page_info
from server import models as m
from server.authz import (
    DEPARTMENT_READ,
    EMPLOYEE_READ,
    EMPLOYEE_READ_INACTIVE,
    EMPLOYEE_READ_PERSONAL,
    ROLE_ASSIGNMENT_READ,
)
from server.masking import mask_email, mask_employee_number, mask_hire_date, mask_phone
from server.paging import Page
from server.services.employees import EmployeeRow, list_employees, position


@strawberry.type(description="A tenant: one company. Nothing crosses from one to another.")
class Company(relay.Node):
    id: relay.NodeID[str]
    slug: str
    name: str
    name_zh: str
    timezone: str

    @classmethod
    def of(cls, row: m.Company) -> Company:
        return cls(
            id=str(row.id), slug=row.slug, name=row.name, name_zh=row.name_zh, timezone=row.timezone
        )


@strawberry.type(
    description="A department; divisions and the executive office are departments too."
)
class Department(relay.Node):
    id: relay.NodeID[str]
    name: str
    kind: DepartmentKind
    is_active: bool
    row: strawberry.Private[m.Department]

    @classmethod
    def of(cls, row: m.Department) -> Department:
        return cls(
            id=str(row.id),
            name=row.name,
            kind=DepartmentKind(row.kind),
            is_active=row.is_active,
            row=row,
        )

    @strawberry.field(description="The parent department; null for the top of the tree.")
    async def parent(self, info: Info) -> Department | None:
        if self.row.parent_id is None:
            return None
        return await visible_department(info, self.row.parent_id)

    @strawberry.field(description="Active sub-departments the caller may see.")
    async def children(self, info: Info) -> list[Department]:
        authz = info.context.actor.authz
        rows = await info.context.loaders.org.children.load(self.row.id)
        return [Department.of(d) for d in rows if authz.check(DEPARTMENT_READ, d.id)]

    @strawberry.field(description="The department's manager.")
    def manager(self, info: Info) -> Employee | None:
        return employee_ref(info, self.row.manager_id)

    @strawberry.field(description="The supervising division VP.")
    def supervisor(self, info: Info) -> Employee | None:
        return employee_ref(info, self.row.supervisor_id)

    @strawberry.field(description="Active employees of this department and its sub-departments.")
    async def employees(
        self, info: Info, first: int = 20, after: str | None = None, search: str | None = None
    ) -> EmployeeConnection:
        page = await list_employees(
            info.context.actor, first=first, after=after, department_id=self.row.id, search=search
        )
        await info.context.loaders.org.prime_employee_page(page.rows)
        return EmployeeConnection.of(page)


@strawberry.type(description="A person in the company (also the sign-in user).")
class Employee(relay.Node):
    id: relay.NodeID[str]
    username: str
    name: str
    title: str
    is_active: bool
    row: strawberry.Private[m.Employee | EmployeeRow]

    @classmethod
    def of(cls, row: m.Employee | EmployeeRow) -> Employee:
        return cls(
            id=str(row.id),
            username=row.username,
            name=row.name,
            title=row.title,
            is_active=row.is_active,
            row=row,
        )

    @strawberry.field(
        description="True when the caller may see this person's personal data unmasked."
    )
    def personal_data_visible(self, info: Info) -> bool:
        return info.context.actor.authz.check(EMPLOYEE_READ_PERSONAL, position(self.row))

    @strawberry.field(
        description="Mobile phone; masked (138****5678) for callers outside the person's line."
    )
    def phone(self, info: Info) -> str:
        return self.row.phone if self.personal_data_visible(info) else mask_phone(self.row.phone)

    @strawberry.field(
        description="E-mail; masked (z***@example.com) for callers outside the person's line."
    )
    def email(self, info: Info) -> str:
        return self.row.email if self.personal_data_visible(info) else mask_email(self.row.email)

    @strawberry.field(description="Employee number; masked for callers outside the person's line.")
    def employee_number(self, info: Info) -> str:
        number = self.row.employee_number
        return number if self.personal_data_visible(info) else mask_employee_number(number)

    @strawberry.field(description="Hire date as YYYY-MM-DD; masked to YYYY-**-** when not visible.")
    def hire_date(self, info: Info) -> str | None:
        value: date | None = self.row.hire_date
        if self.personal_data_visible(info):
            return None if value is None else value.isoformat()
        return mask_hire_date(value)

    @strawberry.field
    def department(self, info: Info) -> Department | None:
        return department_ref(info, self.row.department_id)

    @strawberry.field(description="The direct line manager.")
    def manager(self, info: Info) -> Employee | None:
        return employee_ref(info, self.row.manager_id)

    @strawberry.field(description="Roles held; empty unless the caller may see them.")
    async def roles(self, info: Info) -> list[RoleAssignment]:
        authz = info.context.actor.authz
        if not authz.check(ROLE_ASSIGNMENT_READ, position(self.row)):
            return []
        rows = await info.context.loaders.org.roles.load(self.row.id)
        return [RoleAssignment.of(r) for r in rows]


@strawberry.type(
    description="A role held company-wide, or over a department and its sub-departments."
)
class RoleAssignment(relay.Node):
    id: relay.NodeID[str]
    role: Role
    row: strawberry.Private[m.RoleAssignment]

    @classmethod
    def of(cls, row: m.RoleAssignment) -> RoleAssignment:
        return cls(id=str(row.id), role=Role(row.role), row=row)

    @strawberry.field(
        description="The department whose subtree the role covers; null = company-wide."
    )
    async def department(self, info: Info) -> Department | None:
        if self.row.department_id is None:
            return None
        return await visible_department(info, self.row.department_id)

    @strawberry.field
    async def employee(self, info: Info) -> Employee | None:
        return await visible_employee(info, self.row.employee_id)


@strawberry.type
class EmployeeEdge:
    cursor: str
    node: Employee


@strawberry.type(description="A page of employees; `first` is capped at 100.")
class EmployeeConnection:
    edges: list[EmployeeEdge]
    page_info: relay.PageInfo

    @classmethod
    def of(cls, page: Page[m.Employee] | Page[EmployeeRow]) -> EmployeeConnection:
        rows: list[m.Employee | EmployeeRow] = list(page.rows)
        edges = [
            EmployeeEdge(cursor=c, node=Employee.of(e))
            for e, c in zip(rows, page.cursors, strict=True)
        ]
        return cls(edges=edges, page_info=page_info(page.cursors, page.has_next))


# Nested fields on directory pages resolve from rows the page already loaded (see
# OrgLoaders.prime_employee_page): answered synchronously, graphql-core makes no task per field.
# Otherwise they return the awaitable, which graphql-core awaits.
def department_ref(info: Info, department_id: object) -> Any:
    row = peek(info.context.loaders.org.department, department_id)
    if row is MISSING:
        return visible_department(info, department_id)
    return _department_if_visible(info, row)


def employee_ref(info: Info, employee_id: object) -> Any:
    if employee_id is None:
        return None
    row = peek(info.context.loaders.org.employee, employee_id)
    if row is MISSING:
        return visible_employee(info, employee_id)
    return _employee_if_visible(info, row)


def _department_if_visible(info: Info, row: m.Department | None) -> Department | None:
    if row is None or not info.context.actor.authz.check(DEPARTMENT_READ, row.id):
        return None
    return Department.of(row)


def _employee_if_visible(info: Info, row: m.Employee | None) -> Employee | None:
    authz = info.context.actor.authz
    if row is None or not authz.check(EMPLOYEE_READ, position(row)):
        return None
    if not row.is_active and not authz.check(EMPLOYEE_READ_INACTIVE, position(row)):
        return None
    return Employee.of(row)


async def visible_department(info: Info, department_id: object) -> Department | None:
    row = await info.context.loaders.org.department.load(department_id)
    return _department_if_visible(info, row)


async def visible_employee(info: Info, employee_id: object) -> Employee | None:
    if employee_id is None:
        return None
    return _employee_if_visible(info, await info.context.loaders.org.employee.load(employee_id))
