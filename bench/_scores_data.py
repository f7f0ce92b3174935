"""Data for ``bench_scores``: the plan, connector facts, actual rows, and direct changes to
actuals that a recompute then finds.

The plan is written like ``bench_plans`` writes its plans: a ``Plan`` row (state ACTIVE, the
approval workflow is not what is measured) linked to the company's root department, and one
version written by the app's own ``write_version`` from a ``PlanData`` that passed
``check_plan``. Everything the benchmark measures afterwards goes through the API.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from schema.ids import encode
from server.indicators import Band, IndicatorSpec, ScoringRule
from server.models import Company, ConnectorConfig, Department, Employee, MetricFact, Plan
from server.plans.validation import PlanData, check_plan
from server.plans.versions import write_version
from server.runtime import Runtime
from server.scoring import sql
from server.vocabulary import BandBasis, Direction, ScoringKind

try:
    from bench.bench_scale_data import SLUG, ScaleOrg
except ImportError:  # run as a script: bench/ itself is on sys.path
    from bench_scale_data import SLUG, ScaleOrg

PERIOD = (date(2026, 6, 1), date(2026, 6, 30))
CONNECTOR_METRIC = "sales.revenue"
UNITS = 10**6  # Actual.value's ScaledDecimalField: 6 places


def _rule(kind: ScoringKind = ScoringKind.RATIO, **more: Any) -> ScoringRule:
    return ScoringRule(kind=kind, **more)


# name, unit, target, data source, rule, weight, a value generator (seeded rng -> text)
Generator = Callable[[random.Random], str]
INDICATORS: tuple[tuple[str, str, str, str, ScoringRule, int, Generator], ...] = (
    (
        "销售额 Revenue",
        "CNY",
        "100000",
        CONNECTOR_METRIC,
        _rule(cap=Decimal(150)),
        20,
        lambda r: str(r.randrange(40_000, 160_000)),
    ),
    (
        "新客户数 New customers",
        "customers",
        "4",
        "manual",
        _rule(),
        15,
        lambda r: str(r.randrange(0, 9)),
    ),
    (
        "按期交付率 On-time delivery",
        "%",
        "95",
        "manual",
        _rule(cap=Decimal(120)),
        15,
        lambda r: f"{r.uniform(70, 100):.1f}",
    ),
    (
        "不良率 Defect rate",
        "%",
        "2",
        "manual",
        _rule(direction=Direction.LOWER),
        10,
        lambda r: f"{r.uniform(0.5, 5):.2f}",
    ),
    (
        "首次响应时长 First reply time",
        "min",
        "30",
        "manual",
        _rule(ScoringKind.LINEAR, direction=Direction.LOWER, zero_anchor=Decimal(90)),
        10,
        lambda r: str(r.randrange(10, 100)),
    ),
    (
        "成本节约 Cost savings",
        "CNY",
        "20000",
        "manual",
        _rule(
            ScoringKind.BANDS,
            basis=BandBasis.ACHIEVEMENT,
            bands=tuple(
                Band(Decimal(a), Decimal(s))
                for a, s in ((0, 0), (60, 60), (80, 80), (100, 100), (120, 110))
            ),
        ),
        10,
        lambda r: str(r.randrange(0, 30_000)),
    ),
    (
        "培训完成率 Training completion",
        "%",
        "90",
        "manual",
        _rule(floor=Decimal(0)),
        10,
        lambda r: f"{r.uniform(50, 100):.1f}",
    ),
    (
        "客户满意度 Satisfaction",
        "points",
        "100",
        "manual",
        _rule(ScoringKind.TARGET_DISTANCE, penalty=Decimal(2)),
        10,
        lambda r: str(r.randrange(80, 101)),
    ),
)
# The indicator the "every score changed" case moves: a LINEAR one, so every score moves.
SHIFTED = 4


@dataclass
class Setup:
    company_id: UUID
    plan: Plan
    keys: list[str]  # every indicator's key, in plan order
    manual: list[str]  # keys of the manual indicators
    generators: dict[str, Generator]
    connector: bool
    perf_username: str
    departments: list[UUID] = field(default_factory=list)


def specs(count: int) -> list[IndicatorSpec]:
    """The first ``count`` indicators; other counts than 8 split the weight evenly."""
    chosen = INDICATORS[:count]
    weights = [w for *_, w, _ in chosen]
    if sum(weights) != 100:
        weights = [100 // count] * count
        weights[0] += 100 - sum(weights)
    return [
        IndicatorSpec(
            name=n, unit=u, weight=Decimal(w), target=Decimal(t), data_source=s, scoring=rule
        )
        for (n, u, t, s, rule, _, _), w in zip(chosen, weights, strict=True)
    ]


async def make_plan(runtime: Runtime, org: ScaleOrg, count: int) -> Setup:
    """One ACTIVE company plan for June 2026 over the root department, ``count`` indicators."""
    company = await Company.get(slug=SLUG)
    perf_id = next(e for e, role, _ in org.roles if role == "perf_admin")
    perf = await Employee.get(id=perf_id)
    root = await Department.get(company_id=company.id, parent_id=None)
    data = check_plan(
        PlanData(
            name="规模工业 2026-06 全员绩效计划",
            level="company",
            period_kind="month",
            period_start=PERIOD[0],
            period_end=PERIOD[1],
            submission_due=date(2026, 5, 25),
            review_due=date(2026, 5, 31),
            self_evaluation_due=date(2026, 7, 3),
            manager_evaluation_due=date(2026, 7, 6),
            department_ids=(root.id,),
            indicators=tuple(specs(count)),
        ),
        runtime.metrics,
    )
    plan = await Plan.create(
        id=uuid.uuid4(),
        company_id=company.id,
        name=data.name,
        level=data.level,
        period_kind=data.period_kind,
        period_start=data.period_start,
        period_end=data.period_end,
        submission_due=data.submission_due,
        review_due=data.review_due,
        self_evaluation_due=data.self_evaluation_due,
        manager_evaluation_due=data.manager_evaluation_due,
        state="active",
        version=1,
        created_by=perf.id,
    )
    await plan.departments.add(root)
    await write_version(plan, data, perf.id, "created")
    keys = [str(i.key) for i in data.indicators]
    manual = [str(i.key) for i in data.indicators if i.data_source == "manual"]
    return Setup(
        company.id,
        plan,
        keys,
        manual,
        {str(i.key): INDICATORS[n][6] for n, i in enumerate(data.indicators)},
        connector=len(manual) < len(keys),
        perf_username=perf.username,
        departments=[d.id for d in org.departments],
    )


async def connector_facts(setup: Setup, org: ScaleOrg, seed: str = "bench-scores") -> int:
    """One ``sales.revenue`` fact per person in the period, from a REST CRM config: what a
    sync would have stored, so that assigning pulls the connector's actuals."""
    if not setup.connector:
        return 0
    config = await ConnectorConfig.create(
        company_id=setup.company_id,
        connector="rest_sales",
        name="CRM",
        match_by="employee_number",
    )
    rng = random.Random(seed)
    make = setup.generators[setup.keys[0]]
    facts = [
        MetricFact(
            id=uuid.uuid4(),
            company_id=setup.company_id,
            employee_id=p.id,
            metric=CONNECTOR_METRIC,
            period_start=date(2026, 6, 15),
            period_end=date(2026, 6, 15),
            value=Decimal(make(rng)),
            source=str(config.id),
            source_id=f"deal-{n}",
        )
        for n, p in enumerate(org.people)
    ]
    for i in range(0, len(facts), 1000):
        await MetricFact.bulk_create(facts[i : i + 1000])
    return len(facts)


def actual_rows(setup: Setup, org: ScaleOrg, seed: str = "bench-scores") -> list[dict[str, str]]:
    """Every manual actual of every person, as ``recordActuals`` rows, person by person."""
    rng = random.Random(seed)
    return [
        {
            "employeeId": encode("Employee", p.id),
            "indicatorKey": key,
            "value": setup.generators[key](rng),
        }
        for p in org.people
        for key in setup.manual
    ]


async def shift_actuals(setup: Setup, delta: int, employee_id: UUID | None = None) -> int:
    """Move one manual actual by ``delta`` (whole units) for everyone, or for one person,
    directly in the database: what a recompute then finds changed. Not timed."""
    key = setup.keys[SHIFTED] if len(setup.keys) > SHIFTED else setup.manual[-1]
    db = sql.client()
    name = sql.dialect(db)
    statement = (
        'UPDATE "actual" SET "value" = "value" + ? WHERE "plan_id" = ? AND "indicator_key" = ?'
    )
    params: list[Any] = [delta * UNITS, sql.uuid_param(setup.plan.id, name), key]
    if employee_id is not None:
        statement += ' AND "employee_id" = ?'
        params.append(sql.uuid_param(employee_id, name))
    count, _ = await db.execute_query(sql.numbered(statement, name), params)
    return int(count)
