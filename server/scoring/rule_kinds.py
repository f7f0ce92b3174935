"""How each rule kind turns an actual into an indicator's raw score, with what its
explanation will need: the engine's (server/scoring/engine.py) per-kind arithmetic, kept apart
from the results it builds. Pure, no database; run under the engine's 60-digit context."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from server.indicators import HUNDRED, ScoringRule
from server.scoring import messages as m
from server.scoring.messages import ScoreReason
from server.scoring.numbers import ZERO, display
from server.vocabulary import BandBasis, Direction, ScoringKind

_RATING, _BANDS, _RATIO, _LINEAR, _DISTANCE = (
    ScoringKind.RATING,
    ScoringKind.BANDS,
    ScoringKind.RATIO,
    ScoringKind.LINEAR,
    ScoringKind.TARGET_DISTANCE,
)
_HIGHER, _LOWER = Direction.HIGHER, Direction.LOWER


@dataclass
class Work:
    """What one indicator's computation gathers on its way."""

    formula: tuple[str, ...] = ("", "")
    # "fraction": a ratio read as the article does (12 / 10 × 60 %); "result": a formula whose
    # value is shown; "plain": a formula that names its score already (bands, rating).
    style: str = "plain"
    reasons: list[ScoreReason] = field(default_factory=list)
    # Numbers are kept as they are and displayed only for an explanation that is read.
    params: dict[str, str | Decimal] = field(default_factory=dict)


def _ratio(rule: ScoringRule, target: Decimal, actual: Decimal, work: Work) -> Decimal | None:
    if not target:
        work.reasons.append(ScoreReason.ZERO_TARGET)
        return None
    if target < ZERO:
        work.reasons.append(ScoreReason.NEGATIVE_TARGET)
        return None
    if rule.direction is _HIGHER:
        if actual < ZERO:
            work.reasons.append(ScoreReason.NEGATIVE_ACTUAL)
        work.formula = m.FORMULAS["ratio"]
        return actual / target * HUNDRED
    if actual < ZERO:
        work.reasons.append(ScoreReason.NEGATIVE_ACTUAL_LOWER)
        return None
    work.formula = m.FORMULAS["ratio_lower"]
    if not actual:
        if rule.cap is None:
            work.reasons.append(ScoreReason.ZERO_ACTUAL_LOWER)
            return None
        work.reasons.append(ScoreReason.ZERO_ACTUAL_LOWER_CAPPED)
        work.formula, work.style = m.FORMULAS["ratio_lower_zero"], "plain"
        return rule.cap
    return target / actual * HUNDRED


def _bands(
    rule: ScoringRule, target: Decimal | None, actual: Decimal, work: Work
) -> Decimal | None:
    if not rule.bands:
        work.reasons.append(ScoreReason.MISSING_BANDS)
        return None
    value = actual
    template = m.FORMULAS["bands_actual"]
    if rule.basis is BandBasis.ACHIEVEMENT:
        if target is None:
            work.reasons.append(ScoreReason.MISSING_TARGET)
            return None
        if rule.direction is Direction.LOWER and actual == 0 and target > 0:
            # Achievement is unbounded: the best band, whatever its start.
            band = rule.bands[-1]
            work.reasons.append(ScoreReason.ZERO_ACTUAL_LOWER_TOP_BAND)
            work.formula = m.FORMULAS["bands_achievement"]
            work.params.update(value="∞", start=band.start, score=band.score)
            return band.score
        achievement = _ratio(rule, target, actual, work)
        if achievement is None:
            return None
        value, template = achievement, m.FORMULAS["bands_achievement"]
    reached = [b for b in rule.bands if value >= b.start]
    if not reached:
        work.reasons.append(ScoreReason.BELOW_BANDS)
        work.formula = m.FORMULAS["below_bands"]
        work.params["value"] = value
        return ZERO
    band = max(reached, key=lambda b: b.start)
    work.formula = template
    work.params.update(value=value, start=band.start, score=band.score)
    return band.score


def raw_score(
    rule: ScoringRule, target: Decimal | None, actual: Decimal, work: Work
) -> Decimal | None:
    kind = rule.kind
    if kind is _RATING:
        count = len(rule.rating_points)
        if actual != actual.to_integral_value() or not 1 <= actual <= count:
            work.reasons.append(ScoreReason.RATING_OUT_OF_RANGE)
            work.params["count"] = str(count)
            return None
        score = rule.rating_points[int(actual) - 1]
        work.formula = m.FORMULAS["rating"]
        work.params["score"] = score
        return score
    if kind is _BANDS:
        return _bands(rule, target, actual, work)
    if target is None:
        work.reasons.append(ScoreReason.MISSING_TARGET)
        return None
    if kind is _RATIO:
        work.style = "fraction"
        return _ratio(rule, target, actual, work)
    if kind is _LINEAR:
        zero = rule.zero_anchor
        if zero is None:
            work.reasons.append(ScoreReason.MISSING_ZERO_ANCHOR)
            return None
        if zero == target:
            work.reasons.append(ScoreReason.ZERO_SPAN)
            return None
        work.formula, work.style = m.FORMULAS["linear"], "fraction"
        work.params["zero"] = zero
        return (actual - zero) / (target - zero) * HUNDRED
    penalty = rule.penalty
    if penalty is None:
        work.reasons.append(ScoreReason.MISSING_PENALTY)
        return None
    work.formula, work.style = m.FORMULAS["target_distance"], "result"
    work.params["penalty"] = penalty
    return HUNDRED - penalty * abs(actual - target)


def limit(rule: ScoringRule, raw: Decimal, work: Work) -> Decimal:
    score = raw
    floor = rule.floor
    kind = rule.kind
    if floor is None and kind is _DISTANCE:
        if score < ZERO:
            work.reasons.append(ScoreReason.DISTANCE_FLOOR)
            score = ZERO
    elif floor is not None and score < floor:
        work.reasons.append(ScoreReason.FLOORED)
        score = floor
    if rule.cap is not None and score > rule.cap:
        work.reasons.append(ScoreReason.CAPPED)
        score = rule.cap
    elif (kind is _RATIO or kind is _LINEAR) and score > HUNDRED:
        work.reasons.append(ScoreReason.OVERACHIEVED)
    return score


def note_params(rule: ScoringRule) -> dict[str, str]:
    params: dict[str, str] = {}
    if rule.cap is not None:
        params["cap"] = display(rule.cap)
    if rule.floor is not None:
        params["floor"] = display(rule.floor)
    if rule.gate is not None:
        params.update(below=display(rule.gate.below), total_cap=display(rule.gate.total_cap))
    return params


def explain(
    lang: str,
    work: Work,
    shown: dict[str, str],
    raw: Decimal,
    score: Decimal,
    contribution: Decimal,
    weight: Decimal,
) -> str:
    params = dict(shown, weight=display(weight), contribution=display(contribution))
    params.update(raw=display(raw), score=display(score))
    formula = m.text(work.formula, lang, **params)
    if raw != score:
        name = "limited_fraction" if work.style == "fraction" else "limited"
    else:
        name = {"fraction": "weighted_fraction", "result": "weighted_result"}.get(
            work.style, "weighted_plain"
        )
    body = m.text(m.FORMULAS[name], lang, **dict(params, formula=formula))
    # Overachievement stays a reason code only: the formula shows it, and no limit applied.
    notes = [
        m.reason_text(r, lang, **params) for r in work.reasons if r is not ScoreReason.OVERACHIEVED
    ]
    return m.with_notes(body, notes, lang)
