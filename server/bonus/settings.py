"""A tenant's grade coefficients and default base amount, and a plan's department pools.

Coefficients are keyed by grade band key (server/scoring/grades.py); without a row the
defaults hold: excellent (优秀) 1.2, good (良好) 1.0, pass (合格) 0.8, fail (不合格) 0.5. A
grade the tenant defines without a coefficient gets none (its people get no amount).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server.audit import Actor, record
from server.errors import BadInput, NotFound
from server.models import BonusPool, BonusSettings, Department, Plan
from server.permissions import BONUS_READ, BONUS_UPDATE
from server.scoring import settings as scoring_settings
from server.vocabulary import AuditAction, AuditObjectType

DEFAULT_COEFFICIENTS: dict[str, Decimal] = {
    "excellent": Decimal("1.2"),
    "good": Decimal("1.0"),
    "pass": Decimal("0.8"),
    "fail": Decimal("0.5"),
}
MAX_COEFFICIENT = Decimal(100)
MAX_AMOUNT = Decimal(10) ** 12  # a pool or base of a trillion is a typo


@dataclass(frozen=True)
class BonusConfig:
    coefficients: dict[str, Decimal]
    default_base: Decimal | None


async def load_config(company_id: UUID) -> BonusConfig:
    row = await BonusSettings.get_or_none(company_id=company_id)
    if row is None:
        return BonusConfig(dict(DEFAULT_COEFFICIENTS), None)
    # No coefficients saved (a row kept only for the default base): the defaults hold.
    saved = {k: Decimal(str(v)) for k, v in (row.coefficients or {}).items()}
    return BonusConfig(saved or dict(DEFAULT_COEFFICIENTS), row.default_base)


async def read_config(actor: Actor) -> BonusConfig:
    actor.authz.scope(BONUS_READ, required=True)
    return await load_config(actor.caller.company_id)


def check_amount(value: Decimal, field: str) -> Decimal:
    try:
        cents = value.quantize(Decimal("0.01"))
    except InvalidOperation:
        raise BadInput("invalid_format", field=field, hint="an amount to the cent") from None
    if value < 0:
        raise BadInput("must_not_be_negative", field=field)
    if cents != value or value >= MAX_AMOUNT:
        raise BadInput("invalid_format", field=field, hint="an amount to the cent") from None
    return cents


async def update_config(
    actor: Actor,
    coefficients: dict[str, Decimal] | None,
    default_base: Decimal | None,
    *,
    set_default_base: bool,
) -> BonusConfig:
    """A patch: the coefficients given replace the old ones whole; the default base changes
    only when given (None clears it)."""
    actor.authz.require(BONUS_UPDATE)
    company_id = actor.caller.company_id
    if coefficients is not None:
        if not coefficients:  # no coefficient at all would mean no bonus for anyone
            raise BadInput("required", field="coefficients")
        grades = [b.key for b in (await scoring_settings.load_setup(company_id)).grade_bands]
        for n, (grade, value) in enumerate(coefficients.items()):
            field = f"coefficients[{n}]"
            if grade not in grades:
                raise BadInput(
                    "bonus_unknown_grade", field=field, grade=grade, grades=", ".join(grades)
                )
            if value < 0:
                raise BadInput("must_not_be_negative", field=field)
            if value > MAX_COEFFICIENT or value != value.quantize(Decimal("0.0001")):
                raise BadInput(
                    "date_range", field=field, min="0", max=f"{MAX_COEFFICIENT} (4 places)"
                )
    if set_default_base and default_base is not None:
        default_base = check_amount(default_base, "defaultBase")
    async with in_transaction():
        before = await load_config(company_id)
        after = BonusConfig(
            before.coefficients if coefficients is None else dict(coefficients),
            default_base if set_default_base else before.default_base,
        )
        values: dict[str, Any] = {
            "coefficients": {k: str(v) for k, v in after.coefficients.items()},
            "default_base": after.default_base,
            "updated_by": actor.caller.employee_id,
        }
        if not await BonusSettings.filter(company_id=company_id).update(**values):
            try:
                async with in_transaction():
                    await BonusSettings.create(company_id=company_id, **values)
            except IntegrityError:  # created meanwhile: ours is the later word
                await BonusSettings.filter(company_id=company_id).update(**values)
        await record(
            actor,
            AuditAction.BONUS_SETTINGS_UPDATE,
            AuditObjectType.BONUS_SETTINGS,
            company_id,
            before={"coefficients": before.coefficients, "default_base": before.default_base},
            after={"coefficients": after.coefficients, "default_base": after.default_base},
        )
    return after


async def load_plan(actor: Actor, plan_id: UUID) -> Plan:
    plan = await Plan.get_or_none(id=plan_id, company_id=actor.caller.company_id)
    if plan is None:
        raise NotFound("plan")
    return plan


async def set_pool(
    actor: Actor, plan_id: UUID, department_id: UUID, amount: Decimal | None
) -> Decimal | None:
    """The department's pool in the plan; None removes it."""
    actor.authz.require(BONUS_UPDATE)
    plan = await load_plan(actor, plan_id)
    if not await Department.exists(id=department_id, company_id=plan.company_id):
        raise NotFound("department")
    if amount is not None:
        amount = check_amount(amount, "amount")
    async with in_transaction():
        found = await BonusPool.get_or_none(plan_id=plan.id, department_id=department_id)
        before = None if found is None else found.amount
        if amount is None:
            await BonusPool.filter(plan_id=plan.id, department_id=department_id).delete()
        else:
            await BonusPool.bulk_create(
                [
                    BonusPool(
                        company_id=plan.company_id,
                        plan_id=plan.id,
                        department_id=department_id,
                        amount=amount,
                        set_by=actor.caller.employee_id,
                    )
                ],
                on_conflict=["plan_id", "department_id"],
                update_fields=["amount", "set_by"],
            )
        await record(
            actor,
            AuditAction.BONUS_SETTINGS_UPDATE,
            AuditObjectType.BONUS_SETTINGS,
            plan.company_id,
            before={"plan": plan.id, "department": department_id, "pool": before},
            after={"plan": plan.id, "department": department_id, "pool": amount},
        )
    return amount
