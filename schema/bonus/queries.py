"""Reads of bonuses: each decided in server/bonus (bonus:read, bonus:export)."""

from __future__ import annotations

from uuid import UUID

import strawberry
from strawberry.types import Info

from schema import ids
from schema.bonus.types import BonusAllocation, BonusSettings
from schema.permissions import AUTH
from schema.reports.types import DownloadLink
from server.bonus.service import bonus_allocation
from server.bonus.settings import read_config
from server.reports import downloads


def _department(value: strawberry.ID | None) -> UUID | None:
    return None if value is None else ids.decode(value, "Department", "departmentId")


@strawberry.type
class BonusQuery:
    @strawberry.field(
        permission_classes=AUTH,
        description="Each person's bonus in the plan from his frozen (calibrated) grade, for "
        "the company or one department's subtree (bonus:read).",
    )
    async def bonus_allocation(
        self, info: Info, plan_id: strawberry.ID, department_id: strawberry.ID | None = None
    ) -> BonusAllocation:
        found = await bonus_allocation(
            info.context.actor, ids.decode(plan_id, "Plan", "planId"), _department(department_id)
        )
        return BonusAllocation.of(found, info.context.lang)

    @strawberry.field(permission_classes=AUTH, description="Grade coefficients (bonus:read).")
    async def bonus_settings(self, info: Info) -> BonusSettings:
        return BonusSettings.of(await read_config(info.context.actor))

    @strawberry.field(
        permission_classes=AUTH,
        description="A 5-minute link to the allocation as an XLSX for payroll (bonus:export).",
    )
    async def bonus_allocation_link(
        self, info: Info, plan_id: strawberry.ID, department_id: strawberry.ID | None = None
    ) -> DownloadLink:
        link = await downloads.bonus_link(
            info.context.actor,
            info.context.runtime.settings.secret_key,
            ids.decode(plan_id, "Plan", "planId"),
            _department(department_id),
            info.context.lang,
        )
        return DownloadLink.of(link, str(info.context.request.base_url))
