"""A year of plausible history for a company: ``generate_history``.

For each of the last ``months`` months (the newest is the one before today's): a company
plan carrying the company goals (for the VPs and the executive office) and a plan per
department with its kind's indicators plus the goals (a few departments miss one), every
active person assigned, actuals recorded, self and manager evaluations, scores from the
real engine (frozen for past months), results released, a locked calibration session in a
few months; then the time clock's attendance rates, a few appeals, and one run of the
reminder engine. All figures come from one seeded generator (history_model.py), so every
load writes the same history; rows are written in bulk, a handful of statements per month.

Works for a company of any shape: it reads the org chart from the database (the demo
tenants, or a benchmark's 10,000-person company).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from uuid import UUID

from tortoise.transactions import in_transaction

from server.demo.history_extras import Staff, appeals, attendance_facts, reminders
from server.demo.history_model import (
    NOT_PLANNED,
    SERVICE_KIND,
    Model,
    Person,
    company_measures,
    department_measures,
)
from server.demo.history_rows import (
    Month,
    PlanSpec,
    Roles,
    month_end,
    month_start,
    write_plans,
    write_work,
)
from server.demo.history_scores import calibrate, release, release_time, score_month
from server.models import Company, Department, Employee, Plan, RoleAssignment
from server.scoring import sql
from server.vocabulary import PeriodKind, PlanLevel, PlanState

Progress = Callable[[str, int], None]
EXTRA_STEPS = 1  # attendance, appeals and reminders, after the months
CALIBRATED_BACK = (2, 5, 8)  # months before the newest with a calibration session
SHOCK_BACK = 4  # the month (before the newest) the largest sales department has a bad one


def history_steps(months: int = 12) -> int:
    """The progress steps ``generate_history`` reports for one company."""
    return months + EXTRA_STEPS


@dataclass(frozen=True)
class Summary:
    plans: int
    scores: int
    calibration_changes: int
    facts: int
    appeals: int
    notifications: int


@dataclass
class Org:
    company: Company
    roles: Roles
    root: UUID
    departments: dict[UUID, Department]
    people: list[Employee]
    divisions: dict[UUID, tuple[UUID, UUID]]  # department -> (division, its VP)


async def has_history(company_id: UUID) -> bool:
    return await Plan.exists(company_id=company_id, period_kind=PeriodKind.MONTH.value)


async def _org(company_id: UUID) -> Org:
    company = await Company.get(id=company_id)
    departments = {d.id: d for d in await Department.filter(company_id=company_id, is_active=True)}
    people = await Employee.filter(company_id=company_id, is_active=True).order_by(
        "employee_number", "id"
    )
    root = next(d.id for d in departments.values() if d.parent_id is None)
    holders: dict[str, UUID] = {}
    for role, who in (
        await RoleAssignment.filter(company_id=company_id)
        .order_by("employee_id")
        .values_list("role", "employee_id")
    ):
        holders.setdefault(role, who)
    gm = holders.get("gm") or departments[root].manager_id or people[0].id
    hr_vp = holders.get("hr_vp", gm)
    roles = Roles(perf=holders.get("perf_admin", hr_vp), hr_vp=hr_vp, gm=gm)
    divisions: dict[UUID, tuple[UUID, UUID]] = {}
    for d in departments.values():
        if d.parent_id == root and d.manager_id is not None:
            divisions[d.id] = (d.id, d.manager_id)
    for d in departments.values():
        if d.parent_id is not None and d.parent_id in divisions:
            divisions[d.id] = divisions[d.parent_id]
    return Org(company, roles, root, departments, people, divisions)


def _months(today: date, count: int) -> list[Month]:
    found = []
    for n in range(count):
        back = count - n
        start = month_start(today, back)
        if back == 1:
            state = PlanState.EVALUATING
        elif back == 2:
            state = PlanState.FINALIZED
        else:
            state = PlanState.CLOSED
        found.append(Month(n, start, month_end(start), state, current=back == 1))
    return found


def _plans(org: Org, label: str) -> list[PlanSpec]:
    """The month's plans: the company's, and one per department with people in it."""
    company = PlanSpec(
        org.root,
        f"{org.company.name_zh} {label} 公司级绩效计划",
        PlanLevel.COMPANY,
        company_measures(),
        [],
    )
    by_department: dict[UUID, PlanSpec] = {}
    planned = sorted(
        (d for d in org.departments.values() if d.kind not in NOT_PLANNED), key=lambda d: d.name
    )
    for n, d in enumerate(planned):
        # About one department in seven leaves out a company goal (the dashboard's alignment).
        missing = {3: "cost_control", 6: "key_tasks"}.get(n % 7)
        by_department[d.id] = PlanSpec(
            d.id,
            f"{d.name} {label} 月度绩效计划",
            PlanLevel.DEPARTMENT,
            department_measures(d.kind, missing),
            [],
        )
    for e in org.people:
        if e.manager_id is None:  # the general manager: nobody evaluates him
            continue
        spec = by_department.get(e.department_id, company)
        kind = org.departments[e.department_id].kind if spec is not company else "company"
        spec.people.append(Person(e.id, e.department_id, e.manager_id, kind))
    return [s for s in (company, *by_department.values()) if s.people]


def _raters(org: Org) -> tuple[UUID | None, UUID | None]:
    """The lenient and the severe manager: the two department managers (outside customer
    service, whose figures carry their own planted effect) with the most people."""
    reports = Counter(e.manager_id for e in org.people if e.manager_id is not None)
    managers = sorted(
        {
            d.manager_id
            for d in org.departments.values()
            if d.kind not in NOT_PLANNED and d.kind != SERVICE_KIND and d.manager_id is not None
        },
        key=lambda m: (-reports[m], str(m)),
    )
    chosen = [m for m in managers if reports[m] >= 5][:2]
    return (chosen[0] if chosen else None, chosen[1] if len(chosen) > 1 else None)


def _evaluated(
    month: Month, people: list[Person], rng: random.Random
) -> dict[UUID, tuple[bool, bool]]:
    """Past months: everyone's evaluations submitted. The current month: most people have
    submitted their self-evaluation, about half of the managers have rated."""
    if not month.current:
        return {p.id: (True, True) for p in people}
    found: dict[UUID, tuple[bool, bool]] = {}
    for p in people:
        draw = rng.random()
        if draw < 0.1:
            continue
        self_done = draw < 0.8
        found[p.id] = (self_done, self_done and rng.random() < 0.6)
    return found


async def generate_history(
    company_id: UUID,
    months: int = 12,
    *,
    seed: str,
    progress: Progress | None = None,
    today: date | None = None,
) -> Summary | None:
    """Write ``months`` months of history for the company (None, and nothing written, when
    it has monthly plans already), in one transaction."""
    if months < 1:
        raise ValueError("months must be at least 1")
    if await has_history(company_id):
        return None
    now = datetime.now(UTC)
    today = today or now.date()
    org = await _org(company_id)
    calendar_ = _months(today, months)
    rng = random.Random(f"jixiao-demo-history-rows:{seed}")
    month_plans = [_plans(org, m.label) for m in calendar_]
    people = {p.id: p for spec in month_plans[-1] for p in spec.people}
    numeric = {
        p.id: [m for m, _ in spec.measures if not m.qualitative]
        for spec in month_plans[-1]
        for p in spec.people
    }
    lenient, severe = _raters(org)
    model = Model(list(people.values()), months, seed, lenient, severe)
    model.calendar = [m.start.month for m in calendar_]
    sales = [d for d in org.departments.values() if d.kind == "sales"]
    if sales and months > SHOCK_BACK:
        biggest = max(
            sales, key=lambda d: (sum(p.department_id == d.id for p in people.values()), d.name)
        )
        model.shocks[(biggest.id, months - SHOCK_BACK)] = -1.6
    model.draw(numeric)
    plans = scores = changes = 0
    async with in_transaction(sql.connection_name()):
        for month, specs in zip(calendar_, month_plans, strict=True):
            await write_plans(company_id, month, specs, org.roles, org.divisions)
            figures = {pid: model.figures[(month.index, pid)] for pid in people}
            await write_work(
                company_id,
                month,
                specs,
                figures,
                _evaluated(month, [p for s in specs for p in s.people], rng),
            )
            scores += await score_month(company_id, month, specs, org.roles)
            if not month.current:
                if months - month.index in CALIBRATED_BACK:
                    changes += await calibrate(company_id, month, specs, org.roles, rng)
                await release(company_id, month, specs, org.roles, latest=month.index == months - 2)
            plans += len(specs)
            if progress:
                progress(f"history {org.company.slug} {month.label}", 1)
        staff = [Staff(e.id, e.employee_number) for e in org.people]
        facts = await attendance_facts(company_id, calendar_, staff, rng)
        raised = 0
        if months >= 2:
            latest = calendar_[-2]
            supervisors = {d: v for d, (_, v) in org.divisions.items()}
            raised = await appeals(
                company_id, latest, release_time(latest, True), supervisors, org.roles, now
            )
        notified = await reminders(company_id, now)
    if progress:
        progress(f"history {org.company.slug}: attendance, appeals, reminders", EXTRA_STEPS)
    return Summary(plans, scores, changes, facts, raised, notified)
