"""Indicator inputs: whole indicators (`IndicatorInput`, of plans and templates) and patches
of one (`updateIndicator`) or several at once (`updateIndicators`, e.g. a reviewer's weight
rebalance, validated as a whole). Each becomes server/indicators.py's values; the service
checks them."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.types import Info

from schema import ids
from schema.enums import BandBasis, Direction, ScoringKind
from schema.permissions import AUTH
from schema.plans.types import Plan
from server.indicators import DEFAULT_RATING_POINTS, Band, Gate, IndicatorSpec, ScoringRule
from server.plans.indicator_patch import MAX_CHANGES, patch_indicators
from server.plans.indicator_patch import IndicatorPatch as Patch

# GraphQL field -> IndicatorSpec field (direction: its rule's); values pass through unchanged.
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


@strawberry.input(description="If the indicator scores below `below`, the total is capped.")
class GateInput:
    below: Decimal
    total_cap: Decimal


@strawberry.input(
    description="How the indicator is scored. Each kind needs its own settings: LINEAR a "
    "zeroAnchor, TARGET_DISTANCE a penalty, BANDS bands (and a basis), RATING optionally "
    "ratingPoints; the settings of other kinds are dropped. floor, cap and gate apply to "
    "any kind."
)
class ScoringInput:
    kind: ScoringKind = ScoringKind.RATIO
    zero_anchor: Decimal | None = None
    penalty: Decimal | None = None
    floor: Decimal | None = None
    cap: Decimal | None = None
    bands: list[BandInput] | None = None
    basis: BandBasis = BandBasis.ACHIEVEMENT
    gate: GateInput | None = None
    rating_points: list[Decimal] | None = strawberry.field(
        default=None, description="The points of ratings 1 to 5; default 20, 40, 60, 80, 100"
    )


@strawberry.input
class IndicatorInput:
    name: str
    weight: Decimal
    target: Decimal | None = None
    key: str | None = strawberry.field(
        default=None, description="Keep an indicator's key across edits"
    )
    description: str = ""
    unit: str = ""
    direction: Direction = strawberry.field(
        default=Direction.HIGHER, description="The scoring rule's direction"
    )
    data_source: str = strawberry.field(default="manual", description="manual, or a metric key")
    scoring: ScoringInput | None = None
    qualitative: bool = False


def _bands(given: list[BandInput]) -> tuple[Band, ...]:
    return tuple(Band(b.from_, b.score) for b in given)


def _gate(given: GateInput) -> Gate:
    return Gate(given.below, given.total_cap)


def scoring_rule(given: ScoringInput | None, direction: Direction) -> ScoringRule:
    if given is None:
        return ScoringRule(direction=direction)
    return ScoringRule(
        kind=given.kind,
        direction=direction,
        zero_anchor=given.zero_anchor,
        penalty=given.penalty,
        floor=given.floor,
        cap=given.cap,
        bands=_bands(given.bands or []),
        basis=given.basis,
        rating_points=DEFAULT_RATING_POINTS
        if given.rating_points is None
        else tuple(given.rating_points),
        gate=None if given.gate is None else _gate(given.gate),
    )


def indicator_spec(item: IndicatorInput) -> IndicatorSpec:
    """The input as given; the service checks it (IndicatorSpec.check), naming the field."""
    return IndicatorSpec(
        name=item.name,
        weight=item.weight,
        target=item.target,
        key=item.key,
        description=item.description,
        unit=item.unit,
        data_source=item.data_source,
        scoring=scoring_rule(item.scoring, item.direction),
        qualitative=item.qualitative,
    )


def indicator_specs(items: Iterable[IndicatorInput]) -> tuple[IndicatorSpec, ...]:
    return tuple(indicator_spec(i) for i in items)


@strawberry.input(
    description="Only the fields given change. Null removes zeroAnchor, penalty, floor, cap, "
    "bands or gate, and puts basis and ratingPoints back to their defaults; the kind cannot "
    "be null. Changing the kind drops the old kind's settings."
)
class ScoringPatch:
    kind: ScoringKind | None = strawberry.UNSET
    zero_anchor: Decimal | None = strawberry.UNSET
    penalty: Decimal | None = strawberry.UNSET
    floor: Decimal | None = strawberry.UNSET
    cap: Decimal | None = strawberry.UNSET
    bands: list[BandInput] | None = strawberry.UNSET
    basis: BandBasis | None = strawberry.UNSET
    gate: GateInput | None = strawberry.UNSET
    rating_points: list[Decimal] | None = strawberry.UNSET


@strawberry.input(
    description="Only the fields given change; the others keep their values. Null clears "
    "target, description, unit and dataSource (back to manual); name, weight, direction, "
    "scoring, scoring.kind and qualitative cannot be null."
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
        scoring = _scoring_patch(given.scoring)
    return Patch(key=key, values=values, scoring=scoring)


def _scoring_patch(given: ScoringPatch) -> dict[str, Any]:
    """ScoringRule fields given, as the rule holds them (null kept as None)."""
    scoring: dict[str, Any] = {}
    for name in ("kind", "zero_anchor", "penalty", "floor", "cap", "basis"):
        if (value := getattr(given, name)) is not strawberry.UNSET:
            scoring[name] = value
    if given.bands is not strawberry.UNSET:
        scoring["bands"] = None if given.bands is None else _bands(given.bands)
    if given.gate is not strawberry.UNSET:
        scoring["gate"] = None if given.gate is None else _gate(given.gate)
    if given.rating_points is not strawberry.UNSET:
        points = given.rating_points
        scoring["rating_points"] = None if points is None else tuple(points)
    return scoring


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
            ids.decode(plan_id, "Plan", "planId"),
            expected_version,
            [patch_of(c.key, c) for c in changes],
            comment,
            bulk=True,
        )
        return Plan.of(plan)
