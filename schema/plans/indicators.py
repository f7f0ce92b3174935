"""Patching indicators: one (`updateIndicator`) or several at once (`updateIndicators`,
e.g. a reviewer's weight rebalance, validated as a whole)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import strawberry
from strawberry.types import Info

from schema import ids
from schema.enums import Direction, ScoringKind
from schema.permissions import IsAuthenticated
from schema.plans.types import Plan
from server.plans.indicator_patch import MAX_CHANGES, patch_indicators
from server.plans.indicator_patch import IndicatorPatch as Patch

AUTH = [IsAuthenticated]
# GraphQL field -> IndicatorData field; the values pass through unchanged.
FIELDS = {
    "name": "name",
    "description": "description",
    "unit": "unit",
    "weight": "weight",
    "target": "target",
    "direction": "direction",
    "data_source": "data_source",
    "qualitative": "qualitative",
}


@strawberry.input
class BandInput:
    from_: Decimal = strawberry.field(name="from")
    score: Decimal


@strawberry.input(
    description="Only the fields given change. Null removes the cap or the bands; the rule "
    "cannot be null."
)
class ScoringPatch:
    rule: ScoringKind | None = strawberry.UNSET
    cap: Decimal | None = strawberry.UNSET
    bands: list[BandInput] | None = strawberry.UNSET


@strawberry.input(
    description="Only the fields given change; the others keep their values. Null clears "
    "target, description, unit and dataSource (back to manual); name, weight, direction, "
    "scoring.rule and qualitative cannot be null."
)
class IndicatorPatch:
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    unit: str | None = strawberry.UNSET
    weight: Decimal | None = strawberry.UNSET
    target: Decimal | None = strawberry.UNSET
    direction: Direction | None = strawberry.UNSET
    data_source: str | None = strawberry.field(
        default=strawberry.UNSET, description="manual, or a metric key"
    )
    scoring: ScoringPatch | None = strawberry.UNSET
    qualitative: bool | None = strawberry.UNSET


@strawberry.input(description="A patch of the indicator with this key.")
class IndicatorChange(IndicatorPatch):
    key: str


def patch_of(key: str, given: IndicatorPatch) -> Patch:
    """The fields given (UNSET left out, null kept as None for the service to judge)."""
    values = {
        name: getattr(given, attr)
        for attr, name in FIELDS.items()
        if getattr(given, attr) is not strawberry.UNSET
    }
    scoring: dict[str, Any] | None = None
    if given.scoring is None:
        values["scoring"] = None  # refused by the service, like any required field
    elif given.scoring is not strawberry.UNSET:
        scoring = {}
        for name in ("rule", "cap"):
            if (value := getattr(given.scoring, name)) is not strawberry.UNSET:
                scoring[name] = value
        bands = given.scoring.bands
        if bands is not strawberry.UNSET:
            scoring["bands"] = (
                None if bands is None else [{"from": b.from_, "score": b.score} for b in bands]
            )
    return Patch(key=key, values=values, scoring=scoring)


@strawberry.type
class IndicatorMutation:
    @strawberry.mutation(
        permission_classes=AUTH,
        description="Patch one indicator: only the fields given change. CONFLICT when "
        "expectedVersion is stale.",
    )
    async def update_indicator(
        self,
        info: Info,
        plan_id: strawberry.ID,
        expected_version: int,
        key: str,
        input: IndicatorPatch,
        comment: str = "",
    ) -> Plan:
        plan = await patch_indicators(
            info.context.actor,
            info.context.runtime.metrics,
            ids.decode(plan_id, "Plan", "planId"),
            expected_version,
            [patch_of(key, input)],
            comment,
            bulk=False,
        )
        return Plan.of(plan)

    @strawberry.mutation(
        permission_classes=AUTH,
        description=f"Patch several indicators at once (e.g. rebalance weights), at most "
        f"{MAX_CHANGES}; the plan is validated as a whole and gets one new version. Invalid "
        "rows are all answered in extensions.rows, and nothing changes.",
    )
    async def update_indicators(
        self,
        info: Info,
        plan_id: strawberry.ID,
        expected_version: int,
        changes: list[IndicatorChange],
        comment: str = "",
    ) -> Plan:
        plan = await patch_indicators(
            info.context.actor,
            info.context.runtime.metrics,
            ids.decode(plan_id, "Plan", "planId"),
            expected_version,
            [patch_of(c.key, c) for c in changes],
            comment,
            bulk=True,
        )
        return Plan.of(plan)
