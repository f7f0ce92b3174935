"""Inputs of the scoring settings and of a what-if change, as server/scoring's values."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from schema.enums import Direction
from schema.plans.indicators import ScoringInput, scoring_rule
from server.evaluations.ratings import RatingLabel
from server.scoring import grades, preview


@strawberry.input(description="A grade band; list them from the top grade down.")
class GradeBandInput:
    key: str
    minimum: Decimal | None = strawberry.field(
        description="The lowest total earning it; null for the one, last, catch-all band"
    )
    name_en: str
    name_zh: str

    def value(self) -> grades.GradeBand:
        return grades.GradeBand(self.key, self.minimum, self.name_en, self.name_zh)


@strawberry.input
class RatingLabelInput:
    rating: int
    en: str
    zh: str

    def value(self) -> RatingLabel:
        return RatingLabel(self.rating, self.en, self.zh)


@strawberry.input(description="A new target for the plan's indicator with this key.")
class TargetChangeInput:
    indicator_key: str
    target: Decimal


@strawberry.input(
    description="A new weight; each person's weights are then re-normalized (Σw), so the "
    "others need not change. 0: as if the indicator did not count."
)
class WeightChangeInput:
    indicator_key: str
    weight: Decimal


@strawberry.input(description="A new scoring rule for the plan's indicator with this key.")
class RuleChangeInput:
    indicator_key: str
    scoring: ScoringInput
    direction: Direction | None = strawberry.field(
        default=None, description="Default: the indicator's"
    )


@strawberry.input(description="A new final-score formula (empty: the indicators' total).")
class FormulaChangeInput:
    expression: str


@strawberry.input(description="Exactly one of the members; none or several: EXACTLY_ONE.")
class ScoreChangeInput:
    target: TargetChangeInput | None = None
    weight: WeightChangeInput | None = None
    rule: RuleChangeInput | None = None
    formula: FormulaChangeInput | None = None

    def value(self) -> preview.Change:
        target = weight = rule = formula = None
        if self.target is not None:
            target = preview.TargetChange(self.target.indicator_key, self.target.target)
        if self.weight is not None:
            weight = preview.WeightChange(self.weight.indicator_key, self.weight.weight)
        if self.rule is not None:
            # The direction is filled from the indicator when not given (check_change).
            rule = preview.RuleChange(
                self.rule.indicator_key,
                scoring_rule(self.rule.scoring, self.rule.direction or Direction.HIGHER),
                self.rule.direction,
            )
        if self.formula is not None:
            formula = preview.FormulaChange(self.formula.expression)
        return preview.one_change(target=target, weight=weight, rule=rule, formula=formula)
