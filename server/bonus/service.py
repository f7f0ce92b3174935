"""``bonusAllocation``: each person's bonus in a plan from his frozen grade.

The grade is the frozen score's (after a calibration, the calibrated version it pushed into
the score); a live score has no grade for bonuses yet. Each person's base is his own in the
plan, else the tenant's default. A person shares the pool of the nearest department at or
above his own that has one; the pool is split to the cent (allocation.py). People outside
every pool get base x coefficient. The whole plan is allocated, then the rows are narrowed to
the scope asked and to what the caller's bonus:read covers, so a department's amounts never
depend on who looks at them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from server.audit import Actor
from server.bonus.allocation import Claim, allocate
from server.bonus.settings import load_config, load_plan
from server.errors import NotFound
from server.models import BonusBase, BonusPool, Department, Employee, Score
from server.permissions import BONUS_READ, Permission
from server.relations import OrgTree
from server.scoring import settings as scoring_settings


@dataclass(frozen=True)
class BonusRow:
    employee_id: UUID
    employee_number: str
    name: str
    department_id: UUID
    manager_id: UUID | None
    grade: str | None  # band key
    grade_name_en: str | None
    grade_name_zh: str | None
    base: Decimal | None
    coefficient: Decimal | None
    amount: Decimal | None
    pool_department_id: UUID | None


@dataclass(frozen=True)
class PoolRow:
    department_id: UUID
    pool: Decimal
    allocated: Decimal  # what the pool's people received (the pool, unless nobody shares it)


@dataclass(frozen=True)
class Allocation:
    plan_id: UUID
    rows: list[BonusRow]
    pools: list[PoolRow]
    total: Decimal


async def bonus_allocation(
    actor: Actor, plan_id: UUID, department_id: UUID | None = None, perm: Permission = BONUS_READ
) -> Allocation:
    grant = actor.authz.scope(perm, required=True)
    plan = await load_plan(actor, plan_id)
    company_id = plan.company_id
    links = await Department.filter(company_id=company_id).values_list("id", "parent_id")
    tree = OrgTree.from_links((d, p) for d, p in links)
    if department_id is not None and department_id not in tree.parents:
        raise NotFound("department")
    config = await load_config(company_id)
    bands = {b.key: b for b in (await scoring_settings.load_setup(company_id)).grade_bands}
    scores = await Score.filter(plan_id=plan.id).values(
        "employee_id", "department_id", "manager_id", "grade", "frozen"
    )
    people = {
        p["id"]: p
        for p in await Employee.filter(
            company_id=company_id, id__in=[s["employee_id"] for s in scores]
        ).values("id", "name", "employee_number")
    }
    bases = dict(await BonusBase.filter(plan_id=plan.id).values_list("employee_id", "amount"))
    pools = dict(await BonusPool.filter(plan_id=plan.id).values_list("department_id", "amount"))
    groups: dict[UUID | None, list[dict[str, Any]]] = defaultdict(list)
    for s in sorted(scores, key=lambda s: people[s["employee_id"]]["employee_number"] or ""):
        pool_at = next((d for d in tree.chain(s["department_id"]) if d in pools), None)
        groups[pool_at].append(s)
    rows: list[BonusRow] = []
    pool_rows: list[PoolRow] = []
    for pool_at, members in groups.items():
        claims = []
        for s in members:
            grade = s["grade"] if s["frozen"] else None
            base = bases.get(s["employee_id"], config.default_base)
            coefficient = None if grade is None else config.coefficients.get(grade)
            claims.append((s, grade, Claim(base, coefficient)))
        amounts = allocate([c for _, _, c in claims], None if pool_at is None else pools[pool_at])
        if pool_at is not None:
            allocated = sum((a for a in amounts if a is not None), Decimal("0.00"))
            pool_rows.append(PoolRow(pool_at, pools[pool_at], allocated))
        for (s, grade, claim), amount in zip(claims, amounts, strict=True):
            person = people[s["employee_id"]]
            band = bands.get(grade) if grade is not None else None
            rows.append(
                BonusRow(
                    employee_id=s["employee_id"],
                    employee_number=person["employee_number"] or "",
                    name=person["name"],
                    department_id=s["department_id"],
                    manager_id=s["manager_id"],
                    grade=grade,
                    grade_name_en=None if band is None else band.name_en,
                    grade_name_zh=None if band is None else band.name_zh,
                    base=claim.base,
                    coefficient=claim.coefficient,
                    amount=amount,
                    pool_department_id=pool_at,
                )
            )
    inside = None if department_id is None else tree.subtree([department_id])
    shown = [
        r
        for r in rows
        if (inside is None or r.department_id in inside)
        and (
            grant.everything
            or actor.authz.check(perm, (r.department_id, r.employee_id, r.manager_id))
        )
    ]
    shown.sort(key=lambda r: (r.employee_number, str(r.employee_id)))
    shown_pools = [p for p in pool_rows if inside is None or p.department_id in inside]
    total = sum((r.amount for r in shown if r.amount is not None), Decimal("0.00"))
    return Allocation(plan.id, shown, shown_pools, total)
