"""``trend``: a person's, department's or division's scores over periods, with control
limits (server/analytics/trend.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from schema import ids
from schema.analytics.common import AnalyticsPeriod, analytics_period
from schema.enums import PeriodKind
from schema.permissions import AUTH
from server.analytics import trend as service


@strawberry.input(
    description="Whose trend: exactly one of a person or a department "
    "(a division is a department: its subtree)."
)
class TrendSubjectInput:
    employee_id: strawberry.ID | None = None
    department_id: strawberry.ID | None = None


@strawberry.type(description="One period of a trend.")
class TrendPoint:
    period: AnalyticsPeriod
    scored: int = strawberry.field(description="People with a total in the period")
    average_score: Decimal | None
    completion_rate: Decimal | None = strawberry.field(
        description="Average weighted achievement as a rate (1.2200 is 122 %)"
    )
    grade: str | None = strawberry.field(description="The tenant's band for the average")
    out_of_control: bool = strawberry.field(description="Outside mean ± 2 sd of the window")


@strawberry.type(description="Scores over periods with control limits (mean ± 2 sample sd).")
class Trend:
    subject_name: str
    points: list[TrendPoint]
    mean: Decimal | None = strawberry.field(description="Of the points' averages")
    sd: Decimal | None = strawberry.field(description="Sample sd; null below two points")
    upper_limit: Decimal | None
    lower_limit: Decimal | None

    @classmethod
    def of(cls, info: Info, found: service.Trend) -> Trend:
        return cls(
            subject_name=found.subject_name,
            points=[
                TrendPoint(
                    period=analytics_period(info, p.period),
                    scored=p.scored,
                    average_score=p.average,
                    completion_rate=p.completion_rate,
                    grade=p.grade,
                    out_of_control=p.out_of_control,
                )
                for p in found.points
            ],
            mean=found.mean,
            sd=found.sd,
            upper_limit=found.upper,
            lower_limit=found.lower,
        )


@strawberry.type
class TrendQuery:
    @strawberry.field(
        permission_classes=AUTH,
        description="Score, completion and grade per period from `from` to `to` (at most 60 "
        "periods), with control limits; a person sees his own (analytics:read).",
    )
    async def trend(
        self,
        info: Info,
        subject: TrendSubjectInput,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
        kind: PeriodKind = PeriodKind.MONTH,
    ) -> Trend:
        employee = (
            None
            if subject.employee_id is None
            else ids.decode(subject.employee_id, "Employee", "subject.employeeId")
        )
        department = (
            None
            if subject.department_id is None
            else ids.decode(subject.department_id, "Department", "subject.departmentId")
        )
        reach = await service.subject_reach(info.context.actor, employee, department)
        found = await service.trend(reach, PeriodKind(kind), from_, to)
        return Trend.of(info, found)
