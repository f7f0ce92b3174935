"""The grade distribution of a session: its whole scope, each division and each department
in it, computed and calibrated, against the tenant's guideline.

One statement reads the scope's scores grouped by (department, computed grade, calibrated
grade) with their totals' sums, the session's changes joined in (the computed values are
the change's originals where there is one: once locked, the score holds the calibrated);
the org tree then rolls the department rows up into each group (a division or department
counts its subtree). A group smaller than the guideline's minimum size shows counts only:
no shares, no averages, and it is not checked.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from server.audit import Actor
from server.calibration.guideline import GradeCheck, Guideline, check_group
from server.calibration.sessions import Scope, get_session, scope_of
from server.calibration.settings import load_guideline
from server.calibration.vocabulary import CalibrationGroupKind, GuidelineStatus
from server.models import CalibrationSession
from server.org_tree import OrgChart, org_chart
from server.scoring import sql
from server.scoring.settings import load_setup
from server.vocabulary import DepartmentKind

UNITS = Decimal(10) ** 6  # a score's total is stored in millionths (ScaledDecimalField)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class GradeCount:
    check: GradeCheck  # the calibrated count against the guideline
    computed: int  # the count before calibration
    share: Decimal | None  # calibrated, percent of the group; None in a small group


@dataclass(frozen=True)
class Group:
    kind: CalibrationGroupKind
    department_id: UUID | None
    name: str
    headcount: int  # graded people
    ungraded: int  # people without a grade (an incomplete score)
    masked: bool  # smaller than the minimum group size: counts only
    average: Decimal | None  # calibrated total, over people with a total
    computed_average: Decimal | None
    grades: tuple[GradeCount, ...]

    @property
    def breaches(self) -> list[GradeCheck]:
        return [
            g.check
            for g in self.grades
            if g.check.status in (GuidelineStatus.ABOVE, GuidelineStatus.BELOW)
        ]


@dataclass(frozen=True)
class Distribution:
    guideline: Guideline
    scope: Group
    divisions: tuple[Group, ...]
    departments: tuple[Group, ...]

    @property
    def groups(self) -> tuple[Group, ...]:
        return (self.scope, *self.divisions, *self.departments)


@dataclass
class _Tally:
    computed: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    calibrated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    ungraded: int = 0
    totals: int = 0  # people with a total
    computed_sum: Decimal = Decimal(0)
    calibrated_sum: Decimal = Decimal(0)

    def add(self, other: _Tally) -> None:
        for grade, n in other.computed.items():
            self.computed[grade] += n
        for grade, n in other.calibrated.items():
            self.calibrated[grade] += n
        self.ungraded += other.ungraded
        self.totals += other.totals
        self.computed_sum += other.computed_sum
        self.calibrated_sum += other.calibrated_sum


def _statement(dialect: str, scoped: bool) -> str:
    where = ' AND s."department_id" ' + (
        "= ANY(?::uuid[])" if dialect == "postgres" else "IN (SELECT value FROM json_each(?))"
    )
    return (
        'SELECT s."department_id", COALESCE(c."original_grade", s."grade"), c."grade", '
        'COUNT(*), COUNT(COALESCE(c."total", s."total")), '
        'SUM(COALESCE(c."original_total", s."total")), SUM(COALESCE(c."total", s."total")) '
        'FROM "score" AS s LEFT JOIN "calibration_change" AS c '
        'ON c."score_id" = s."id" AND c."session_id" = ? '
        'WHERE s."company_id" = ? AND s."plan_id" = ?'
        f"{where if scoped else ''} "
        "GROUP BY 1, 2, 3"
    )


async def _tallies(session: CalibrationSession, scope: Scope) -> dict[UUID, _Tally]:
    """Per department of the scope: its people's grades and totals, as one statement."""
    name = sql.dialect(sql.client())
    params: list[Any] = [
        sql.uuid_param(session.id, name),
        sql.uuid_param(session.company_id, name),
        sql.uuid_param(session.plan_id, name),
    ]
    if scope.departments is not None:
        params.append(sql.ids_param(scope.departments, name))
    rows = await sql.fetch(_statement(name, scope.departments is not None), params)
    found: dict[UUID, _Tally] = defaultdict(_Tally)
    for dept, computed, calibrated, people, with_total, computed_sum, calibrated_sum in rows:
        tally = found[sql.as_uuid(dept)]
        grade = calibrated or computed
        if computed is not None:
            tally.computed[str(computed)] += int(people)
        if grade is None:
            tally.ungraded += int(people)
        else:
            tally.calibrated[str(grade)] += int(people)
        tally.totals += int(with_total)
        tally.computed_sum += Decimal(str(computed_sum or 0))
        tally.calibrated_sum += Decimal(str(calibrated_sum or 0))
    return found


def _average(units: Decimal, people: int) -> Decimal | None:
    if not people:
        return None
    return (units / UNITS / people).quantize(CENT)


def _group(
    kind: CalibrationGroupKind,
    department_id: UUID | None,
    name: str,
    tally: _Tally,
    guideline: Guideline,
    grades: list[str],
) -> Group:
    headcount = sum(tally.calibrated.values())
    masked = headcount < guideline.min_group_size
    checks = check_group(guideline, grades, tally.calibrated)
    counted = tuple(
        GradeCount(
            c,
            tally.computed.get(c.grade, 0),
            None if masked or not headcount else (c.count * HUNDRED / headcount).quantize(CENT),
        )
        for c in checks
    )
    return Group(
        kind,
        department_id,
        name,
        headcount,
        tally.ungraded,
        masked,
        None if masked else _average(tally.calibrated_sum, tally.totals),
        None if masked else _average(tally.computed_sum, tally.totals),
        counted,
    )


def _roll_up(
    chart: OrgChart, scope: Scope, tallies: dict[UUID, _Tally]
) -> tuple[_Tally, dict[UUID, _Tally]]:
    """The scope's tally, and each department's over its subtree (within the scope)."""
    whole = _Tally()
    per: dict[UUID, _Tally] = defaultdict(_Tally)
    for dept, tally in tallies.items():
        whole.add(tally)
        for above in chart.tree.chain(dept):
            if not scope.covers(above):
                break
            per[above].add(tally)
    return whole, per


async def distribution_of(session: CalibrationSession) -> Distribution:
    chart = await org_chart(session.company_id)
    scope = await scope_of(session, chart)
    guideline, _ = await load_guideline(session.company_id)
    bands = [b.key for b in (await load_setup(session.company_id)).grade_bands]
    whole, per = _roll_up(chart, scope, await _tallies(session, scope))
    seen = set(whole.calibrated) | set(whole.computed)
    grades = bands + sorted(seen - set(bands))  # a grade of older bands still shows
    divisions: list[Group] = []
    departments: list[Group] = []
    named = [(chart.departments[d], t) for d, t in per.items() if d in chart.departments]
    for row, tally in sorted(named, key=lambda pair: (pair[0].name, str(pair[0].id))):
        dept_id = row.id
        if dept_id == scope.root:
            continue  # the scope itself
        if row.kind == DepartmentKind.DIVISION.value:
            divisions.append(
                _group(CalibrationGroupKind.DIVISION, dept_id, row.name, tally, guideline, grades)
            )
        elif row.kind != DepartmentKind.EXECUTIVE.value:
            departments.append(
                _group(CalibrationGroupKind.DEPARTMENT, dept_id, row.name, tally, guideline, grades)
            )
    top = _group(CalibrationGroupKind.SCOPE, scope.root, scope.name, whole, guideline, grades)
    return Distribution(guideline, top, tuple(divisions), tuple(departments))


async def session_distribution(actor: Actor, session_id: UUID) -> Distribution:
    return await distribution_of(await get_session(actor, session_id))
