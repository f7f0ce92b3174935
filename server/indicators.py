"""One indicator and its scoring rule as plain values, with one stored form and one check.

Plan versions (their Indicator rows), templates (their JSON), the API and the scoring engine
all use these two types; nothing here knows the database or GraphQL. The stored form
(``to_json``) writes decimals as strings, so JSON never rounds them, and holds only the fields
the rule's kind uses. ``from_json`` reads that form only: migration 0007 converted the older
one (``{"rule": "capped", "cap": "120"}``).

``check`` is the one validation of each type: every failure names its field path in API
terms (``indicators[2].scoring.cap``) and is raised as BadInput.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Container
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from server import validation
from server.errors import BadInput
from server.vocabulary import BandBasis, Direction, ScoringKind

HUNDRED = Decimal(100)
MAX_WEIGHT = HUNDRED
MAX_TARGET = Decimal("9e12")  # within a 6-place ScaledDecimalField (about ±9.22e12)
MAX_PERCENT = Decimal(10000)  # scores, caps, floors, penalties, achievement %
DEFAULT_RATING_POINTS = tuple(Decimal(p) for p in (20, 40, 60, 80, 100))
RATINGS = len(DEFAULT_RATING_POINTS)


def _plain(value: Decimal) -> str:
    return f"{value:f}"


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value))


def _optional(value: Any) -> Decimal | None:
    return None if value is None else _decimal(value)


E = TypeVar("E", bound=StrEnum)


def _member(enum: type[E], value: Any, path: str) -> E:
    try:
        return enum(value)
    except ValueError:
        raise BadInput(
            "invalid_format", field=path, hint="one of " + ", ".join(m.value for m in enum)
        ) from None


def _not_negative(value: Any, path: str, *, places: int, maximum: Decimal) -> Decimal:
    checked = validation.number(value, path, places=places, maximum=maximum)
    if checked < 0:
        raise BadInput("must_not_be_negative", field=path)
    return checked


@dataclass(frozen=True)
class Band:
    """From ``start`` on (an achievement % or an actual value, as the rule's ``basis`` says)
    the indicator scores ``score``."""

    start: Decimal
    score: Decimal


@dataclass(frozen=True)
class Gate:
    """If the indicator scores below ``below``, the plan's total is capped at ``total_cap``
    (a veto when that is 0)."""

    below: Decimal
    total_cap: Decimal


@dataclass(frozen=True)
class ScoringRule:
    """How an indicator's result becomes its score.

    RATIO: achievement %, actual/target×100 (target/actual×100 when lower is better).
    LINEAR: 0 at ``zero_anchor``, 100 at the target, straight between (and beyond).
    TARGET_DISTANCE: 100 minus ``penalty`` points per unit the actual misses the target by.
    BANDS: the score of the highest band whose ``start`` the basis value reaches.
    RATING: a 1-5 rating worth ``rating_points[rating - 1]``.
    Then, for any kind, the score is held within ``floor`` and ``cap``; a ``gate`` caps the
    plan's total when this indicator scores below it.
    """

    kind: ScoringKind = ScoringKind.RATIO
    direction: Direction = Direction.HIGHER
    zero_anchor: Decimal | None = None
    penalty: Decimal | None = None
    floor: Decimal | None = None
    cap: Decimal | None = None
    bands: tuple[Band, ...] = ()
    basis: BandBasis = BandBasis.ACHIEVEMENT
    rating_points: tuple[Decimal, ...] = DEFAULT_RATING_POINTS
    gate: Gate | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind.value, "direction": self.direction.value}
        if self.kind is ScoringKind.LINEAR and self.zero_anchor is not None:
            data["zero_anchor"] = _plain(self.zero_anchor)
        if self.kind is ScoringKind.TARGET_DISTANCE and self.penalty is not None:
            data["penalty"] = _plain(self.penalty)
        if self.kind is ScoringKind.BANDS:
            data["bands"] = [
                {"from": _plain(b.start), "score": _plain(b.score)} for b in self.bands
            ]
            data["basis"] = self.basis.value
        if self.kind is ScoringKind.RATING:
            data["rating_points"] = [_plain(p) for p in self.rating_points]
        if self.floor is not None:
            data["floor"] = _plain(self.floor)
        if self.cap is not None:
            data["cap"] = _plain(self.cap)
        if self.gate is not None:
            data["gate"] = {
                "below": _plain(self.gate.below),
                "total_cap": _plain(self.gate.total_cap),
            }
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScoringRule:
        gate = data.get("gate")
        points = data.get("rating_points")
        return cls(
            kind=ScoringKind(data["kind"]),
            direction=Direction(data["direction"]),
            zero_anchor=_optional(data.get("zero_anchor")),
            penalty=_optional(data.get("penalty")),
            floor=_optional(data.get("floor")),
            cap=_optional(data.get("cap")),
            bands=tuple(
                Band(_decimal(b["from"]), _decimal(b["score"])) for b in data.get("bands", ())
            ),
            basis=BandBasis(data.get("basis", BandBasis.ACHIEVEMENT)),
            rating_points=DEFAULT_RATING_POINTS
            if points is None
            else tuple(_decimal(p) for p in points),
            gate=None
            if gate is None
            else Gate(_decimal(gate["below"]), _decimal(gate["total_cap"])),
        )

    def check(self, path: str, target: Decimal | None = None) -> ScoringRule:
        """The rule with its numbers checked and plain, and the fields its kind does not use
        reset (switching a rule's kind leaves nothing of the old kind behind). ``target``,
        checked already, places a LINEAR rule's zero anchor."""
        kind = _member(ScoringKind, self.kind, f"{path}.kind")
        direction = _member(Direction, self.direction, f"{path}.direction")
        rule = ScoringRule(kind=kind, direction=direction)
        if kind is ScoringKind.LINEAR:
            rule = replace(rule, zero_anchor=self._zero_anchor(path, direction, target))
        elif kind is ScoringKind.TARGET_DISTANCE:
            if self.penalty is None:
                raise BadInput("required", field=f"{path}.penalty")
            penalty = validation.number(
                self.penalty, f"{path}.penalty", places=4, maximum=MAX_PERCENT
            )
            if penalty <= 0:
                raise BadInput("must_be_positive", field=f"{path}.penalty")
            rule = replace(rule, penalty=penalty)
        elif kind is ScoringKind.BANDS:
            basis = _member(BandBasis, self.basis, f"{path}.basis")
            rule = replace(rule, bands=self._bands(path, basis), basis=basis)
        elif kind is ScoringKind.RATING:
            rule = replace(rule, rating_points=self._rating_points(path))
        return replace(rule, **self._limits(path))

    def _zero_anchor(self, path: str, direction: Direction, target: Decimal | None) -> Decimal:
        if self.zero_anchor is None:
            raise BadInput("required", field=f"{path}.zeroAnchor")
        anchor = validation.number(
            self.zero_anchor, f"{path}.zeroAnchor", places=6, maximum=MAX_TARGET
        )
        if target is not None:
            worse = anchor < target if direction is Direction.HIGHER else anchor > target
            if not worse:
                raise BadInput("zero_anchor_side", field=f"{path}.zeroAnchor")
        return anchor

    def _bands(self, path: str, basis: BandBasis) -> tuple[Band, ...]:
        if not self.bands:
            raise BadInput("required", field=f"{path}.bands")
        # Achievement is a %; an actual value has the target's scale.
        places, maximum = (4, MAX_PERCENT) if basis is BandBasis.ACHIEVEMENT else (6, MAX_TARGET)
        bands = tuple(
            Band(
                validation.number(
                    b.start, f"{path}.bands[{i}].from", places=places, maximum=maximum
                ),
                validation.number(
                    b.score, f"{path}.bands[{i}].score", places=4, maximum=MAX_PERCENT
                ),
            )
            for i, b in enumerate(self.bands)
        )
        starts = [b.start for b in bands]
        if starts[0] != 0 or any(b <= a for a, b in itertools.pairwise(starts)):
            raise BadInput("bands_invalid", field=f"{path}.bands")
        return bands

    def _rating_points(self, path: str) -> tuple[Decimal, ...]:
        field_path = f"{path}.ratingPoints"
        if len(self.rating_points) != RATINGS:
            raise BadInput("rating_points_invalid", field=field_path, count=RATINGS)
        points = tuple(
            validation.number(p, f"{field_path}[{i}]", places=4, maximum=MAX_PERCENT)
            for i, p in enumerate(self.rating_points)
        )
        if any(b < a for a, b in itertools.pairwise(points)):
            raise BadInput("rating_points_invalid", field=field_path, count=RATINGS)
        return points

    def _limits(self, path: str) -> dict[str, Any]:
        floor = cap = gate = None
        if self.floor is not None:
            floor = validation.number(self.floor, f"{path}.floor", places=4, maximum=MAX_PERCENT)
        if self.cap is not None:
            cap = validation.number(self.cap, f"{path}.cap", places=4, maximum=MAX_PERCENT)
            if cap < HUNDRED:
                raise BadInput("cap_too_low", field=f"{path}.cap")
        if floor is not None and cap is not None and floor > cap:
            raise BadInput("floor_above_cap", field=f"{path}.floor")
        if self.gate is not None:
            gate = Gate(
                _not_negative(self.gate.below, f"{path}.gate.below", places=4, maximum=MAX_PERCENT),
                _not_negative(
                    self.gate.total_cap, f"{path}.gate.totalCap", places=4, maximum=MAX_PERCENT
                ),
            )
        return {"floor": floor, "cap": cap, "gate": gate}


# What a null gives each optional rule field when a patch clears it: the field's default.
CLEARED: dict[str, Any] = {
    f.name: f.default for f in fields(ScoringRule) if f.name not in ("kind", "direction")
}


@dataclass(frozen=True)
class IndicatorSpec:
    """One indicator: what a plan version's row and a template's entry hold. ``key`` follows
    the indicator across a plan's versions (a template's indicators have none)."""

    name: str
    weight: Decimal
    target: Decimal | None = None
    key: str | None = None
    description: str = ""
    unit: str = ""
    data_source: str = "manual"
    scoring: ScoringRule = field(default_factory=ScoringRule)
    qualitative: bool = False

    @property
    def direction(self) -> Direction:
        return self.scoring.direction

    def to_json(self) -> dict[str, Any]:
        """The stored form, without the key (a plan's row keeps it in a column of its own)."""
        return {
            "name": self.name,
            "description": self.description,
            "unit": self.unit,
            "weight": _plain(self.weight),
            "target": None if self.target is None else _plain(self.target),
            "data_source": self.data_source,
            "scoring": self.scoring.to_json(),
            "qualitative": self.qualitative,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], key: str | None = None) -> IndicatorSpec:
        return cls(
            key=key,
            name=data["name"],
            description=data["description"],
            unit=data["unit"],
            weight=_decimal(data["weight"]),
            target=_optional(data["target"]),
            data_source=data["data_source"],
            scoring=ScoringRule.from_json(data["scoring"]),
            qualitative=bool(data["qualitative"]),
        )

    def check(self, path: str, metrics: Container[str]) -> IndicatorSpec:
        """The indicator with texts trimmed, numbers plain and a key assigned, or BadInput
        naming the field. Weights are checked with the whole plan (their total)."""
        name = validation.text(self.name, f"{path}.name")
        weight = validation.number(self.weight, f"{path}.weight", places=4, maximum=MAX_WEIGHT)
        if weight <= 0:
            raise BadInput("must_be_positive", field=f"{path}.weight")
        target = None
        if self.target is not None:
            target = validation.number(self.target, f"{path}.target", places=6, maximum=MAX_TARGET)
        scoring = self.scoring.check(f"{path}.scoring", target)
        rated = scoring.kind is ScoringKind.RATING
        if self.qualitative and not rated:
            raise BadInput(
                "invalid_format",
                field=f"{path}.scoring.kind",
                hint="a qualitative indicator is rated 1-5",
            )
        if rated and not self.qualitative:
            raise BadInput("rating_not_qualitative", field=f"{path}.qualitative")
        if not rated:
            if target is None:
                raise BadInput("required", field=f"{path}.target")
            if target <= 0:
                raise BadInput("must_be_positive", field=f"{path}.target")
        source = (self.data_source or "manual").strip()
        if source != "manual" and source not in metrics:
            raise BadInput("unknown_metric", field=f"{path}.dataSource", metric=source)
        key = validation.text(self.key, f"{path}.key", max_length=36, required=False)
        return replace(
            self,
            key=key or str(uuid.uuid4()),
            name=name,
            weight=weight,
            target=target,
            description=validation.text(
                self.description, f"{path}.description", max_length=2000, required=False
            ),
            unit=validation.text(self.unit, f"{path}.unit", max_length=32, required=False),
            data_source=source,
            scoring=scoring,
            qualitative=bool(self.qualitative),
        )
