"""What-if: a plan's whole population scored under a proposed change, before it is made.

``score_preview`` loads every assigned person's inputs once, applies the change in memory (a
target, weight or rule of one of the plan's indicators, or a new final-score formula) and
computes each person twice with the pure ``compute_person``: as things stand and as they
would be. It writes nothing. A weight change is re-normalized by the engine (Σw), so the
other weights need not be touched. A personal indicator with the same key (added for one
person) is left alone: the change is to the plan's indicator.

The statements are the same for 5 people or 5,000: the plan, its indicators, the setup,
the people in the caller's scope (only when it is not the whole company) and their inputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, cast
from uuid import UUID

from server import validation
from server.audit import Actor
from server.authz import SCORE_PREVIEW, SCORING_SETTINGS_UPDATE
from server.errors import BadInput, NotFound
from server.indicators import MAX_TARGET, MAX_WEIGHT, ScoringRule
from server.models import Plan
from server.models.plans import Indicator
from server.models.results import Assignment, ScoringFormula
from server.scoring import loading, settings
from server.scoring.compute import PersonScore, compute_person
from server.scoring.formula import parse_formula
from server.scoring.inputs import IndicatorInput, PersonInputs, ScoringSetup
from server.vocabulary import Direction, ScoringKind


@dataclass(frozen=True)
class TargetChange:
    indicator_key: str
    target: Decimal


@dataclass(frozen=True)
class WeightChange:
    indicator_key: str
    weight: Decimal


@dataclass(frozen=True)
class RuleChange:
    indicator_key: str
    rule: ScoringRule
    direction: Direction | None = None  # None: the indicator's own


@dataclass(frozen=True)
class FormulaChange:
    expression: str
    field: str = "change.formula.expression"  # where a refused formula is reported


Change = TargetChange | WeightChange | RuleChange | FormulaChange
MEMBERS = ("target", "weight", "rule", "formula")


def one_change(field: str = "change", **given: Change | None) -> Change:
    """The one member of a one-of input that is set; EXACTLY_ONE otherwise."""
    named = [value for value in given.values() if value is not None]
    if len(named) != 1:
        raise BadInput("exactly_one", field=field, options=", ".join(given), count=len(named))
    return named[0]


@dataclass(frozen=True)
class PreviewRow:
    employee_id: UUID
    old: PersonScore
    new: PersonScore

    @property
    def delta(self) -> Decimal | None:
        if self.old.total is None or self.new.total is None:
            return None
        return self.new.total - self.old.total

    @property
    def changed(self) -> bool:
        return (self.old.status, self.old.total) != (self.new.status, self.new.total)

    @property
    def grade_changed(self) -> bool:
        def key(score: PersonScore) -> str | None:
            return None if score.grade is None else score.grade.key

        return key(self.old) != key(self.new)


@dataclass(frozen=True)
class Preview:
    plan_id: UUID
    rows: tuple[PreviewRow, ...]

    @property
    def people(self) -> int:
        return len(self.rows)

    @property
    def changed(self) -> int:
        return sum(row.changed for row in self.rows)

    @property
    def grade_changes(self) -> int:
        return sum(row.grade_changed for row in self.rows)


# --------------------------------------------------------------------------- pure part
def _changed_item(item: IndicatorInput, change: Change) -> IndicatorInput:
    if isinstance(change, TargetChange):
        return replace(item, target=change.target)
    if isinstance(change, WeightChange):
        return replace(item, weight=change.weight)
    if isinstance(change, RuleChange):
        return replace(item, rule=change.rule)
    return item


def apply_change(person: PersonInputs, change: Change) -> PersonInputs:
    """The person's inputs with the change made to the plan's indicator (not a personal one
    that happens to share its key)."""
    if isinstance(change, FormulaChange):
        return person
    items = tuple(
        _changed_item(i, change) if i.key == change.indicator_key and not i.personal else i
        for i in person.indicators
    )
    return replace(person, indicators=items)


def preview_rows(
    population: Sequence[PersonInputs],
    setup: ScoringSetup,
    change: Change,
    proposed: ScoringSetup,
) -> tuple[PreviewRow, ...]:
    """Each person as things stand (``setup``) and under the change (``proposed``)."""
    return tuple(
        PreviewRow(
            person.employee_id,
            compute_person(person, setup),
            compute_person(apply_change(person, change), proposed),
        )
        for person in population
    )


# --------------------------------------------------------------------------- checks
def _path(change: Change) -> str:
    name = {TargetChange: "target", WeightChange: "weight", RuleChange: "rule"}
    return f"change.{name[type(change)]}"


def check_change(change: Change, indicators: dict[str, dict[str, Any]]) -> Change:
    """The change with its values checked against the plan's ``indicators`` (by key)."""
    if isinstance(change, FormulaChange):
        parse_formula(change.expression, change.field)
        return change
    path = _path(change)
    plan_item = indicators.get(change.indicator_key)
    if plan_item is None:
        raise BadInput(
            "unknown_indicator", field=f"{path}.indicatorKey", indicator=change.indicator_key
        )
    if isinstance(change, TargetChange):
        target = validation.number(change.target, f"{path}.target", places=6, maximum=MAX_TARGET)
        if target <= 0:
            raise BadInput("must_be_positive", field=f"{path}.target")
        return replace(change, target=target)
    if isinstance(change, WeightChange):
        weight = validation.number(change.weight, f"{path}.weight", places=4, maximum=MAX_WEIGHT)
        if weight < 0:  # 0 asks "what if this indicator did not count"
            raise BadInput("must_not_be_negative", field=f"{path}.weight")
        return replace(change, weight=weight)
    direction = change.direction or Direction(plan_item["direction"])
    rule = replace(change.rule, direction=direction).check(f"{path}.scoring")
    rated = rule.kind is ScoringKind.RATING
    if rated and not plan_item["qualitative"]:
        raise BadInput("rating_not_qualitative", field=f"{path}.scoring.kind")
    if plan_item["qualitative"] and not rated:
        raise BadInput(
            "invalid_format",
            field=f"{path}.scoring.kind",
            hint="a qualitative indicator is rated 1-5",
        )
    return replace(change, rule=rule, direction=direction)


# --------------------------------------------------------------------------- the service
async def _scope_employees(actor: Actor, plan_id: UUID) -> list[UUID] | None:
    """The assigned people the caller may preview; None when that is all of them."""
    grant = actor.authz.scope(SCORE_PREVIEW, required=True)
    visible = grant.q(department="department_id", owner="employee_id", manager="manager_id")
    if visible is None:
        return None
    return cast(
        list[UUID],
        await Assignment.filter(company_id=actor.caller.company_id, plan_id=plan_id)
        .filter(visible)
        .values_list("employee_id", flat=True),
    )


async def score_preview(actor: Actor, plan_id: UUID, change: Change) -> Preview:
    """Every person of the plan the caller may preview, old and new; nothing is written."""
    actor.authz.scope(SCORE_PREVIEW, required=True)
    company_id = actor.caller.company_id
    plan = await Plan.get_or_none(id=plan_id, company_id=company_id)
    if plan is None:
        raise NotFound("plan")
    rows = await Indicator.filter(plan_id=plan.id, version=plan.version).values(
        "key", "direction", "qualitative"
    )
    change = check_change(change, {row["key"]: row for row in rows})
    setup = await settings.load_setup(company_id)
    proposed = setup
    if isinstance(change, FormulaChange):
        # An unsaved formula has no version yet.
        proposed = replace(
            setup, formula=parse_formula(change.expression, change.field), formula_version=None
        )
    employee_ids = await _scope_employees(actor, plan.id)
    population: list[PersonInputs] = []
    if employee_ids is None or employee_ids:
        population = await loading.load_inputs(company_id, plan.id, employee_ids)
    return Preview(plan.id, preview_rows(population, setup, change, proposed))


async def save_formula(
    actor: Actor, expression: str, preview_plan_id: UUID | None = None
) -> tuple[ScoringFormula, Preview | None]:
    """A new formula version; with ``preview_plan_id``, that plan under it first (the
    preview's old scores are those of the formula it replaces)."""
    actor.authz.require(SCORING_SETTINGS_UPDATE)
    found = None
    if preview_plan_id is not None:
        found = await score_preview(
            actor, preview_plan_id, FormulaChange(expression, field="expression")
        )
    return await settings.set_formula(actor, expression), found
