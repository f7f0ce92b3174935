"""The dashboard's grouped reads: completion per department and plan alignment.

- Completion: per department of the reach, its people (distinct employees with a score row
  in the period's plans), the scored ones, their average final score and completion rate
  (``indicators_total / 100``), summed in SQL over stored units and divided exactly here.
- Alignment: which indicators of the period's company-level plans each department-level
  plan carries. Indicators are matched by name (trimmed, case-folded) or by key, since a
  department plan copies the company's indicators under new keys; ``share`` is carried /
  company indicators. One statement for the plans and the departments they cover, one for
  their indicators (each plan's current version).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from server.analytics.dashboard_overdue import _reached
from server.analytics.periods import Period
from server.analytics.raters_sql import plan_filter, reach_filter
from server.analytics.scope import Reach
from server.models.fields import from_units
from server.scoring import sql
from server.vocabulary import PlanLevel

TWO = Decimal("0.01")
FOUR = Decimal("0.0001")


@dataclass(frozen=True)
class DepartmentCompletion:
    department_id: UUID
    headcount: int
    scored: int
    completion_rate: Decimal | None
    average_score: Decimal | None


async def completion(period: Period, reach: Reach) -> list[DepartmentCompletion]:
    params: list[Any] = []
    plans = plan_filter("p", period, reach.company_id, params)
    where = reach_filter(reach, "s", params, scores=True, plan="p")
    rows = await sql.fetch(  # plans first: analytics.sql.PLAN_SCORES says why
        f"""
SELECT s.department_id, count(DISTINCT s.employee_id), count(s.total), sum(s.total),
       count(s.indicators_total), sum(s.indicators_total)
FROM plan p CROSS JOIN score s
WHERE s.plan_id = p.id AND {plans} AND {where}
GROUP BY s.department_id
""",
        params,
    )
    found = []
    for department, people, scored, total, rated, achieved in rows:
        average = None if not scored else (from_units(total, 6) / int(scored)).quantize(TWO)
        rate = None if not rated else (from_units(achieved, 6) / int(rated) / 100).quantize(FOUR)
        found.append(
            DepartmentCompletion(sql.as_uuid(department), int(people), int(scored), rate, average)
        )
    return found


@dataclass(frozen=True)
class PlanAlignment:
    department_id: UUID
    plan_id: UUID | None
    company_indicators: list[str]
    carried: list[str]
    missing: list[str]
    share: Decimal


def _folded(name: str) -> str:
    return " ".join(name.split()).casefold()


async def alignment(period: Period, reach: Reach) -> list[PlanAlignment]:
    """Per department covered by a department plan of the period (within the reach), the
    company plans' indicators it carries. Every plan of the period counts, published or
    not: alignment is checked while plans are drafted."""
    dialect = sql.dialect(sql.client())
    reached = _reached(reach)
    start = period.start if dialect == "postgres" else period.start.isoformat()
    params: list[Any] = [sql.uuid_param(reach.company_id, dialect), str(period.kind), start]
    rows = await sql.fetch(
        """
SELECT p.id, p.level, p.version, pd.department_id
FROM plan p LEFT JOIN plan_department pd ON pd.plan_id = p.id
WHERE p.company_id = ? AND p.period_kind = ? AND p.period_start = ?
""",
        params,
    )
    if not rows:
        return []
    versions = {sql.as_uuid(r[0]): int(r[2]) for r in rows}
    company_plans = {sql.as_uuid(r[0]) for r in rows if r[1] == PlanLevel.COMPANY.value}
    covered: dict[UUID, list[UUID]] = defaultdict(list)
    for plan, level, _version, department in rows:
        if level != PlanLevel.DEPARTMENT.value or department is None:
            continue
        department_id = sql.as_uuid(department)
        if reached is None or department_id in reached:
            covered[department_id].append(sql.as_uuid(plan))
    if not covered:
        return []
    params = [sql.ids_param(list(versions), dialect)]
    indicators: dict[UUID, list[tuple[str, str, int]]] = defaultdict(list)
    for plan, version, key, name, position in await sql.fetch(
        "SELECT i.plan_id, i.version, i.key, i.name, i.position FROM indicator i WHERE "
        + sql.ids_in("plan_id", dialect, "i"),
        params,
    ):
        plan_id = sql.as_uuid(plan)
        if int(version) == versions[plan_id]:
            indicators[plan_id].append((str(key), str(name), int(position)))
    goals: list[tuple[str, str]] = []  # (key, name) of the company plans, in plan order
    for plan_id in sorted(company_plans, key=str):
        for key, name, _ in sorted(indicators[plan_id], key=lambda i: i[2]):
            if _folded(name) not in {_folded(n) for _, n in goals}:
                goals.append((key, name))
    names = [n for _, n in goals]
    found = []
    for department_id in sorted(covered, key=str):
        for plan_id in sorted(covered[department_id], key=str):
            own = indicators[plan_id]
            keys = {k for k, _, _ in own}
            folded = {_folded(n) for _, n, _ in own}
            carried = [n for k, n in goals if k in keys or _folded(n) in folded]
            missing = [n for n in names if n not in carried]
            share = Decimal(len(carried)) / len(names) if names else Decimal(0)
            found.append(
                PlanAlignment(department_id, plan_id, names, carried, missing, share.quantize(FOUR))
            )
    return found
