"""One month of demo history as rows: plans with their version, indicators, sign-offs and
transitions, then assignments, actuals and evaluations. Bulk inserts only (a handful of
statements per month, whatever the company's size); the scores come from the engine
afterwards (history_scores.py).
"""

from __future__ import annotations

import calendar
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from server.assignments.rows import AssignedItem
from server.demo.history_model import Figures, Measure, Person
from server.demo.history_sql import insert
from server.models import (
    Actual,
    ActualRevision,
    Assignment,
    Evaluation,
    Indicator,
    Plan,
    PlanApproval,
    PlanTransition,
    PlanVersion,
)
from server.plans.validation import PlanData
from server.scoring import sql
from server.scoring.vocabulary import ActualSource, EvaluationKind, EvaluationState
from server.vocabulary import PeriodKind, PlanLevel, PlanState

BATCH = 500
# The steps from a draft to each state, with who takes them ("perf", "hr_vp", "vp", "gm").
PATH = (
    ("draft", "submitted", "submit", "perf"),
    ("submitted", "in_review", "start_review", "hr_vp"),
    ("in_review", "approved", "approve", "hr_vp"),
    ("approved", "filed", "file", "perf"),
    ("filed", "active", "acknowledge", "gm"),
    ("active", "evaluating", "start_evaluation", "perf"),
    ("evaluating", "finalized", "finalize", "perf"),
    ("finalized", "closed", "close", "perf"),
)
SELF_COMMENTS = (
    "本月目标基本完成，下月继续努力。 Targets mostly met; more next month.",
    "客户跟进比计划慢，已调整节奏。 Follow-ups ran late; pace adjusted.",
    "重点项目按期推进。 Key project on schedule.",
)
MANAGER_COMMENTS = (
    "表现稳定，注意细节。 Steady; mind the details.",
    "主动性强，值得肯定。 Shows initiative.",
    "需加强跨部门协作。 Needs more cross-team work.",
)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def month_start(anchor: date, back: int) -> date:
    """The first day of the month ``back`` months before ``anchor``'s."""
    index = anchor.year * 12 + anchor.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def month_end(start: date) -> date:
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])


@dataclass
class PlanSpec:
    """One plan of the month: who it covers and is assigned to, and its indicators."""

    department_id: UUID  # the root for the company-level plan
    name: str
    level: PlanLevel
    measures: list[tuple[Measure, int]]
    people: list[Person]
    id: UUID = field(default_factory=uuid.uuid4)


@dataclass(frozen=True)
class Roles:
    perf: UUID
    hr_vp: UUID
    gm: UUID


@dataclass(frozen=True)
class Month:
    index: int
    start: date
    end: date
    state: PlanState
    current: bool  # the month being evaluated now: partly evaluated, scores live

    @property
    def label(self) -> str:
        return self.start.strftime("%Y-%m")


def plan_data(spec: PlanSpec, month: Month) -> PlanData:
    return PlanData(
        name=spec.name,
        level=spec.level.value,
        period_kind=PeriodKind.MONTH.value,
        period_start=month.start,
        period_end=month.end,
        submission_due=month.start - timedelta(days=6),
        review_due=month.start - timedelta(days=1),
        self_evaluation_due=month.end,
        manager_evaluation_due=month.end + timedelta(days=5),
        department_ids=(spec.department_id,),
        indicators=tuple(m.spec(w) for m, w in spec.measures),
    )


async def write_plans(
    company_id: UUID,
    month: Month,
    specs: list[PlanSpec],
    roles: Roles,
    divisions: dict[UUID, tuple[UUID, UUID]],
) -> None:
    """The month's plans in their state, each with version 1, its indicators, sign-offs and
    the transitions that brought it there. ``divisions``: department -> (its division, the
    division's VP), whose sign-off its plan needs (every VP's for the company plan)."""
    created = at(month.start - timedelta(days=10))
    steps = [s for s in PATH if _reached(s[1], month.state)]
    plans, versions, indicators, approvals, transitions = [], [], [], [], []
    for spec in specs:
        data = plan_data(spec, month)
        plans.append(
            dict(
                id=spec.id,
                company_id=company_id,
                name=spec.name,
                level=spec.level.value,
                period_kind=data.period_kind,
                period_start=data.period_start,
                period_end=data.period_end,
                submission_due=data.submission_due,
                review_due=data.review_due,
                self_evaluation_due=data.self_evaluation_due,
                manager_evaluation_due=data.manager_evaluation_due,
                state=month.state.value,
                version=1,
                created_by=roles.perf,
                created_at=created,
            )
        )
        versions.append(
            dict(
                plan_id=spec.id,
                company_id=company_id,
                number=1,
                content=data.content(),
                author_id=roles.perf,
                comment="created",
                created_at=created,
            )
        )
        indicators += [
            dict(
                plan_id=spec.id,
                company_id=company_id,
                version=1,
                key=item.key,
                position=position,
                name=item.name,
                unit=item.unit,
                weight=item.weight,
                target=item.target,
                direction=item.scoring.direction.value,
                data_source=item.data_source,
                scoring=item.scoring.to_json(),
                qualitative=item.qualitative,
            )
            for position, item in enumerate(data.indicators)
        ]
        division = divisions.get(spec.department_id)
        vp = None if division is None else division[1]
        signers: list[tuple[str, UUID | None, UUID]] = [("hr_vp", None, roles.hr_vp)]
        if spec.level is PlanLevel.COMPANY:
            every = sorted(set(divisions.values()), key=str)
            signers += [("vp", d, v) for d, v in every]
            signers.append(("gm", None, roles.gm))
        elif division is not None:
            signers.append(("vp", division[0], division[1]))
        approved = at(month.start - timedelta(days=2))
        approvals += [
            dict(
                plan_id=spec.id,
                company_id=company_id,
                role=role,
                department_id=department,
                approver_id=who,
                approved_version=1,
                approved_at=approved,
            )
            for role, department, who in signers
        ]
        actor = {"perf": roles.perf, "hr_vp": roles.hr_vp, "gm": roles.gm, "vp": vp or roles.hr_vp}
        transitions += [
            dict(
                plan_id=spec.id,
                company_id=company_id,
                from_state=source,
                to_state=target,
                action=action,
                actor_id=actor[who],
                at=_step_time(month, n),
            )
            for n, (source, target, action, who) in enumerate(steps)
        ]
    await insert(Plan, plans)
    await _link_departments(specs)
    await insert(PlanVersion, versions)
    await insert(Indicator, indicators)
    await insert(PlanApproval, approvals)
    await insert(PlanTransition, transitions)


def _reached(state: str, final: PlanState) -> bool:
    order = [s[1] for s in PATH]
    return order.index(state) <= order.index(final.value)


def _step_time(month: Month, n: int) -> datetime:
    """Submit, review, approve, file, acknowledge before the month; evaluation and closing
    after it."""
    before = [-9, -7, -3, -2, -1]
    if n < len(before):
        return at(month.start + timedelta(days=before[n]))
    return at(month.end + timedelta(days=[1, 9, 20][n - len(before)]))


async def _link_departments(specs: list[PlanSpec]) -> None:
    db = sql.client()
    name = sql.dialect(db)
    statement = sql.numbered(
        'INSERT INTO "plan_department" ("plan_id", "department_id") VALUES (?, ?)', name
    )
    await db.execute_many(
        statement,
        [[sql.uuid_param(s.id, name), sql.uuid_param(s.department_id, name)] for s in specs],
    )


def _stored(measures: list[tuple[Measure, int]]) -> list[dict[str, Any]]:
    return [AssignedItem(m.spec(w)).to_json() for m, w in measures]


@dataclass
class Written:
    """What scoring and the later steps need of a month: assignment ids per person."""

    assignments: dict[UUID, UUID] = field(default_factory=dict)  # employee -> assignment
    plan_of: dict[UUID, UUID] = field(default_factory=dict)  # employee -> plan


async def write_work(
    company_id: UUID,
    month: Month,
    specs: list[PlanSpec],
    figures: dict[UUID, Figures],
    evaluated: dict[UUID, tuple[bool, bool]],
) -> Written:
    """Assignments, actuals (recorded by the manager), and the self and manager evaluations
    (``evaluated``: per person, whether each is submitted; absent: not started)."""
    written = Written()
    assignments, actuals, revisions, evaluations = [], [], [], []
    recorded = at(month.end + timedelta(days=2))
    for spec in specs:
        items = _stored(spec.measures)
        for person in spec.people:
            aid = uuid.uuid4()
            written.assignments[person.id] = aid
            written.plan_of[person.id] = spec.id
            place = {
                "plan_id": spec.id,
                "employee_id": person.id,
                "department_id": person.department_id,
                "manager_id": person.manager_id,
            }
            assignments.append(
                dict(
                    id=aid,
                    company_id=company_id,
                    indicators=items,
                    revision=1,
                    assigned_by=person.manager_id,
                    created_at=at(month.start),
                    **place,
                )
            )
            mine = figures[person.id]
            for measure, _ in spec.measures:
                if measure.qualitative:
                    continue
                value = measure.actual(mine.achievements[measure.code])
                actual_id = uuid.uuid4()
                common = {
                    "company_id": company_id,
                    "value": value,
                    "source": ActualSource.MANUAL.value,
                    "set_by": person.manager_id,
                    "set_at": recorded,
                }
                actuals.append(
                    dict(
                        id=actual_id,
                        assignment_id=aid,
                        indicator_key=measure.code,
                        revision=1,
                        **place,
                        **common,
                    )
                )
                revisions.append(dict(actual_id=actual_id, revision=1, **common))
            states = evaluated.get(person.id)
            if states is None:
                continue
            evaluations += _evaluations(company_id, aid, place, spec, mine, states, month)
    await insert(Assignment, assignments)
    await insert(Actual, actuals)
    await insert(ActualRevision, revisions)
    await insert(Evaluation, evaluations)
    return written


def _evaluations(
    company_id: UUID,
    assignment_id: UUID,
    place: dict[str, Any],
    spec: PlanSpec,
    mine: Figures,
    states: tuple[bool, bool],
    month: Month,
) -> list[dict[str, Any]]:
    self_done, manager_done = states
    pick = int(abs(mine.latent) * 1000)
    claims: dict[str, Any] = {}
    for measure, _ in spec.measures:
        if measure.qualitative:
            continue
        # A person claims a little more than his manager recorded.
        claimed = measure.actual(mine.achievements[measure.code] + mine.optimism)
        claims[measure.code] = {"comment": "", "value": format(claimed, "f")}
    rows = [
        dict(
            company_id=company_id,
            assignment_id=assignment_id,
            kind=EvaluationKind.SELF.value,
            state=(EvaluationState.SUBMITTED if self_done else EvaluationState.DRAFT).value,
            items=claims,
            overall_comment=SELF_COMMENTS[pick % len(SELF_COMMENTS)],
            author_id=place["employee_id"],
            submitted_at=at(month.end - timedelta(days=1)) if self_done else None,
            **place,
        )
    ]
    if manager_done:
        ratings = {
            m.code: {"comment": "", "rating": mine.rating}
            for m, _ in spec.measures
            if m.qualitative
        }
        rows.append(
            dict(
                company_id=company_id,
                assignment_id=assignment_id,
                kind=EvaluationKind.MANAGER.value,
                state=EvaluationState.SUBMITTED.value,
                items=ratings,
                overall_comment=MANAGER_COMMENTS[pick // 7 % len(MANAGER_COMMENTS)],
                overall_rating=mine.overall,
                author_id=place["manager_id"],
                submitted_at=at(month.end + timedelta(days=4)),
                **place,
            )
        )
    return rows
