"""Each person's base amount in a plan, set row by row: good rows are saved, the others
come back with their error (the chosen design: a base per person per plan, falling back to
the tenant's default base; docs/bonus.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from tortoise.transactions import in_transaction

from server.audit import Actor, record
from server.bonus.settings import check_amount, load_plan
from server.errors import BadInput, DomainError, NotFound
from server.models import BonusBase, Employee
from server.permissions import BONUS_UPDATE
from server.vocabulary import AuditAction, AuditObjectType

MAX_ROWS = 1000


@dataclass(frozen=True)
class BasesOutcome:
    saved: int
    rejected: list[tuple[int, DomainError]]


async def set_bases(
    actor: Actor, plan_id: UUID, rows: Sequence[tuple[UUID, Decimal | None]]
) -> BasesOutcome:
    """Set (or with None clear) each row's base amount; one transaction for the good rows."""
    actor.authz.require(BONUS_UPDATE)
    if len(rows) > MAX_ROWS:
        raise BadInput("too_many_items", field="rows", max=MAX_ROWS)
    plan = await load_plan(actor, plan_id)
    known = set(
        await Employee.filter(
            company_id=plan.company_id, id__in=list({r[0] for r in rows})
        ).values_list("id", flat=True)
    )
    rejected: list[tuple[int, DomainError]] = []
    good: dict[UUID, Decimal | None] = {}
    for n, (employee_id, amount) in enumerate(rows):
        try:
            if employee_id not in known:
                raise NotFound("employee")
            if employee_id in good:
                raise BadInput("duplicate_employee", field=f"rows[{n}].employeeId")
            good[employee_id] = (
                None if amount is None else check_amount(amount, f"rows[{n}].amount")
            )
        except DomainError as exc:
            rejected.append((n, exc))
    if not good:
        return BasesOutcome(0, rejected)
    async with in_transaction():
        before = {
            b.employee_id: b.amount
            for b in await BonusBase.filter(plan_id=plan.id, employee_id__in=list(good))
        }
        cleared = [e for e, a in good.items() if a is None]
        if cleared:
            await BonusBase.filter(plan_id=plan.id, employee_id__in=cleared).delete()
        upserts = [
            BonusBase(
                company_id=plan.company_id,
                plan_id=plan.id,
                employee_id=e,
                amount=a,
                set_by=actor.caller.employee_id,
            )
            for e, a in good.items()
            if a is not None
        ]
        if upserts:
            await BonusBase.bulk_create(
                upserts, on_conflict=["plan_id", "employee_id"], update_fields=["amount", "set_by"]
            )
        for employee_id, amount in good.items():
            if before.get(employee_id) != amount:
                await record(
                    actor,
                    AuditAction.BONUS_BASE_SET,
                    AuditObjectType.BONUS_BASE,
                    employee_id,
                    before={"plan": plan.id, "base": before.get(employee_id)},
                    after={"plan": plan.id, "base": amount},
                )
    return BasesOutcome(len(good), rejected)
