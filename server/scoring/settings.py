"""A company's scoring setup: grade bands, rating labels, the versioned final-score formula.

``load_setup`` is what every score is computed under (two statements; the formula's parse is
cached by its text). The performance admin changes the settings here: each change is checked
whole, written under the company's row lock (so concurrent saves are taken one after the
other: formula versions never collide), audited, and followed in the same transaction by a
recompute of the live scores of every ACTIVE or EVALUATING plan (frozen ones stay as they
are: ``recompute`` skips them).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast
from uuid import UUID

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server import validation
from server.audit import Actor, record
from server.authz import SCORING_SETTINGS_READ, SCORING_SETTINGS_UPDATE
from server.errors import BadInput, Conflict
from server.evaluations.ratings import (
    DEFAULT_RATING_LABELS,
    MAX_RATING,
    MIN_RATING,
    RatingLabel,
    labels_from_json,
)
from server.models import Company, Plan
from server.models.results import ScoringFormula, ScoringSettings
from server.paging import check_first
from server.scoring import recompute as recomputing
from server.scoring.compute import FormulaError
from server.scoring.formula import ParsedFormula, parse_formula
from server.scoring.grades import DEFAULT_GRADE_BANDS, GradeBand
from server.scoring.inputs import ScoringSetup
from server.vocabulary import AuditAction, AuditObjectType, PlanState

MIN_BANDS, MAX_BANDS = 2, 10
MAX_MINIMUM = Decimal(1000)
MAX_BAND_NAME = 40
MAX_LABEL = 40
_BAND_KEY = re.compile(r"^[A-Za-z0-9-]{1,32}$")  # a Score keeps the key in 32 characters
LIVE_STATES = (PlanState.ACTIVE.value, PlanState.EVALUATING.value)


# --------------------------------------------------------------------------- stored forms
def _plain(value: Decimal) -> str:
    return f"{value:f}"


def bands_to_json(bands: Sequence[GradeBand]) -> list[dict[str, Any]]:
    return [
        {
            "key": b.key,
            "minimum": None if b.minimum is None else _plain(b.minimum),
            "en": b.name_en,
            "zh": b.name_zh,
        }
        for b in bands
    ]


def bands_from_json(data: Sequence[Mapping[str, Any]] | None) -> tuple[GradeBand, ...]:
    """The stored bands; the defaults when none are stored."""
    if not data:
        return DEFAULT_GRADE_BANDS
    return tuple(
        GradeBand(
            str(b["key"]),
            None if b.get("minimum") is None else Decimal(str(b["minimum"])),
            str(b["en"]),
            str(b["zh"]),
        )
        for b in data
    )


def labels_to_json(labels: Sequence[RatingLabel]) -> list[dict[str, Any]]:
    return [label.to_json() for label in labels]


# --------------------------------------------------------------------------- checks
def check_grade_bands(bands: Sequence[GradeBand], field: str = "bands") -> tuple[GradeBand, ...]:
    """Listed from the top: 2-10 bands, unique keys and names, minimums falling strictly
    within 0-1000, and exactly one catch-all (no minimum), the last."""
    if len(bands) < MIN_BANDS:
        raise BadInput("too_few_items", field=field, min=MIN_BANDS)
    if len(bands) > MAX_BANDS:
        raise BadInput("too_many_items", field=field, max=MAX_BANDS)
    checked: list[GradeBand] = []
    seen: dict[str, set[str]] = {"key": set(), "nameEn": set(), "nameZh": set()}
    for i, band in enumerate(bands):
        path = f"{field}[{i}]"
        key = validation.text(band.key, f"{path}.key", max_length=32)
        if not _BAND_KEY.match(key):
            raise BadInput(
                "invalid_format", field=f"{path}.key", hint="letters, digits and '-' only"
            )
        en = validation.text(band.name_en, f"{path}.nameEn", max_length=MAX_BAND_NAME)
        zh = validation.text(band.name_zh, f"{path}.nameZh", max_length=MAX_BAND_NAME)
        for name, value in (("key", key), ("nameEn", en), ("nameZh", zh)):
            if value.casefold() in seen[name]:
                raise BadInput("duplicate_name", field=f"{path}.{name}", name=value)
            seen[name].add(value.casefold())
        minimum = None
        if band.minimum is not None:
            minimum = validation.number(
                band.minimum, f"{path}.minimum", places=2, maximum=MAX_MINIMUM
            )
            if minimum < 0:
                raise BadInput("must_not_be_negative", field=f"{path}.minimum")
        checked.append(GradeBand(key, minimum, en, zh))
    last = len(checked) - 1
    misplaced = [i for i, b in enumerate(checked) if b.minimum is None and i != last]
    if misplaced or checked[last].minimum is not None:
        # the first catch-all before the end, else the last band (which must be one)
        at = misplaced[0] if misplaced else last
        raise BadInput("grade_catch_all", field=f"{field}[{at}].minimum")
    for i in range(1, len(checked) - 1):
        above, below = checked[i - 1].minimum, checked[i].minimum
        assert above is not None and below is not None
        if below >= above:
            raise BadInput("grade_minimums_order", field=f"{field}[{i}].minimum")
    return tuple(checked)


def check_rating_labels(
    labels: Sequence[RatingLabel], field: str = "labels"
) -> tuple[RatingLabel, ...]:
    """One label per rating 1-5 (in rating order), both languages, 40 characters at most."""
    if sorted(label.rating for label in labels) != list(range(MIN_RATING, MAX_RATING + 1)):
        raise BadInput("rating_labels_invalid", field=field, count=MAX_RATING)
    checked = [
        RatingLabel(
            label.rating,
            validation.text(label.en, f"{field}[{i}].en", max_length=MAX_LABEL),
            validation.text(label.zh, f"{field}[{i}].zh", max_length=MAX_LABEL),
        )
        for i, label in enumerate(labels)
    ]
    return tuple(sorted(checked, key=lambda label: label.rating))


# --------------------------------------------------------------------------- reading
class _Unparsable:
    """A stored formula today's grammar refuses (it was valid when saved): every score it
    would give is UNDEFINED, rather than every recompute failing."""

    def __init__(self, expression: str) -> None:
        self.expression = expression
        self.components: frozenset[str] = frozenset()

    def evaluate(self, values: Mapping[str, Decimal]) -> Decimal:
        raise FormulaError("formula_unparsable")


def _formula(expression: str) -> ParsedFormula | _Unparsable | None:
    try:
        return parse_formula(expression)
    except BadInput:
        return _Unparsable(expression)


async def _latest_formula(company_id: UUID) -> ScoringFormula | None:
    return await ScoringFormula.filter(company_id=company_id).order_by("-version").first()


async def load_setup(company_id: UUID) -> ScoringSetup:
    """The grade bands and the formula in force (its newest version) for the company."""
    stored = await ScoringSettings.filter(company_id=company_id).values_list(
        "grade_bands", flat=True
    )
    latest = await _latest_formula(company_id)
    formula = None if latest is None else _formula(latest.expression)
    return ScoringSetup(
        grade_bands=bands_from_json(stored[0] if stored else None),
        formula=formula,
        formula_version=None if latest is None else latest.version,
    )


@dataclass(frozen=True)
class SettingsView:
    grade_bands: tuple[GradeBand, ...]
    rating_labels: tuple[RatingLabel, ...]
    formula: ScoringFormula | None  # the version in force; None: the indicators' total


async def _view(company_id: UUID) -> SettingsView:
    row = await ScoringSettings.get_or_none(company_id=company_id)
    return SettingsView(
        bands_from_json(row.grade_bands if row else None),
        labels_from_json(row.rating_labels if row else None),
        await _latest_formula(company_id),
    )


async def read_settings(actor: Actor) -> SettingsView:
    actor.authz.require(SCORING_SETTINGS_READ)
    return await _view(actor.caller.company_id)


async def formula_versions(actor: Actor, first: int = 20) -> list[ScoringFormula]:
    """The formula's versions, newest first."""
    check_first(first)
    actor.authz.require(SCORING_SETTINGS_READ)
    return (
        await ScoringFormula.filter(company_id=actor.caller.company_id)
        .order_by("-version")
        .limit(first)
    )


# --------------------------------------------------------------------------- changing
async def _lock(company_id: UUID) -> None:
    # Saves of one company's settings queue here (SQLite serializes transactions anyway).
    await Company.filter(id=company_id).select_for_update().first()


async def _recompute_live(company_id: UUID) -> None:
    """Every live plan's scores under the new settings, in the caller's transaction."""
    plan_ids = cast(
        list[UUID],
        await Plan.filter(company_id=company_id, state__in=LIVE_STATES)
        .order_by("id")
        .values_list("id", flat=True),
    )
    for plan_id in plan_ids:
        await recomputing.recompute(company_id, plan_id)


async def _save_settings(actor: Actor, column: str, value: list[dict[str, Any]]) -> None:
    company_id = actor.caller.company_id
    try:
        async with in_transaction():
            await _lock(company_id)
            row = await ScoringSettings.get_or_none(company_id=company_id)
            defaults = {
                "grade_bands": bands_to_json(DEFAULT_GRADE_BANDS),
                "rating_labels": labels_to_json(DEFAULT_RATING_LABELS),
            }
            before = (getattr(row, column) if row else None) or defaults[column]
            if row is None:
                row = ScoringSettings(company_id=company_id)
            setattr(row, column, value)
            row.updated_by = actor.caller.employee_id
            await row.save()
            await record(
                actor,
                AuditAction.SCORING_SETTINGS_UPDATE,
                AuditObjectType.SCORING_SETTINGS,
                company_id,
                before={column: before},
                after={column: value},
            )
            if column == "grade_bands":  # labels name ratings; no score depends on them
                await _recompute_live(company_id)
    except IntegrityError as exc:  # the one row per company, created by a concurrent save
        raise Conflict("scoring_settings_changed") from exc


async def set_grade_bands(actor: Actor, bands: Sequence[GradeBand]) -> SettingsView:
    actor.authz.require(SCORING_SETTINGS_UPDATE)
    checked = check_grade_bands(bands)
    await _save_settings(actor, "grade_bands", bands_to_json(checked))
    return await _view(actor.caller.company_id)


async def set_rating_labels(actor: Actor, labels: Sequence[RatingLabel]) -> SettingsView:
    actor.authz.require(SCORING_SETTINGS_UPDATE)
    checked = check_rating_labels(labels)
    await _save_settings(actor, "rating_labels", labels_to_json(checked))
    return await _view(actor.caller.company_id)


def _formula_json(row: ScoringFormula | None) -> dict[str, Any] | None:
    return None if row is None else {"version": row.version, "expression": row.expression}


async def set_formula(actor: Actor, expression: str) -> ScoringFormula:
    """A new version of the formula (blank: the indicators' total alone), in force at once."""
    actor.authz.require(SCORING_SETTINGS_UPDATE)
    parsed = parse_formula(expression)
    text = "" if parsed is None else parsed.expression
    company_id = actor.caller.company_id
    try:
        async with in_transaction():
            await _lock(company_id)
            latest = await _latest_formula(company_id)
            row = await ScoringFormula.create(
                company_id=company_id,
                version=(latest.version if latest else 0) + 1,
                expression=text,
                author_id=actor.caller.employee_id,
            )
            await record(
                actor,
                AuditAction.SCORING_FORMULA_UPDATE,
                AuditObjectType.SCORING_SETTINGS,
                company_id,
                before=_formula_json(latest),
                after=_formula_json(row),
            )
            await _recompute_live(company_id)
    except IntegrityError as exc:  # (company, version) taken by a save the lock did not stop
        raise Conflict("scoring_settings_changed") from exc
    return row
