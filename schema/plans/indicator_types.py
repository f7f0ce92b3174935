"""GraphQL output types of an indicator and its scoring rule, read from server/indicators.py's
values: a plan version's row and a template's stored entry go through the same codec."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import strawberry

from schema.enums import BandBasis, Direction, ScoringKind
from server import indicators as spec
from server import models as m
from server.plans.versions import as_data
from server.vocabulary import ScoringKind as Kind


@strawberry.type
class Band:
    from_: Decimal = strawberry.field(
        name="from",
        description="The achievement % (or, with basis ACTUAL, the actual value) from which "
        "the score applies",
    )
    score: Decimal


@strawberry.type(description="If the indicator scores below `below`, the total is capped.")
class Gate:
    below: Decimal
    total_cap: Decimal


@strawberry.type(
    description="How an indicator is scored: its kind and that kind's settings, then floor "
    "and cap on the indicator's score, and a gate on the plan's total. The direction is "
    "`Indicator.direction`."
)
class Scoring:
    kind: ScoringKind
    zero_anchor: Decimal | None = strawberry.field(
        description="LINEAR: the value that scores 0 (the target scores 100)"
    )
    penalty: Decimal | None = strawberry.field(
        description="TARGET_DISTANCE: points off 100 per unit of deviation from the target"
    )
    floor: Decimal | None
    cap: Decimal | None
    bands: list[Band] = strawberry.field(description="BANDS: ascending from 0; empty otherwise")
    basis: BandBasis | None = strawberry.field(description="BANDS: what `from` is compared with")
    gate: Gate | None
    rating_points: list[Decimal] | None = strawberry.field(
        description="RATING: the points of ratings 1 to 5"
    )

    @classmethod
    def of(cls, rule: spec.ScoringRule) -> Scoring:
        bands = rule.kind is Kind.BANDS
        gate = rule.gate
        return cls(
            kind=rule.kind,
            zero_anchor=rule.zero_anchor,
            penalty=rule.penalty,
            floor=rule.floor,
            cap=rule.cap,
            bands=[Band(from_=b.start, score=b.score) for b in rule.bands],
            basis=rule.basis if bands else None,
            gate=None if gate is None else Gate(below=gate.below, total_cap=gate.total_cap),
            rating_points=list(rule.rating_points) if rule.kind is Kind.RATING else None,
        )


@strawberry.type(
    description="An indicator as it stands in one version; `key` follows it across versions."
)
class Indicator:
    key: str
    name: str
    description: str
    unit: str
    weight: Decimal
    target: Decimal | None
    direction: Direction = strawberry.field(description="The scoring rule's direction")
    data_source: str
    scoring: Scoring
    qualitative: bool

    @classmethod
    def of_spec(cls, item: spec.IndicatorSpec) -> Indicator:
        return cls(
            key=item.key or "",
            name=item.name,
            description=item.description,
            unit=item.unit,
            weight=item.weight,
            target=item.target,
            direction=item.direction,
            data_source=item.data_source,
            scoring=Scoring.of(item.scoring),
            qualitative=item.qualitative,
        )

    @classmethod
    def of(cls, row: m.Indicator) -> Indicator:
        return cls.of_spec(as_data(row))

    @classmethod
    def from_stored(cls, item: dict[str, Any]) -> Indicator:
        """A template's entry (no key)."""
        return cls.of_spec(spec.IndicatorSpec.from_json(item))
