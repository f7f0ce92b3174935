"""Bonus allocation as the API shows it (bonus:read); amounts are exact decimals."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry.types import Info

import schema.errors  # noqa: F401 - registers ErrorCode and ErrorReason as GraphQL enums
from schema import ids
from schema.errors import row_error
from schema.org.types import Department, Employee, visible_department, visible_employee
from server.bonus.bases import BasesOutcome
from server.bonus.service import Allocation, BonusRow, PoolRow
from server.bonus.settings import BonusConfig
from server.errors import ErrorCode, Reason


@strawberry.type(description="One person's bonus: base x coefficient, scaled to his pool.")
class BonusAllocationRow:
    employee_id: strawberry.ID
    employee_number: str
    name: str
    grade: str | None = strawberry.field(
        description="The frozen (calibrated) grade's key; null while the score is not frozen."
    )
    grade_name: str | None
    base: Decimal | None = strawberry.field(
        description="His base in the plan, else the tenant's default base."
    )
    coefficient: Decimal | None
    amount: Decimal | None = strawberry.field(
        description="To the cent; null without a frozen grade, a coefficient or a base."
    )
    row: strawberry.Private[BonusRow]

    @classmethod
    def of(cls, r: BonusRow, lang: str) -> BonusAllocationRow:
        return cls(
            employee_id=strawberry.ID(ids.encode("Employee", r.employee_id)),
            employee_number=r.employee_number,
            name=r.name,
            grade=r.grade,
            grade_name=r.grade_name_zh if lang == "zh" else r.grade_name_en,
            base=r.base,
            coefficient=r.coefficient,
            amount=r.amount,
            row=r,
        )

    @strawberry.field
    async def employee(self, info: Info) -> Employee | None:
        return await visible_employee(info, self.row.employee_id)

    @strawberry.field
    async def department(self, info: Info) -> Department | None:
        return await visible_department(info, self.row.department_id)

    @strawberry.field(description="The department whose pool he shares; null outside pools.")
    async def pool_department(self, info: Info) -> Department | None:
        return await visible_department(info, self.row.pool_department_id)


@strawberry.type
class BonusPoolAllocation:
    pool: Decimal
    allocated: Decimal = strawberry.field(
        description="What its people received: the pool to the cent, or 0 when nobody in it "
        "has a frozen grade, a coefficient and a base."
    )
    row: strawberry.Private[PoolRow]

    @strawberry.field
    async def department(self, info: Info) -> Department | None:
        return await visible_department(info, self.row.department_id)


@strawberry.type
class BonusAllocation:
    rows: list[BonusAllocationRow]
    pools: list[BonusPoolAllocation]
    total: Decimal = strawberry.field(description="The sum of the rows' amounts.")

    @classmethod
    def of(cls, found: Allocation, lang: str) -> BonusAllocation:
        return cls(
            rows=[BonusAllocationRow.of(r, lang) for r in found.rows],
            pools=[
                BonusPoolAllocation(pool=p.pool, allocated=p.allocated, row=p) for p in found.pools
            ],
            total=found.total,
        )


@strawberry.type
class BonusCoefficient:
    grade: str
    coefficient: Decimal


@strawberry.input
class BonusCoefficientInput:
    grade: str = strawberry.field(description="A grade band key (excellent, good...).")
    coefficient: Decimal


@strawberry.type
class BonusSettings:
    coefficients: list[BonusCoefficient]
    default_base: Decimal | None

    @classmethod
    def of(cls, found: BonusConfig) -> BonusSettings:
        return cls(
            coefficients=[
                BonusCoefficient(grade=k, coefficient=v) for k, v in found.coefficients.items()
            ],
            default_base=found.default_base,
        )


@strawberry.input
class BonusBaseInput:
    employee_id: strawberry.ID
    amount: Decimal | None = strawberry.field(description="To the cent; null clears it.")


@strawberry.type(description="A row not taken, and why; nothing of it was written.")
class RejectedBonusBase:
    index: int
    code: ErrorCode
    reason: Reason
    field: str | None
    message: str


@strawberry.type
class SetBonusBasesPayload:
    saved: int
    rejected: list[RejectedBonusBase]

    @classmethod
    def of(cls, found: BasesOutcome, lang: str) -> SetBonusBasesPayload:
        rejected = []
        for index, error in found.rejected:
            shown = row_error(index, error, lang)
            rejected.append(
                RejectedBonusBase(
                    index=index,
                    code=ErrorCode(shown["code"]),
                    reason=Reason(shown["reason"]),
                    field=shown["field"],
                    message=shown["message"],
                )
            )
        return cls(saved=found.saved, rejected=rejected)
