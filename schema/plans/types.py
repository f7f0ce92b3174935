"""GraphQL types for templates, plans, indicators, versions, comments and progress."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay
from strawberry.types import Info

from schema.enums import (
    DepartmentKind,
    Framework,
    PeriodKind,
    PlanChangeKind,
    PlanEventKind,
    PlanField,
    PlanLevel,
    PlanState,
    PlanStep,
    Role,
)
from schema.org.types import Department, Employee, visible_employee
from schema.plans import steps
from schema.plans.indicator_types import Indicator
from schema.plans.steps import PlanAction
from server import models as m
from server.authz import DEPARTMENT_READ
from server.plans.progress import DepartmentProgress
from server.plans.versions import Change


@strawberry.type(description="A KPI or OKR template: indicators with default weights and targets.")
class Template(relay.Node):
    id: relay.NodeID[str]
    name: str
    framework: Framework
    department_kind: DepartmentKind
    description: str
    indicators: list[Indicator]

    @classmethod
    def of(cls, row: m.Template) -> Template:
        return cls(
            id=str(row.id),
            name=row.name,
            framework=Framework(row.framework),
            department_kind=DepartmentKind(row.department_kind),
            description=row.description,
            indicators=[Indicator.from_stored(i) for i in row.indicators],
        )


@strawberry.type
class Deadlines:
    submission: date
    review: date
    self_evaluation: date
    manager_evaluation: date


@strawberry.type(description="An immutable snapshot of a plan.")
class PlanVersion:
    number: int
    comment: str
    created_at: datetime
    row: strawberry.Private[m.PlanVersion]

    @strawberry.field
    async def author(self, info: Info) -> Employee | None:
        return await visible_employee(info, self.row.author_id)

    @strawberry.field
    async def indicators(self, info: Info) -> list[Indicator]:
        rows = await info.context.loaders.plans.indicators.load((self.row.plan_id, self.number))
        return [Indicator.of(r) for r in rows]


@strawberry.type
class PlanComment(relay.Node):
    id: relay.NodeID[str]
    version: int
    indicator_key: str | None
    parent_id: strawberry.ID | None
    body: str
    resolved: bool
    created_at: datetime
    row: strawberry.Private[m.PlanComment]

    @classmethod
    def of(cls, row: m.PlanComment) -> PlanComment:
        from schema import ids

        parent = (
            None
            if row.parent_id is None
            else strawberry.ID(ids.encode("PlanComment", row.parent_id))
        )
        return cls(
            id=str(row.id),
            version=row.version,
            indicator_key=row.indicator_key,
            parent_id=parent,
            body=row.body,
            resolved=row.resolved,
            created_at=row.created_at,
            row=row,
        )

    @strawberry.field
    async def author(self, info: Info) -> Employee | None:
        return await visible_employee(info, self.row.author_id)


@strawberry.type(
    description="A sign-off the plan needs; current when given for the current version."
)
class PlanApproval:
    role: Role
    division: Department | None
    approved_version: int | None
    approved_at: datetime | None
    current: bool


@strawberry.type
class PlanTransition:
    from_state: PlanState
    to_state: PlanState
    action: PlanStep
    comment: str
    at: datetime
    row: strawberry.Private[m.PlanTransition]

    @strawberry.field
    async def actor(self, info: Info) -> Employee | None:
        return await visible_employee(info, self.row.actor_id)


@strawberry.type(description="A performance plan for departments (or the company) and a period.")
class Plan(relay.Node):
    id: relay.NodeID[str]
    name: str
    level: PlanLevel
    period_kind: PeriodKind
    period_start: date
    period_end: date
    deadlines: Deadlines
    state: PlanState
    version: int
    row: strawberry.Private[m.Plan]

    @classmethod
    def of(cls, row: m.Plan) -> Plan:
        return cls(
            id=str(row.id),
            name=row.name,
            level=PlanLevel(row.level),
            period_kind=PeriodKind(row.period_kind),
            period_start=row.period_start,
            period_end=row.period_end,
            deadlines=Deadlines(
                submission=row.submission_due,
                review=row.review_due,
                self_evaluation=row.self_evaluation_due,
                manager_evaluation=row.manager_evaluation_due,
            ),
            state=PlanState(row.state),
            version=row.version,
            row=row,
        )

    @strawberry.field(description=steps.DESCRIPTION)
    async def next_steps(self, info: Info) -> list[PlanAction]:
        return await steps.next_steps(info, self.row)

    @strawberry.field(description="The departments covered that the caller may see.")
    async def departments(self, info: Info) -> list[Department]:
        rows = await info.context.loaders.plans.departments.load(self.row.id)
        authz = info.context.actor.authz
        return [Department.of(d) for d in rows if authz.check(DEPARTMENT_READ, d.id)]

    @strawberry.field(description="The indicators of the current version.")
    async def indicators(self, info: Info) -> list[Indicator]:
        rows = await info.context.loaders.plans.indicators.load((self.row.id, self.row.version))
        return [Indicator.of(r) for r in rows]

    @strawberry.field
    async def latest_version(self, info: Info) -> PlanVersion | None:
        row = await info.context.loaders.plans.version.load((self.row.id, self.row.version))
        return (
            None
            if row is None
            else PlanVersion(
                number=row.number, comment=row.comment, created_at=row.created_at, row=row
            )
        )

    @strawberry.field(description="Every version, oldest first.")
    async def versions(self, info: Info) -> list[PlanVersion]:
        rows = await info.context.loaders.plans.versions.load(self.row.id)
        return [
            PlanVersion(number=r.number, comment=r.comment, created_at=r.created_at, row=r)
            for r in rows
        ]

    @strawberry.field(description="Comment threads, oldest first; filter by version or indicator.")
    async def comments(
        self, info: Info, version: int | None = None, indicator_key: str | None = None
    ) -> list[PlanComment]:
        rows = await info.context.loaders.plans.comments.load(self.row.id)
        return [
            PlanComment.of(c)
            for c in rows
            if (version is None or c.version == version)
            and (indicator_key is None or c.indicator_key == indicator_key)
        ]

    @strawberry.field
    async def approvals(self, info: Info) -> list[PlanApproval]:
        rows = await info.context.loaders.plans.approvals.load(self.row.id)
        divisions = await info.context.loaders.org.department.load_many(
            [a.department_id for a in rows if a.department_id is not None]
        )
        authz = info.context.actor.authz  # a division out of sight is null, like any reference
        seen = [d for d in divisions if d is not None and authz.check(DEPARTMENT_READ, d.id)]
        by_id = {d.id: Department.of(d) for d in seen}
        result = []
        for a in rows:
            division = by_id.get(a.department_id)
            result.append(
                PlanApproval(
                    role=a.role,
                    division=division,
                    approved_version=a.approved_version,
                    approved_at=a.approved_at,
                    current=a.approved_version == self.row.version,
                )
            )
        return result

    @strawberry.field
    async def transitions(self, info: Info) -> list[PlanTransition]:
        rows = await info.context.loaders.plans.transitions.load(self.row.id)
        return [
            PlanTransition(
                from_state=t.from_state,
                to_state=t.to_state,
                action=t.action,
                comment=t.comment,
                at=t.at,
                row=t,
            )
            for t in rows
        ]


@strawberry.type(description="One difference between two versions.")
class PlanChange:
    kind: PlanChangeKind
    field: PlanField
    indicator_key: str | None
    indicator_name: str | None
    before: str | None
    after: str | None
    text: str

    @classmethod
    def of(cls, change: Change) -> PlanChange:
        return cls(
            kind=PlanChangeKind(change.kind),
            field=PlanField(change.field),
            indicator_key=change.indicator_key,
            indicator_name=change.indicator_name,
            before=change.before,
            after=change.after,
            text=change.text,
        )


@strawberry.type
class PlanStanding:
    plan: Plan
    waiting_on: list[Role]
    submission_overdue: bool
    review_overdue: bool


@strawberry.type
class DepartmentPlanProgress:
    department: Department
    plans: list[PlanStanding]
    missing: bool
    overdue: bool

    @classmethod
    def of(cls, row: DepartmentProgress) -> DepartmentPlanProgress:
        return cls(
            department=Department.of(row.department),
            missing=row.missing,
            overdue=row.overdue,
            plans=[
                PlanStanding(
                    plan=Plan.of(s.plan),
                    waiting_on=[Role(r) for r in s.waiting_on],
                    submission_overdue=s.submission_overdue,
                    review_overdue=s.review_overdue,
                )
                for s in row.plans
            ],
        )


@strawberry.type
class PlanEventPayload:
    plan_id: strawberry.ID
    kind: PlanEventKind
    state: PlanState
    detail: str
    at: datetime
