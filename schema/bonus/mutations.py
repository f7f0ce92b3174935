"""Writes of bonuses: each decided in server/bonus (bonus:update)."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry.types import Info

from schema import ids
from schema.bonus.types import (
    BonusBaseInput,
    BonusCoefficientInput,
    BonusSettings,
    SetBonusBasesPayload,
)
from schema.permissions import AUTH
from server.bonus import bases, settings


@strawberry.type
class BonusMutation:
    @strawberry.mutation(
        permission_classes=AUTH,
        description="A patch: coefficients, when given, replace the list whole; defaultBase "
        "changes only when given (null clears it).",
    )
    async def set_bonus_settings(
        self,
        info: Info,
        coefficients: list[BonusCoefficientInput] | None = None,
        default_base: Decimal | None = strawberry.UNSET,
    ) -> BonusSettings:
        given = None if coefficients is None else {c.grade: c.coefficient for c in coefficients}
        found = await settings.update_config(
            info.context.actor,
            given,
            None if default_base is strawberry.UNSET else default_base,
            set_default_base=default_base is not strawberry.UNSET,
        )
        return BonusSettings.of(found)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="The department's bonus pool in the plan (null removes it): its people, "
        "and those below it without a pool of their own, share it to the cent.",
    )
    async def set_bonus_pool(
        self,
        info: Info,
        plan_id: strawberry.ID,
        department_id: strawberry.ID,
        amount: Decimal | None,
    ) -> Decimal | None:
        return await settings.set_pool(
            info.context.actor,
            ids.decode(plan_id, "Plan", "planId"),
            ids.decode(department_id, "Department", "departmentId"),
            amount,
        )

    @strawberry.mutation(
        permission_classes=AUTH,
        description="Each person's base amount in the plan, row by row: good rows are saved, "
        "the others come back rejected (at most 1000 rows).",
    )
    async def set_bonus_bases(
        self, info: Info, plan_id: strawberry.ID, rows: list[BonusBaseInput]
    ) -> SetBonusBasesPayload:
        given = [
            (ids.decode(r.employee_id, "Employee", f"rows[{n}].employeeId"), r.amount)
            for n, r in enumerate(rows)
        ]
        found = await bases.set_bases(
            info.context.actor, ids.decode(plan_id, "Plan", "planId"), given
        )
        return SetBonusBasesPayload.of(found, info.context.lang)
