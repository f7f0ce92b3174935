"""The ceiling: the same GraphQL shape from a bare strawberry schema over in-memory objects.

No database, no authentication, no authorization, no masking, no schema extensions: the
types ``Employee`` and ``Department`` expose the fields the benchmark query selects and
resolve them from dictionaries. ``id`` is a relay global ID, as in the real schema, and
cursors use the real ``encode_cursor``, so the ceiling pays the same encoding costs.

Two flavours: plain (synchronous) resolvers, which is the ceiling the target is measured
against, and the same resolvers declared ``async``, which shows what graphql-core charges
for awaitable fields alone (the real schema's DataLoader fields must be async).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from uuid import UUID

import strawberry
from strawberry import relay
from strawberry.asgi import GraphQL
from strawberry.types import Info

from server.paging import decode_cursor, encode_cursor

try:
    from bench.bench_scale_data import Dept, Person, ScaleOrg
except ImportError:  # run as a script: bench/ itself is on sys.path
    from bench_scale_data import Dept, Person, ScaleOrg


@dataclass
class Store:
    """The whole tenant in memory: 10,000 people sorted once by (name, id)."""

    people: dict[UUID, Person]
    departments: dict[UUID, Dept]
    ordered: list[Person]
    keys: list[tuple[str, str]]

    @classmethod
    def of(cls, org: ScaleOrg) -> Store:
        ordered = sorted(org.people, key=lambda p: (p.name, str(p.id)))
        return cls(
            {p.id: p for p in org.people},
            {d.id: d for d in org.departments},
            ordered,
            [(p.name, str(p.id)) for p in ordered],
        )

    def page(self, first: int, after: str | None) -> tuple[list[Person], bool]:
        start = 0
        if after is not None:
            key, row_id = decode_cursor(after)
            start = bisect.bisect_right(self.keys, (key, str(row_id)))
        rows = self.ordered[start : start + first + 1]
        return rows[:first], len(rows) > first


def _store(info: Info) -> Store:
    return info.context["store"]


# --------------------------------------------------------------------------- synchronous
@strawberry.type
class Department(relay.Node):
    id: relay.NodeID[str]
    name: str
    row: strawberry.Private[Dept]

    @strawberry.field
    def manager(self, info: Info) -> Employee | None:
        return _employee(info, self.row.manager_id)

    @strawberry.field
    def supervisor(self, info: Info) -> Employee | None:
        return _employee(info, self.row.supervisor_id)


@strawberry.type
class Employee(relay.Node):
    id: relay.NodeID[str]
    name: str
    title: str
    row: strawberry.Private[Person]

    @strawberry.field
    def phone(self) -> str:
        return self.row.phone

    @strawberry.field
    def department(self, info: Info) -> Department | None:
        d = _store(info).departments.get(self.row.department_id)
        return None if d is None else Department(id=str(d.id), name=d.name, row=d)

    @strawberry.field
    def manager(self, info: Info) -> Employee | None:
        return _employee(info, self.row.manager_id)


def _employee(info: Info, employee_id: UUID | None) -> Employee | None:
    p = None if employee_id is None else _store(info).people.get(employee_id)
    return None if p is None else Employee(id=str(p.id), name=p.name, title=p.title, row=p)


@strawberry.type
class EmployeeEdge:
    cursor: str
    node: Employee


@strawberry.type
class EmployeeConnection:
    edges: list[EmployeeEdge]
    page_info: relay.PageInfo


def _connection(rows: list[Person], has_next: bool, make: type) -> dict:
    cursors = [encode_cursor(p.name, p.id) for p in rows]
    edges = [
        {"cursor": c, "node": make(id=str(p.id), name=p.name, title=p.title, row=p)}
        for p, c in zip(rows, cursors, strict=True)
    ]
    page_info = relay.PageInfo(
        has_next_page=has_next,
        has_previous_page=False,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )
    return {"edges": edges, "page_info": page_info}


@strawberry.type
class Query:
    @strawberry.field
    def employees(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> EmployeeConnection:
        rows, has_next = _store(info).page(first, after)
        data = _connection(rows, has_next, Employee)
        edges = [EmployeeEdge(**e) for e in data["edges"]]
        return EmployeeConnection(edges=edges, page_info=data["page_info"])


# --------------------------------------------------------------------------- async flavour
@strawberry.type(name="Department")
class AsyncDepartment(relay.Node):
    id: relay.NodeID[str]
    name: str
    row: strawberry.Private[Dept]

    @strawberry.field
    async def manager(self, info: Info) -> AsyncEmployee | None:
        return _async_employee(info, self.row.manager_id)

    @strawberry.field
    async def supervisor(self, info: Info) -> AsyncEmployee | None:
        return _async_employee(info, self.row.supervisor_id)


@strawberry.type(name="Employee")
class AsyncEmployee(relay.Node):
    id: relay.NodeID[str]
    name: str
    title: str
    row: strawberry.Private[Person]

    @strawberry.field
    def phone(self) -> str:
        return self.row.phone

    @strawberry.field
    async def department(self, info: Info) -> AsyncDepartment | None:
        d = _store(info).departments.get(self.row.department_id)
        return None if d is None else AsyncDepartment(id=str(d.id), name=d.name, row=d)

    @strawberry.field
    async def manager(self, info: Info) -> AsyncEmployee | None:
        return _async_employee(info, self.row.manager_id)


def _async_employee(info: Info, employee_id: UUID | None) -> AsyncEmployee | None:
    p = None if employee_id is None else _store(info).people.get(employee_id)
    return None if p is None else AsyncEmployee(id=str(p.id), name=p.name, title=p.title, row=p)


@strawberry.type(name="EmployeeEdge")
class AsyncEmployeeEdge:
    cursor: str
    node: AsyncEmployee


@strawberry.type(name="EmployeeConnection")
class AsyncEmployeeConnection:
    edges: list[AsyncEmployeeEdge]
    page_info: relay.PageInfo


@strawberry.type(name="Query")
class AsyncQuery:
    @strawberry.field
    async def employees(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> AsyncEmployeeConnection:
        rows, has_next = _store(info).page(first, after)
        data = _connection(rows, has_next, AsyncEmployee)
        edges = [AsyncEmployeeEdge(**e) for e in data["edges"]]
        return AsyncEmployeeConnection(edges=edges, page_info=data["page_info"])


class CeilingGraphQL(GraphQL):
    def __init__(self, schema: strawberry.Schema, store: Store) -> None:
        super().__init__(schema)
        self.store = store

    async def get_context(self, request: object, response: object = None) -> dict:
        return {"request": request, "response": response, "store": self.store}


def ceiling_app(org: ScaleOrg, *, async_resolvers: bool = False) -> CeilingGraphQL:
    """A bare ``strawberry.asgi.GraphQL`` app (no extensions) serving ``org`` from memory."""
    schema = strawberry.Schema(query=AsyncQuery if async_resolvers else Query)
    return CeilingGraphQL(schema, Store.of(org))
