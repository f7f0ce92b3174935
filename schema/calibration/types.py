"""GraphQL types of calibration: a session, its people and changes, its distribution.

Grades are named through the company's grade bands (``GradeBand``); a key no band has any
more (bands changed since) shows as a band of that key with no names.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

import strawberry
from strawberry import relay
from strawberry.types import Info

from schema import ids
from schema.calibration.enums import (
    CalibrationGroupKind,
    CalibrationScope,
    CalibrationState,
    GuidelineStatus,
)
from schema.calibration.guideline import CalibrationGuideline
from schema.org.types import Department, Employee, department_ref, employee_ref
from schema.scoring.types import GradeBand
from server import models as m
from server.calibration import distribution as d
from server.calibration.entries import Entry
from server.scoring import grades
from server.scoring.settings import load_setup


async def _band(info: Info, company_id: UUID, key: str | None) -> GradeBand | None:
    if key is None:
        return None
    # Once per request (a page names grades many times over); bands change seldom.
    cache = vars(info.context).setdefault("_calibration_bands", {})
    if company_id not in cache:
        cache[company_id] = {b.key: b for b in (await load_setup(company_id)).grade_bands}
    band = cache[company_id].get(key) or grades.GradeBand(key, None, key, key)
    return GradeBand.of(band, info.context.lang)


@strawberry.type(description="One person's calibrated result in a session, beside the computed.")
class CalibrationChange:
    row: strawberry.Private[m.CalibrationChange]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("CalibrationChange", self.row.id))

    @strawberry.field
    def score_id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("Score", self.row.score_id))

    @strawberry.field
    def employee(self, info: Info) -> Employee | None:
        return employee_ref(info, self.row.employee_id)

    @strawberry.field
    async def computed_grade(self, info: Info) -> GradeBand | None:
        return await _band(info, self.row.company_id, self.row.original_grade)

    @strawberry.field
    def computed_total(self) -> Decimal | None:
        return self.row.original_total

    @strawberry.field
    async def grade(self, info: Info) -> GradeBand | None:
        return await _band(info, self.row.company_id, self.row.grade)

    @strawberry.field(description="The calibrated total; null: the computed total stands.")
    def total(self) -> Decimal | None:
        return self.row.total

    @strawberry.field
    def reason(self) -> str:
        return self.row.reason

    @strawberry.field(description="Counts changes of this person: send it back to change again.")
    def revision(self) -> int:
        return self.row.revision

    @strawberry.field
    def changed_by(self, info: Info) -> Employee | None:
        return employee_ref(info, self.row.changed_by)

    @strawberry.field
    def changed_at(self) -> datetime:
        return self.row.changed_at


@strawberry.type(description="A person in a session's scope: computed and calibrated result.")
class CalibrationEntry:
    entry: strawberry.Private[Entry]

    @strawberry.field
    def score_id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("Score", self.entry.score.id))

    @strawberry.field
    def employee(self, info: Info) -> Employee | None:
        return employee_ref(info, self.entry.score.employee_id)

    @strawberry.field
    def department(self, info: Info) -> Department | None:
        return department_ref(info, self.entry.score.department_id)

    @strawberry.field
    async def computed_grade(self, info: Info) -> GradeBand | None:
        score = self.entry.score
        change = self.entry.change
        key = score.grade if change is None else change.original_grade
        return await _band(info, score.company_id, key)

    @strawberry.field
    def computed_total(self) -> Decimal | None:
        change = self.entry.change
        return self.entry.score.total if change is None else change.original_total

    @strawberry.field(description="The calibrated grade (the computed one when unchanged).")
    async def grade(self, info: Info) -> GradeBand | None:
        score, change = self.entry.score, self.entry.change
        return await _band(info, score.company_id, score.grade if change is None else change.grade)

    @strawberry.field(description="The calibrated total (the computed one when unchanged).")
    def total(self) -> Decimal | None:
        score, change = self.entry.score, self.entry.change
        if change is None:
            return score.total
        return change.original_total if change.total is None else change.total

    @strawberry.field
    def change(self) -> CalibrationChange | None:
        return None if self.entry.change is None else CalibrationChange(row=self.entry.change)


@strawberry.type
class CalibrationEntryEdge:
    cursor: str
    node: CalibrationEntry


@strawberry.type
class CalibrationEntryConnection:
    edges: list[CalibrationEntryEdge]
    page_info: relay.PageInfo


@strawberry.type(description="One grade in one group: calibrated and computed counts.")
class DistributionGrade:
    grade: GradeBand
    count: int
    computed_count: int
    share: Decimal | None = strawberry.field(
        description="Percent of the group; null in a group below the minimum size"
    )
    min_count: int | None = strawberry.field(description="The guideline's range in heads")
    max_count: int | None
    target_count: int | None = strawberry.field(
        description="From the target shares by largest remainder"
    )
    status: GuidelineStatus


@strawberry.type(description="The distribution of one group (over its subtree).")
class DistributionGroup:
    kind: CalibrationGroupKind
    department_id: strawberry.Private[UUID | None]
    name: str
    headcount: int = strawberry.field(description="People with a grade")
    ungraded: int
    masked: bool = strawberry.field(
        description="Smaller than the minimum group size: counts only, no shares or averages"
    )
    average: Decimal | None
    computed_average: Decimal | None
    within_guideline: bool | None = strawberry.field(
        description="Null when unchecked (a masked group)"
    )
    grades: list[DistributionGrade]

    @strawberry.field
    def department(self, info: Info) -> Department | None:
        return None if self.department_id is None else department_ref(info, self.department_id)


@strawberry.type
class CalibrationDistribution:
    guideline: CalibrationGuideline
    scope: DistributionGroup
    divisions: list[DistributionGroup]
    departments: list[DistributionGroup]


async def group_of(info: Info, company_id: UUID, group: d.Group) -> DistributionGroup:
    counted = [
        DistributionGrade(
            grade=await _band(info, company_id, g.check.grade)
            or GradeBand.of(
                grades.GradeBand(g.check.grade, None, g.check.grade, g.check.grade),
                info.context.lang,
            ),
            count=g.check.count,
            computed_count=g.computed,
            share=g.share,
            min_count=g.check.low,
            max_count=g.check.high,
            target_count=g.check.target,
            status=g.check.status,
        )
        for g in group.grades
    ]
    return DistributionGroup(
        kind=group.kind,
        department_id=group.department_id,
        name=group.name,
        headcount=group.headcount,
        ungraded=group.ungraded,
        masked=group.masked,
        average=group.average,
        computed_average=group.computed_average,
        within_guideline=None if group.masked else not group.breaches,
        grades=counted,
    )


@strawberry.type(description="A calibration session over one plan's finalized results.")
class CalibrationSession(relay.Node):
    id: relay.NodeID[str]
    row: strawberry.Private[m.CalibrationSession]

    @classmethod
    def of(cls, row: m.CalibrationSession) -> CalibrationSession:
        return cls(id=str(row.id), row=row)

    @strawberry.field
    def plan_id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("Plan", self.row.plan_id))

    @strawberry.field
    def scope(self) -> CalibrationScope:
        return CalibrationScope(self.row.scope)

    @strawberry.field(description="The scope's division or department; null for the company.")
    def department(self, info: Info) -> Department | None:
        if self.row.department_id is None:
            return None
        return department_ref(info, self.row.department_id)

    @strawberry.field
    def state(self) -> CalibrationState:
        return CalibrationState(self.row.state)

    @strawberry.field
    def revision(self) -> int:
        return self.row.revision

    @strawberry.field
    def opened_by(self, info: Info) -> Employee | None:
        return employee_ref(info, self.row.opened_by)

    @strawberry.field
    def opened_at(self) -> datetime:
        return self.row.opened_at

    @strawberry.field
    def locked_by(self, info: Info) -> Employee | None:
        return employee_ref(info, self.row.locked_by)

    @strawberry.field
    def locked_at(self) -> datetime | None:
        return self.row.locked_at
