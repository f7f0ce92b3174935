"""A stored score read back for a report: its indicators, completion and explanations.

Pure: the numbers come from the row itself, its ``inputs`` (what the score was computed
from: targets, actuals, weights) and its ``result`` (each indicator's score), and the words
from ``server.scoring.snapshot.explanation``, as every other reader of a score gets them.
Completion is the one number added here: actual / target (target / actual when lower is
better), as a person reads "how far am I".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from server.indicators import HUNDRED, ScoringRule
from server.scoring import snapshot
from server.scoring.engine import CENT, Status
from server.scoring.grades import GradeBand
from server.scoring.snapshot import StoredScore
from server.vocabulary import Direction, ScoringKind


@dataclass(frozen=True)
class IndicatorLine:
    key: str
    name: str
    unit: str
    weight: Decimal
    target: Decimal | None
    actual: Decimal | None
    # actual / target × 100 (target / actual × 100 when lower is better), 2 places; None for
    # ratings and where it is undefined (no actual, a target or lower-is-better actual of 0)
    completion: Decimal | None
    score: Decimal | None  # 2 places, None when the indicator could not be scored
    missing: bool  # no actual (or rating) yet
    qualitative: bool
    explanation: str


def _decimal(value: Any) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def cents(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


def completion(rule: ScoringRule, target: Decimal | None, actual: Decimal | None) -> Decimal | None:
    if rule.kind is ScoringKind.RATING or target is None or actual is None:
        return None
    with localcontext() as context:
        context.prec = 40
        if rule.direction is Direction.LOWER:
            return None if actual <= 0 or target < 0 else cents(target / actual * HUNDRED)
        return None if target <= 0 else cents(actual / target * HUNDRED)


def indicator_lines(
    row: StoredScore, units: Mapping[str, str], lang: str
) -> tuple[IndicatorLine, ...]:
    """One line per indicator the score was computed from, in its order: the numbers as
    stored, the explanation as the score gives it (a frozen score's as it was written)."""
    stored = {item.key: item for item in snapshot.items(row)}
    explained = snapshot.explanation(row, lang, frozen=bool(row.result.get("explanations")))
    found = []
    for item in row.inputs.get("indicators", ()):
        key = item["key"]
        rule = ScoringRule.from_json(item["rule"])
        target, actual = _decimal(item.get("target")), _decimal(item.get("value"))
        scored = stored.get(key)
        found.append(
            IndicatorLine(
                key=key,
                name=item.get("name", ""),
                unit=units.get(key, ""),
                weight=_decimal(item.get("weight")) or Decimal(0),
                target=target,
                actual=actual,
                completion=completion(rule, target, actual),
                score=cents(scored.score) if scored else None,
                missing=actual is None,
                qualitative=bool(item.get("qualitative")),
                explanation=explained.items.get(key, ""),
            )
        )
    return tuple(found)


def total_explanation(row: StoredScore, lang: str) -> str:
    return snapshot.explanation(row, lang, frozen=bool(row.result.get("explanations"))).total


def bands_of(row: StoredScore, fallback: tuple[GradeBand, ...]) -> tuple[GradeBand, ...]:
    """The grade bands the score was graded with (named as they were then)."""
    kept = row.result.get("grade_bands")
    return snapshot.bands_from_json(kept) if kept else fallback


def grade_name(key: str | None, bands: tuple[GradeBand, ...], lang: str) -> str | None:
    if key is None:
        return None
    for band in bands:
        if band.key == key:
            return band.name(lang)
    return key


def complete(status: str) -> bool:
    return status == Status.OK.value
