"""One person's final score from his inputs: pure, no database (scores, previews, benches).

The indicators' total comes from the engine (weights of the person's assignment, gates,
half-up to 2 places once). With a tenant formula the final score is the formula over its
components: ``indicators`` (the exact indicators' total, gated) and ``manager_rating``
(the overall 1-5 rating on the 100 scale) and ``peer_rating`` (the 360 mean on the same
scale, server/scoring/peer_input.py); the result is rounded half-up to 2 places once
and graded. A component the person lacks makes the score INCOMPLETE, naming it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from server.scoring.engine import CENT, IndicatorScore, Status, TotalScore, score_indicator
from server.scoring.engine import score_total as total_of
from server.scoring.grades import GradeBand, grade_for
from server.scoring.inputs import RATING_SCALE, PersonInputs, ScoringSetup

INDICATORS = "indicators"
MANAGER_RATING = "manager_rating"
PEER_RATING = "peer_rating"  # the 360 mean on the 100 scale, once enough colleagues answered
COMPONENTS = frozenset({INDICATORS, MANAGER_RATING, PEER_RATING})


class Ratings(NamedTuple):
    """A person's overall ratings when he has a peer rating: what ``compute_scored`` takes
    (and a recompute keys people by) in place of the bare manager rating."""

    manager: int | None
    peer: Decimal


def rated(manager_rating: int | None, peer_rating: Decimal | None) -> int | Ratings | None:
    """The bare manager rating without a peer rating (as before 360 input), else both."""
    return manager_rating if peer_rating is None else Ratings(manager_rating, peer_rating)


class FormulaError(Exception):
    """A formula that cannot be evaluated on these values (division by zero...)."""

    def __init__(self, key: str, **params: str) -> None:
        self.key = key
        self.params = params
        super().__init__(key)


@dataclass(frozen=True)
class PersonScore:
    status: Status  # OK, INCOMPLETE or UNDEFINED
    total: Decimal | None  # the final score, half-up to 2 places
    grade: GradeBand | None
    indicators: TotalScore  # the indicators' part, with each indicator's score
    formula_version: int | None
    # Components the formula needs and this person lacks ("manager_rating").
    missing_components: tuple[str, ...] = ()
    # Why the formula could not be evaluated (a FormulaError key), else "".
    formula_error: str = ""

    @property
    def items(self) -> tuple[IndicatorScore, ...]:
        return self.indicators.items


def compute_person(inputs: PersonInputs, setup: ScoringSetup) -> PersonScore:
    items = [
        score_indicator(i.rule, i.target, i.value, i.weight, key=i.key) for i in inputs.indicators
    ]
    return compute_scored(items, rated(inputs.manager_rating, inputs.peer_rating), setup)


def compute_scored(
    items: list[IndicatorScore], manager_rating: int | Ratings | None, setup: ScoringSetup
) -> PersonScore:
    """``compute_person`` from indicators already scored (a recompute scores each distinct
    rule, target and value once and shares the result between the people who have it).
    ``manager_rating``: the bare rating, or ``Ratings`` when there is a peer rating too."""
    peer_rating: Decimal | None = None
    if isinstance(manager_rating, Ratings):
        manager_rating, peer_rating = manager_rating
    indicators = total_of(items, setup.grade_bands)
    formula = setup.formula
    if formula is None:
        return PersonScore(
            indicators.status,
            indicators.total,
            indicators.grade,
            indicators,
            setup.formula_version,
        )
    values: dict[str, Decimal] = {}
    missing: list[str] = []
    if indicators.exact is not None:
        values[INDICATORS] = indicators.exact
    elif INDICATORS in formula.components:
        missing.append(INDICATORS)
    if manager_rating is not None:
        values[MANAGER_RATING] = Decimal(manager_rating) * RATING_SCALE
    elif MANAGER_RATING in formula.components:
        missing.append(MANAGER_RATING)
    if peer_rating is not None:
        values[PEER_RATING] = peer_rating * RATING_SCALE
    elif PEER_RATING in formula.components:
        missing.append(PEER_RATING)
    if missing:
        return PersonScore(
            Status.INCOMPLETE, None, None, indicators, setup.formula_version, tuple(missing)
        )
    try:
        exact = formula.evaluate(values)
    except FormulaError as exc:
        return PersonScore(
            Status.UNDEFINED, None, None, indicators, setup.formula_version, (), exc.key
        )
    total = exact.quantize(CENT, rounding=ROUND_HALF_UP)
    return PersonScore(
        Status.OK, total, grade_for(total, setup.grade_bands), indicators, setup.formula_version
    )
