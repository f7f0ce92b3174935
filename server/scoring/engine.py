"""The scoring engine: pure functions from a rule, a target, an actual and a weight to a score
that explains itself. No database, no GraphQL, only ``Decimal``.

Arithmetic is exact (a 60-digit context, so a repeating quotient such as 1 / 3 is far below
anything shown); the one rounding, half-up to 2 places, is of the total, and the grade follows
that rounded total. An indicator's ``score`` and ``contribution`` are kept exact; its
explanations round them to 2 places for display only.

Data conditions never raise; each gives a ``ScoreReason`` in the result:

- no actual (or no target where the kind needs one): the indicator is ``MISSING`` and the total
  ``INCOMPLETE``, naming the missing keys; never a silent 0.
- a ratio (either direction, or bands by achievement) over a target of 0 or below: ``UNDEFINED``
  (``zero_target`` / ``negative_target``); a rule like that should be LINEAR or
  TARGET_DISTANCE.
- lower-is-better with actual 0: the cap when the rule has one (``zero_actual_lower_capped``),
  else ``UNDEFINED`` (``zero_actual_lower``); bands by achievement take their top band
  (``zero_actual_lower_top_band``). A negative actual there is ``UNDEFINED``, as
  target / actual would reward it.
- a negative actual under higher-is-better scores negative (``negative_actual``), held only by
  a floor the rule sets; LINEAR and TARGET_DISTANCE take negative values as they are.
- TARGET_DISTANCE never goes below 0 (``distance_floor``) unless the rule's floor says where
  it stops instead: the rule is a deduction from 100, and a deduction past nothing means no more.
- a value below the first band scores 0 (``below_bands``); a rating other than a whole 1-5 is
  ``UNDEFINED``.
- overachievement is not capped unless the rule says so (``overachieved`` is noted).

The total is Σ weight × score / Σ weight, which is Σ weight/100 × score when the weights add up
to 100 (the person's assignment) and keeps the total unchanged when all weights scale alike.
A gate lowers the total to the smallest ``total_cap`` among the gates that fired.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from enum import StrEnum
from functools import cached_property

from server.indicators import HUNDRED, ScoringRule
from server.scoring import messages as m
from server.scoring.grades import DEFAULT_GRADE_BANDS, GradeBand, grade_for
from server.scoring.messages import ScoreReason
from server.vocabulary import BandBasis, Direction, ScoringKind

CENT = Decimal("0.01")
ZERO = Decimal(0)
_CONTEXT = Context(prec=60)
LANGS = ("en", "zh")


class Status(StrEnum):
    OK = "ok"
    MISSING = "missing"
    UNDEFINED = "undefined"
    INCOMPLETE = "incomplete"  # a total some of whose indicators have no score


def display(value: Decimal) -> str:
    """A number as the explanations show it: half-up to 2 places, no trailing zeros."""
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP).normalize()
    return f"{rounded:f}"


@dataclass(frozen=True)
class IndicatorScore:
    key: str
    weight: Decimal
    status: Status
    score: Decimal | None = None  # exact, after floor and cap
    raw: Decimal | None = None  # exact, before floor and cap
    contribution: Decimal | None = None  # exact weight / 100 × score
    reasons: tuple[ScoreReason, ...] = ()
    gate_cap: Decimal | None = None  # the total's cap when this indicator's gate fired
    # Writes the explanation in one language. Called only when one is read, and once per
    # language: a recompute of a whole company scores far more than anyone reads.
    explain: Callable[[str], str] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def explanation_en(self) -> str:
        return self.explain("en") if self.explain else ""

    @cached_property
    def explanation_zh(self) -> str:
        return self.explain("zh") if self.explain else ""

    def explanation(self, lang: str) -> str:
        return self.explanation_zh if lang == "zh" else self.explanation_en


@dataclass(frozen=True)
class TotalScore:
    status: Status
    total: Decimal | None  # rounded half-up to 2 places; None when incomplete
    exact: Decimal | None  # before rounding, after any gate
    grade: GradeBand | None
    parts: tuple[tuple[str, Decimal], ...] = ()  # exact normalized contributions, summed
    missing: tuple[str, ...] = ()
    undefined: tuple[str, ...] = ()
    gated_by: tuple[str, ...] = ()
    reasons: tuple[ScoreReason, ...] = ()
    items: tuple[IndicatorScore, ...] = field(default=())

    def explanation(self, lang: str) -> str:
        """``72 + 50 = 122 → Excellent``, with the gate or what is missing named."""
        if self.total is None or self.grade is None:
            keys = ", ".join((*self.missing, *self.undefined))
            reason = ScoreReason.INCOMPLETE if keys else ScoreReason.NO_WEIGHT
            return m.reason_text(reason, lang, keys=keys)
        body = m.text(
            m.FORMULAS["total"],
            lang,
            parts=" + ".join(display(p) for _, p in self.parts),
            total=display(self.total),
            grade=self.grade.name(lang),
        )
        notes = []
        if self.gated_by:
            notes.append(m.text(m.FORMULAS["total_gated"], lang, keys=", ".join(self.gated_by)))
        return m.with_notes(body, notes, lang)


@dataclass
class _Work:
    """What one indicator's computation gathers on its way."""

    formula: tuple[str, ...] = ("", "")
    # "fraction": a ratio read as the article does (12 / 10 × 60 %); "result": a formula whose
    # value is shown; "plain": a formula that names its score already (bands, rating).
    style: str = "plain"
    reasons: list[ScoreReason] = field(default_factory=list)
    params: dict[str, str] = field(default_factory=dict)


def _ratio(rule: ScoringRule, target: Decimal, actual: Decimal, work: _Work) -> Decimal | None:
    if target == 0:
        work.reasons.append(ScoreReason.ZERO_TARGET)
        return None
    if target < 0:
        work.reasons.append(ScoreReason.NEGATIVE_TARGET)
        return None
    if rule.direction is Direction.HIGHER:
        if actual < 0:
            work.reasons.append(ScoreReason.NEGATIVE_ACTUAL)
        work.formula = m.FORMULAS["ratio"]
        return actual / target * HUNDRED
    if actual < 0:
        work.reasons.append(ScoreReason.NEGATIVE_ACTUAL_LOWER)
        return None
    work.formula = m.FORMULAS["ratio_lower"]
    if actual == 0:
        if rule.cap is None:
            work.reasons.append(ScoreReason.ZERO_ACTUAL_LOWER)
            return None
        work.reasons.append(ScoreReason.ZERO_ACTUAL_LOWER_CAPPED)
        work.formula, work.style = m.FORMULAS["ratio_lower_zero"], "plain"
        return rule.cap
    return target / actual * HUNDRED


def _bands(
    rule: ScoringRule, target: Decimal | None, actual: Decimal, work: _Work
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
            work.params.update(value="∞", start=display(band.start), score=display(band.score))
            return band.score
        achievement = _ratio(rule, target, actual, work)
        if achievement is None:
            return None
        value, template = achievement, m.FORMULAS["bands_achievement"]
    reached = [b for b in rule.bands if value >= b.start]
    if not reached:
        work.reasons.append(ScoreReason.BELOW_BANDS)
        work.formula = m.FORMULAS["below_bands"]
        work.params["value"] = display(value)
        return ZERO
    band = max(reached, key=lambda b: b.start)
    work.formula = template
    work.params.update(value=display(value), start=display(band.start), score=display(band.score))
    return band.score


def _raw(rule: ScoringRule, target: Decimal | None, actual: Decimal, work: _Work) -> Decimal | None:
    kind = rule.kind
    if kind is ScoringKind.RATING:
        count = len(rule.rating_points)
        if actual != actual.to_integral_value() or not 1 <= actual <= count:
            work.reasons.append(ScoreReason.RATING_OUT_OF_RANGE)
            work.params["count"] = str(count)
            return None
        score = rule.rating_points[int(actual) - 1]
        work.formula = m.FORMULAS["rating"]
        work.params["score"] = display(score)
        return score
    if kind is ScoringKind.BANDS:
        return _bands(rule, target, actual, work)
    if target is None:
        work.reasons.append(ScoreReason.MISSING_TARGET)
        return None
    if kind is ScoringKind.RATIO:
        work.style = "fraction"
        return _ratio(rule, target, actual, work)
    if kind is ScoringKind.LINEAR:
        zero = rule.zero_anchor
        if zero is None:
            work.reasons.append(ScoreReason.MISSING_ZERO_ANCHOR)
            return None
        if zero == target:
            work.reasons.append(ScoreReason.ZERO_SPAN)
            return None
        work.formula, work.style = m.FORMULAS["linear"], "fraction"
        work.params["zero"] = display(zero)
        return (actual - zero) / (target - zero) * HUNDRED
    penalty = rule.penalty
    if penalty is None:
        work.reasons.append(ScoreReason.MISSING_PENALTY)
        return None
    work.formula, work.style = m.FORMULAS["target_distance"], "result"
    work.params["penalty"] = display(penalty)
    return HUNDRED - penalty * abs(actual - target)


def _limit(rule: ScoringRule, raw: Decimal, work: _Work) -> Decimal:
    score = raw
    floor = rule.floor
    if floor is None and rule.kind is ScoringKind.TARGET_DISTANCE:
        if score < 0:
            work.reasons.append(ScoreReason.DISTANCE_FLOOR)
            score = ZERO
    elif floor is not None and score < floor:
        work.reasons.append(ScoreReason.FLOORED)
        score = floor
    if rule.cap is not None and score > rule.cap:
        work.reasons.append(ScoreReason.CAPPED)
        score = rule.cap
    elif score > HUNDRED and rule.kind in (ScoringKind.RATIO, ScoringKind.LINEAR):
        work.reasons.append(ScoreReason.OVERACHIEVED)
    return score


def _note_params(rule: ScoringRule) -> dict[str, str]:
    params: dict[str, str] = {}
    if rule.cap is not None:
        params["cap"] = display(rule.cap)
    if rule.floor is not None:
        params["floor"] = display(rule.floor)
    if rule.gate is not None:
        params.update(below=display(rule.gate.below), total_cap=display(rule.gate.total_cap))
    return params


def _explain(
    lang: str, work: _Work, raw: Decimal, score: Decimal, contribution: Decimal, weight: Decimal
) -> str:
    params = dict(work.params, weight=display(weight), contribution=display(contribution))
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


def score_indicator(
    rule: ScoringRule,
    target: Decimal | None,
    actual_or_rating: Decimal | None,
    weight: Decimal,
    *,
    key: str = "",
) -> IndicatorScore:
    """One indicator's score under ``rule``, its weighted contribution and its explanation."""
    with localcontext(_CONTEXT):
        work = _Work()
        if actual_or_rating is None:
            work.reasons.append(ScoreReason.MISSING_ACTUAL)
            raw = None
        else:
            raw = _raw(rule, target, actual_or_rating, work)

        def fill_params() -> None:
            # Numbers are displayed only for an explanation that is read.
            if "target" not in work.params:
                work.params.setdefault("target", "" if target is None else display(target))
                work.params.setdefault(
                    "actual", "" if actual_or_rating is None else display(actual_or_rating)
                )
                work.params.update(_note_params(rule))

        if raw is None:
            missing = {ScoreReason.MISSING_ACTUAL, ScoreReason.MISSING_TARGET} & set(work.reasons)

            def explain_missing(lang: str) -> str:
                fill_params()
                with localcontext(_CONTEXT):
                    return m.text(m.NOTE_SEPARATOR, lang).join(
                        m.reason_text(r, lang, **work.params) for r in work.reasons
                    )

            return IndicatorScore(
                key=key,
                weight=weight,
                status=Status.MISSING if missing else Status.UNDEFINED,
                reasons=tuple(work.reasons),
                explain=explain_missing,
            )
        score = _limit(rule, raw, work)
        gate_cap = None
        if rule.gate is not None and score < rule.gate.below:
            work.reasons.append(ScoreReason.GATE)
            gate_cap = rule.gate.total_cap
        contribution = weight / HUNDRED * score

        def explain_score(lang: str) -> str:
            fill_params()
            with localcontext(_CONTEXT):
                return _explain(lang, work, raw, score, contribution, weight)

        return IndicatorScore(
            key=key,
            weight=weight,
            status=Status.OK,
            score=score,
            raw=raw,
            contribution=contribution,
            reasons=tuple(work.reasons),
            gate_cap=gate_cap,
            explain=explain_score,
        )


def score_total(
    items: list[IndicatorScore] | tuple[IndicatorScore, ...],
    grade_bands: tuple[GradeBand, ...] = DEFAULT_GRADE_BANDS,
) -> TotalScore:
    """The weighted total of scored indicators, gated, rounded once, and graded."""
    items = tuple(items)
    missing = tuple(i.key for i in items if i.status is Status.MISSING)
    undefined = tuple(i.key for i in items if i.status is Status.UNDEFINED)
    if missing or undefined:
        return TotalScore(
            status=Status.INCOMPLETE,
            total=None,
            exact=None,
            grade=None,
            missing=missing,
            undefined=undefined,
            reasons=(ScoreReason.INCOMPLETE,),
            items=items,
        )
    with localcontext(_CONTEXT):
        weights = sum((i.weight for i in items), ZERO)
        if weights == 0:
            return TotalScore(
                Status.UNDEFINED, None, None, None, reasons=(ScoreReason.NO_WEIGHT,), items=items
            )
        parts = tuple((i.key, i.weight * (i.score or ZERO) / weights) for i in items)
        exact = sum((p for _, p in parts), ZERO)
        gates = [i for i in items if i.gate_cap is not None]
        reasons: tuple[ScoreReason, ...] = ()
        if gates:
            cap = min(i.gate_cap for i in gates if i.gate_cap is not None)
            if exact > cap:
                exact = cap
            reasons = (ScoreReason.GATE,)
        total = exact.quantize(CENT, rounding=ROUND_HALF_UP)
    return TotalScore(
        status=Status.OK,
        total=total,
        exact=exact,
        grade=grade_for(total, grade_bands),
        parts=parts,
        gated_by=tuple(i.key for i in gates),
        reasons=reasons,
        items=items,
    )
