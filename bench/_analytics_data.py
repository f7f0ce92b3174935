"""Data for ``bench_analytics``: a scaled tenant with 12 months of finished performance cycles.

Per tenant (the org of ``bench_scale_data``, under its own slug so two tenants can share one
database): 12 monthly company plans (December 2025 to November 2026) over the root department,
each with the 8 indicators of ``_scores_data`` (all manual here), and per person and month an
assignment, 8 actuals, a submitted self- and manager evaluation with an overall rating, and one
``attendance.rate`` fact for the month (what an attendance connector's sync would average to).
The org is written with ``bulk_create``, the monthly rows as tuples (``_analytics_rows``); the
scores are then computed and frozen by the app's own ``freeze_plan`` (the FINALIZE step), the
last three plans get a locked company calibration session with a few changed grades
(``open_session``/``change_grade``/``lock_session``), and the older plans are closed with
their results released.

The values carry a little structure so the analytics have something to find: a person's
ability (seeded per person) moves his actuals, his attendance and his self-rating; a
department's effect and a manager's leniency move the manager's rating.
"""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from tortoise.transactions import in_transaction

from server.audit import Actor
from server.calibration.changes import change_grade
from server.calibration.locking import lock_session
from server.calibration.sessions import open_session
from server.calibration.vocabulary import CalibrationScope
from server.models import (
    Company,
    ConnectorConfig,
    Department,
    Employee,
    Plan,
    ResultsRelease,
    RoleAssignment,
    Score,
)
from server.plans.validation import PlanData, check_plan
from server.plans.versions import write_version
from server.runtime import Runtime
from server.scoring.freezing import freeze_plan

try:
    from bench import _analytics_rows as rows
    from bench import _scores_data as scores_data
    from bench.bench_scale_data import SLUG, ScaleOrg
except ImportError:  # run as a script: bench/ itself is on sys.path
    import _analytics_rows as rows  # type: ignore[no-redef]
    import _scores_data as scores_data  # type: ignore[no-redef]
    from bench_scale_data import SLUG, ScaleOrg

CHUNK = 1000
MONTHS = 12
FIRST_MONTH = date(2025, 12, 1)
ATTENDANCE = "attendance.rate"
CALIBRATED_PLANS = 3  # the last plans get a locked company session
GRADES = ("excellent", "good", "pass", "fail")


def month_spans(first: date = FIRST_MONTH, count: int = MONTHS) -> list[tuple[date, date]]:
    spans = []
    start = first
    for _ in range(count):
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        spans.append((start, following - timedelta(days=1)))
        start = following
    return spans


@dataclass
class Tenant:
    slug: str
    org: ScaleOrg
    company_id: UUID = field(default_factory=uuid.uuid4)
    plans: list[Plan] = field(default_factory=list)
    spans: list[tuple[date, date]] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    freezing: float = 0.0  # of ``seconds``, in ``freeze_plan``

    @property
    def divisions(self) -> list[UUID]:
        return [d.id for d in self.org.departments if d.kind == "division"]

    def username(self, role: str) -> str:
        return self.org.sign_in[role]

    def count(self, table: str, n: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + n


def renamed(org: ScaleOrg, slug: str) -> ScaleOrg:
    """The org with its log-ins under ``slug`` (usernames are unique across tenants)."""
    if slug == SLUG:
        return org
    for p in org.people:
        p.username = p.username.replace(f"@{SLUG}", f"@{slug}")
        p.email = p.email.replace(f"@{SLUG}.", f"@{slug}.")
    org.sign_in = {k: v.replace(f"@{SLUG}", f"@{slug}") for k, v in org.sign_in.items()}
    return org


async def chunks(model: Any, rows: list[Any]) -> int:
    for i in range(0, len(rows), CHUNK):
        await model.bulk_create(rows[i : i + CHUNK])
    return len(rows)


async def load_org(tenant: Tenant, password_hash: str) -> None:
    """The org as ``bench_scale_data.load_scale_org`` writes it, under the tenant's slug."""
    org = tenant.org
    async with in_transaction():
        await Company.create(
            id=tenant.company_id,
            slug=tenant.slug,
            name=f"Analytics {tenant.slug}",
            name_zh="分析工业",
            timezone="Asia/Shanghai",
        )
        c = tenant.company_id
        await chunks(
            Department,
            [
                Department(
                    id=d.id,
                    company_id=c,
                    parent_id=d.parent_id,
                    name=d.name,
                    kind=d.kind,
                    manager_id=d.manager_id,
                    supervisor_id=d.supervisor_id,
                )
                for d in org.departments
            ],
        )
        fields_of = ("username", "name", "title", "employee_number", "department_id", "manager_id")
        await chunks(
            Employee,
            [
                Employee(
                    id=p.id,
                    company_id=c,
                    password_hash=password_hash,
                    phone=p.phone,
                    email=p.email,
                    hire_date=p.hire_date,
                    **{f: getattr(p, f) for f in fields_of},
                )
                for p in org.people
            ],
        )
        await chunks(
            RoleAssignment,
            [
                RoleAssignment(company_id=c, employee_id=e, role=role, department_id=d)
                for e, role, d in org.roles
            ],
        )


async def month_plan(
    runtime: Runtime, tenant: Tenant, author: UUID, root: UUID, span: tuple[date, date]
) -> tuple[Plan, list[dict[str, Any]]]:
    """An ACTIVE company plan for the month, and its indicators as an assignment stores them."""
    start, end = span
    specs = [replace(s, data_source="manual") for s in scores_data.specs(8)]
    checked = check_plan(
        PlanData(
            name=f"{tenant.slug} {start:%Y-%m} 全员绩效计划",
            level="company",
            period_kind="month",
            period_start=start,
            period_end=end,
            submission_due=start - timedelta(days=7),
            review_due=start - timedelta(days=1),
            self_evaluation_due=end + timedelta(days=3),
            manager_evaluation_due=end + timedelta(days=6),
            department_ids=(root,),
            indicators=tuple(specs),
        ),
        runtime.metrics,
    )
    plan = await Plan.create(
        id=uuid.uuid4(),
        company_id=tenant.company_id,
        name=checked.name,
        level=checked.level,
        period_kind=checked.period_kind,
        period_start=start,
        period_end=end,
        submission_due=checked.submission_due,
        review_due=checked.review_due,
        self_evaluation_due=checked.self_evaluation_due,
        manager_evaluation_due=checked.manager_evaluation_due,
        state="active",
        version=1,
        created_by=author,
    )
    await plan.departments.add(await Department.get(id=root))
    await write_version(plan, checked, author, "created")
    items = [{**i.to_json(), "key": i.key, "personal": False} for i in checked.indicators]
    return plan, items


@dataclass
class Traits:
    """What shapes a person's figures across the months (seeded, so runs are repeatable)."""

    ability: dict[UUID, float]
    department: dict[UUID, float]
    leniency: dict[UUID, float]

    @classmethod
    def of(cls, org: ScaleOrg, seed: str) -> Traits:
        rng = random.Random(seed)
        return cls(
            {p.id: rng.gauss(0, 1) for p in org.people},
            {d.id: rng.gauss(0, 0.5) for d in org.departments},
            {p.id: rng.gauss(0, 0.6) for p in org.people},
        )


def _value(item: dict[str, Any], n: int, rng: random.Random, ability: float) -> Decimal:
    """A generator's draw, pulled toward the better end by ``ability`` (best of two draws
    for able people, worst of two for the others, lower-is-better indicators reversed)."""
    make = scores_data.INDICATORS[n][6]
    a, b = Decimal(make(rng)), Decimal(make(rng))
    lower = item["scoring"].get("direction") == "lower"
    better = min(a, b) if lower else max(a, b)
    worse = max(a, b) if lower else min(a, b)
    return better if ability > rng.gauss(0, 0.7) else worse


def _rating(base: float, rng: random.Random) -> int:
    return max(1, min(5, round(3 + base + rng.gauss(0, 0.7))))


async def fill_month(
    tenant: Tenant, plan: Plan, items: list[dict[str, Any]], traits: Traits, config: UUID
) -> None:
    """Assignments, actuals, evaluations and attendance facts of one month, as tuples."""
    rng = random.Random(f"{tenant.slug}-{plan.period_start}")
    w = rows.Writer()
    at = w.time(datetime.combine(plan.period_end, datetime.min.time(), UTC) + timedelta(days=2))
    c, p_id = w.id(tenant.company_id), w.id(plan.id)
    indicators = w.json(items)
    month = (w.day(plan.period_start), w.day(plan.period_end))
    source = str(config)
    for p in tenant.org.people:
        a_id = uuid.uuid4()
        who = (w.id(p.id), w.id(p.department_id), w.id(p.manager_id))
        await w.add("assignment", (w.id(a_id), c, p_id, *who, indicators, 1, None, at, at))
        ability = traits.ability[p.id]
        for n, item in enumerate(items):
            value = w.units(_value(item, n, rng, ability))
            await w.add(
                "actual",
                (
                    w.id(uuid.uuid4()),
                    c,
                    w.id(a_id),
                    p_id,
                    *who,
                    item["key"],
                    value,
                    "manual",
                    0,
                    who[2],
                    "",
                    "",
                    1,
                    at,
                ),
            )
        manager_view = ability * 0.6 + traits.department[p.department_id]
        if p.manager_id is not None:
            manager_view += traits.leniency[p.manager_id]
        for kind, author, base in (
            ("self", p.id, 0.4 + ability * 0.4),
            ("manager", p.manager_id, manager_view),
        ):
            await w.add(
                "evaluation",
                (
                    w.id(uuid.uuid4()),
                    c,
                    w.id(a_id),
                    p_id,
                    *who,
                    kind,
                    "submitted",
                    "{}",
                    "",
                    _rating(base, rng),
                    w.id(author),
                    at,
                    at,
                ),
            )
        rate = max(0.6, min(1.0, 0.94 + 0.025 * ability + rng.gauss(0, 0.02)))
        await w.add(
            "metric_fact",
            (
                w.id(uuid.uuid4()),
                c,
                who[0],
                ATTENDANCE,
                *month,
                w.units(Decimal(f"{rate:.4f}")),
                source,
                f"m{plan.period_start:%Y%m}",
                at,
            ),
        )
    await w.flush()
    for table, n in w.written.items():
        tenant.count(table, n)


async def calibrate(actor: Actor, plan: Plan, changes: int, seed: str) -> int:
    """A company session over the plan with ``changes`` changed grades, locked."""
    session = await open_session(actor, plan.id, CalibrationScope.COMPANY, None)
    rng = random.Random(seed)
    rows = await Score.filter(plan_id=plan.id).order_by("employee_id").values_list("id", "grade")
    for score_id, grade in rng.sample(rows, min(changes, len(rows))):
        other = rng.choice([g for g in GRADES if g != grade])
        await change_grade(actor, session.id, score_id, other, "bench: calibrated")
    await lock_session(actor, session.id)
    return min(changes, len(rows))


async def build_history(
    runtime: Runtime, tenant: Tenant, actor: Actor, calibrated: int = 40, log: Any = print
) -> None:
    """The 12 months of ``tenant`` (its org is loaded; ``actor`` is its GM, who may open and
    lock a calibration session)."""
    started = time.perf_counter()
    root = next(d.id for d in tenant.org.departments if d.parent_id is None)
    config = await ConnectorConfig.create(
        company_id=tenant.company_id, connector="timeclock_file", name="Time clock"
    )
    traits = Traits.of(tenant.org, f"{tenant.slug}-traits")
    tenant.spans = month_spans()
    for span in tenant.spans:
        plan, items = await month_plan(runtime, tenant, actor.caller.employee_id, root, span)
        await fill_month(tenant, plan, items, traits, config.id)
        filled = time.perf_counter()
        tenant.count("score", await freeze_plan(actor, plan.id))
        tenant.freezing += time.perf_counter() - filled
        await Plan.filter(id=plan.id).update(state="finalized")
        plan.state = "finalized"
        tenant.plans.append(plan)
        log(f"  {tenant.slug} {span[0]:%Y-%m}: {time.perf_counter() - started:.0f} s")
    for plan in tenant.plans[-CALIBRATED_PLANS:]:
        seed = f"{tenant.slug}-calibration-{plan.period_start}"
        tenant.count("calibration_change", await calibrate(actor, plan, calibrated, seed))
    # The older plans are closed and released; the last two stay finalized, unreleased.
    now = datetime.now(UTC)
    for plan in tenant.plans[:-2]:
        await Plan.filter(id=plan.id).update(state="closed")
        plan.state = "closed"
        await ResultsRelease.create(
            company_id=tenant.company_id,
            plan_id=plan.id,
            publish_at=now - timedelta(days=1),
            released_by=actor.caller.employee_id,
        )
    tenant.seconds = time.perf_counter() - started
