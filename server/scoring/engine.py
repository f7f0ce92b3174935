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

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import MISSING, dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum
from functools import cached_property
from typing import Any, TypeVar

from server.indicators import HUNDRED, ScoringRule
from server.scoring import messages as m
from server.scoring import rule_kinds as rules
from server.scoring.grades import DEFAULT_GRADE_BANDS, GradeBand, grade_for
from server.scoring.messages import ScoreReason
from server.scoring.numbers import CENT, ZERO, display
from server.scoring.numbers import CONTEXT as _CONTEXT

__all__ = ["CENT", "LANGS", "ZERO", "IndicatorScore", "Status", "TotalScore", "display"]
__all__ += ["exact_arithmetic", "score_indicator", "score_total"]

LANGS = ("en", "zh")
# Set while the engine's context is in force: a recompute enters it once for thousands of
# scores, rather than once per indicator.
_EXACT: ContextVar[bool] = ContextVar("jixiao_exact_arithmetic", default=False)


@contextmanager
def exact_arithmetic() -> Iterator[None]:
    """The engine's 60-digit context, for a block that scores many indicators."""
    if _EXACT.get():
        yield
        return
    with localcontext(_CONTEXT):
        token = _EXACT.set(True)
        try:
            yield
        finally:
            _EXACT.reset(token)


class Status(StrEnum):
    OK = "ok"
    MISSING = "missing"
    UNDEFINED = "undefined"
    INCOMPLETE = "incomplete"  # a total some of whose indicators have no score


_T = TypeVar("_T")


def _made(cls: type[_T], defaults: dict[str, Any], **values: Any) -> _T:
    """A frozen dataclass instance without its ``__init__``, which sets each field through
    ``object.__setattr__``: a recompute of a company makes tens of thousands of these, and
    that was a tenth of its time. ``defaults`` holds every field's default."""
    made = object.__new__(cls)
    made.__dict__.update(defaults, **values)
    return made


def _defaults(cls: type) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for f in fields(cls):
        if f.default_factory is not MISSING:  # one object shared by all: only immutables
            raise TypeError(f"{cls.__name__}.{f.name}: a default factory cannot be shared")
        if f.default is not MISSING:
            found[f.name] = f.default
    return found


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
    missing: tuple[str, ...] = ()
    undefined: tuple[str, ...] = ()
    gated_by: tuple[str, ...] = ()
    reasons: tuple[ScoreReason, ...] = ()
    items: tuple[IndicatorScore, ...] = field(default=())

    @cached_property
    def parts(self) -> tuple[tuple[str, Decimal], ...]:
        """Each indicator's exact normalized contribution, weight × score / Σ weights, which
        add up to the total before any gate; () unless every indicator scored. Worked out
        when an explanation or a snapshot is written, not for every score a recompute makes."""
        if self.status is not Status.OK:
            return ()
        with localcontext(_CONTEXT):
            weights = sum((i.weight for i in self.items), ZERO)
            return tuple((i.key, i.weight * (i.score or ZERO) / weights) for i in self.items)

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


def score_indicator(
    rule: ScoringRule,
    target: Decimal | None,
    actual_or_rating: Decimal | None,
    weight: Decimal,
    *,
    key: str = "",
) -> IndicatorScore:
    """One indicator's score under ``rule``, its weighted contribution and its explanation."""
    if _EXACT.get():
        return _score_indicator(rule, target, actual_or_rating, weight, key)
    with localcontext(_CONTEXT):
        return _score_indicator(rule, target, actual_or_rating, weight, key)


def _score_indicator(
    rule: ScoringRule,
    target: Decimal | None,
    actual_or_rating: Decimal | None,
    weight: Decimal,
    key: str,
) -> IndicatorScore:
    work = rules.Work()
    if actual_or_rating is None:
        work.reasons.append(ScoreReason.MISSING_ACTUAL)
        raw = None
    else:
        raw = rules.raw_score(rule, target, actual_or_rating, work)

    def shown() -> dict[str, str]:
        # Numbers are displayed only for an explanation that is read.
        params = {k: v if isinstance(v, str) else display(v) for k, v in work.params.items()}
        params.setdefault("target", "" if target is None else display(target))
        params.setdefault("actual", "" if actual_or_rating is None else display(actual_or_rating))
        params.update(rules.note_params(rule))
        return params

    if raw is None:
        missing = {ScoreReason.MISSING_ACTUAL, ScoreReason.MISSING_TARGET} & set(work.reasons)

        def explain_missing(lang: str) -> str:
            with localcontext(_CONTEXT):
                params = shown()
                return m.text(m.NOTE_SEPARATOR, lang).join(
                    m.reason_text(r, lang, **params) for r in work.reasons
                )

        return _made(
            IndicatorScore,
            _INDICATOR_DEFAULTS,
            key=key,
            weight=weight,
            status=Status.MISSING if missing else Status.UNDEFINED,
            reasons=tuple(work.reasons),
            explain=explain_missing,
        )
    score = rules.limit(rule, raw, work)
    gate_cap = None
    gate = rule.gate
    if gate is not None and score < gate.below:
        work.reasons.append(ScoreReason.GATE)
        gate_cap = gate.total_cap
    contribution = weight / HUNDRED * score

    def explain_score(lang: str) -> str:
        with localcontext(_CONTEXT):
            return rules.explain(lang, work, shown(), raw, score, contribution, weight)

    return _made(
        IndicatorScore,
        _INDICATOR_DEFAULTS,
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


_INDICATOR_DEFAULTS = _defaults(IndicatorScore)


def score_total(
    items: list[IndicatorScore] | tuple[IndicatorScore, ...],
    grade_bands: tuple[GradeBand, ...] = DEFAULT_GRADE_BANDS,
) -> TotalScore:
    """The weighted total of scored indicators, gated, rounded once, and graded."""
    if _EXACT.get():
        return _score_total(tuple(items), grade_bands)
    with localcontext(_CONTEXT):
        return _score_total(tuple(items), grade_bands)


def _score_total(
    items: tuple[IndicatorScore, ...], grade_bands: tuple[GradeBand, ...]
) -> TotalScore:
    # One pass: a recompute totals every person of a plan.
    ok = Status.OK
    complete = True
    weights = exact = ZERO
    cap: Decimal | None = None
    for i in items:
        if i.status is not ok:
            complete = False
            continue
        weights += i.weight
        exact += i.contribution  # type: ignore[operator]  # set on every OK indicator
        if i.gate_cap is not None and (cap is None or i.gate_cap < cap):
            cap = i.gate_cap
    if not complete:
        return TotalScore(
            status=Status.INCOMPLETE,
            total=None,
            exact=None,
            grade=None,
            missing=tuple(i.key for i in items if i.status is Status.MISSING),
            undefined=tuple(i.key for i in items if i.status is Status.UNDEFINED),
            reasons=(ScoreReason.INCOMPLETE,),
            items=items,
        )
    if not weights:
        return TotalScore(
            Status.UNDEFINED, None, None, None, reasons=(ScoreReason.NO_WEIGHT,), items=items
        )
    if weights != HUNDRED:
        # Σ weight/100 × score is Σ weight × score / Σ weight only when the weights add up
        # to 100 (as a person's assignment's do).
        exact = sum((i.weight * (i.score or ZERO) / weights for i in items), ZERO)
    reasons: tuple[ScoreReason, ...] = ()
    gated_by: tuple[str, ...] = ()
    if cap is not None:
        if exact > cap:
            exact = cap
        reasons = (ScoreReason.GATE,)
        gated_by = tuple(i.key for i in items if i.gate_cap is not None)
    total = exact.quantize(CENT, rounding=ROUND_HALF_UP)
    return _made(
        TotalScore,
        _TOTAL_DEFAULTS,
        status=ok,
        total=total,
        exact=exact,
        grade=grade_for(total, grade_bands),
        gated_by=gated_by,
        reasons=reasons,
        items=items,
    )


_TOTAL_DEFAULTS = _defaults(TotalScore)
