"""A ``Score`` row and the engine's answer: what ``result`` holds, read back and explained.

``result`` (format 1) holds everything the API shows without computing again:

- ``status``, ``total`` (2 places), ``grade`` (the band's key), ``formula_version``,
  ``formula`` (its text), ``missing_components``, ``formula_error``: the final score;
- ``indicators``: the indicators' part, ``status``, ``total``, ``exact``, ``grade``,
  ``parts`` ([key, exact contribution normalized by the weights]), ``missing``,
  ``undefined``, ``gated_by``, ``reasons``;
- ``items``: per indicator, in the assignment's order, ``key``, ``weight``, ``status``,
  ``score``, ``raw``, ``contribution`` (exact), ``reasons`` (ScoreReason values),
  ``gate_cap``;
- ``grade_bands``: the bands the grade was read from (so an explanation names the grade as
  it was named then), and ``digest`` (what ``recompute`` compares, see loading.Source);
- ``explanations`` (``{"en"|"zh": {"total": text, "items": {key: text}}}``): written when
  the score is frozen, and from then on shown as written.

A live score's explanations are written on read instead: ``explain`` runs the pure engine
again over the row's own ``inputs`` and ``grade_bands`` (cheap for one person), so nothing
of the company's current settings leaks into an older result.

Decimals are strings, exact (``format(value, "f")``); JSON never rounds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID

from server.indicators import ScoringRule
from server.scoring.compute import PersonScore, compute_person
from server.scoring.engine import LANGS, Status
from server.scoring.grades import GradeBand
from server.scoring.inputs import IndicatorInput, PersonInputs, ScoringSetup
from server.scoring.messages import ScoreReason

# Part of every digest (recompute.salt): bump it when the result's shape or the engine's
# answers change, and the next recompute rewrites every live score (frozen ones stay).
FORMAT = 1


class StoredScore(Protocol):
    """What a ``Score`` and a ``ScoreVersion`` row both have."""

    employee_id: UUID
    department_id: UUID
    manager_id: UUID | None
    status: str
    total: Decimal | None
    grade: str | None
    formula_version: int | None
    inputs: dict[str, Any]
    result: dict[str, Any]


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


# --------------------------------------------------------------------------- writing
def bands_json(bands: tuple[GradeBand, ...]) -> list[dict[str, Any]]:
    return [
        {"key": b.key, "minimum": _text(b.minimum), "name_en": b.name_en, "name_zh": b.name_zh}
        for b in bands
    ]


def result_json(
    score: PersonScore, setup: ScoringSetup, digest: str, bands: list[dict[str, Any]]
) -> dict[str, Any]:
    """The ``result`` of a freshly computed score (``bands``: ``bands_json`` of the setup's,
    computed once per recompute)."""
    part = score.indicators
    formula = setup.formula
    return {
        "format": FORMAT,
        "digest": digest,
        "status": score.status.value,
        "total": _text(score.total),
        "grade": None if score.grade is None else score.grade.key,
        "formula_version": score.formula_version,
        "formula": None if formula is None else formula.expression,
        "missing_components": list(score.missing_components),
        "formula_error": score.formula_error,
        "indicators": {
            "status": part.status.value,
            "total": _text(part.total),
            "exact": _text(part.exact),
            "grade": None if part.grade is None else part.grade.key,
            "parts": [[key, _text(value)] for key, value in part.parts],
            "missing": list(part.missing),
            "undefined": list(part.undefined),
            "gated_by": list(part.gated_by),
            "reasons": [r.value for r in part.reasons],
        },
        "items": [
            {
                "key": i.key,
                "weight": _text(i.weight),
                "status": i.status.value,
                "score": _text(i.score),
                "raw": _text(i.raw),
                "contribution": _text(i.contribution),
                "reasons": [r.value for r in i.reasons],
                "gate_cap": _text(i.gate_cap),
            }
            for i in part.items
        ],
        "grade_bands": bands,
    }


def explanations_json(score: PersonScore) -> dict[str, Any]:
    """The score's explanations in every language, as a frozen score keeps them."""
    return {
        lang: {
            "total": score.indicators.explanation(lang),
            "items": {i.key: i.explanation(lang) for i in score.items},
        }
        for lang in LANGS
    }


# --------------------------------------------------------------------------- reading
def bands_from_json(data: list[dict[str, Any]]) -> tuple[GradeBand, ...]:
    return tuple(
        GradeBand(b["key"], _decimal(b["minimum"]), b["name_en"], b["name_zh"]) for b in data
    )


def inputs_from_json(row: StoredScore) -> PersonInputs:
    """The ``PersonInputs`` a row was computed from (its ``inputs`` and its place)."""
    data = row.inputs
    return PersonInputs(
        employee_id=row.employee_id,
        assignment_id=UUID(data["assignment_id"]),
        department_id=row.department_id,
        manager_id=row.manager_id,
        assignment_revision=int(data["assignment_revision"]),
        indicators=tuple(
            IndicatorInput(
                key=i["key"],
                name=i["name"],
                weight=Decimal(i["weight"]),
                target=_decimal(i["target"]),
                rule=ScoringRule.from_json(i["rule"]),
                data_source=i["data_source"],
                qualitative=bool(i["qualitative"]),
                personal=bool(i["personal"]),
                value=_decimal(i["value"]),
                provenance=dict(i["provenance"]),
            )
            for i in data["indicators"]
        ),
        manager_rating=data.get("manager_rating"),
    )


def explain(row: StoredScore) -> PersonScore:
    """The row's score with its lazy explanations, from the row alone: the indicators are
    scored again over the row's inputs and grade bands (exactly as they were), the final
    score (which a tenant formula may have made) is the one stored."""
    result = row.result
    bands = bands_from_json(result.get("grade_bands") or [])
    setup = ScoringSetup(grade_bands=bands) if bands else ScoringSetup()
    again = compute_person(inputs_from_json(row), setup)
    grade = next((b for b in setup.grade_bands if b.key == row.grade), None)
    return PersonScore(
        status=Status(row.status),
        total=_decimal(result.get("total")),
        grade=grade,
        indicators=again.indicators,
        formula_version=row.formula_version,
        missing_components=tuple(result.get("missing_components") or ()),
        formula_error=str(result.get("formula_error") or ""),
    )


@dataclass(frozen=True)
class Explanation:
    """What a score says in words, in one language: its total and each indicator by key."""

    total: str
    items: dict[str, str]


def explanation(row: StoredScore, lang: str, *, frozen: bool) -> Explanation:
    """A frozen score's (or any version's) explanation as it was written when frozen; a live
    score's written now from its own snapshot."""
    lang = lang if lang in LANGS else LANGS[0]
    stored = (row.result.get("explanations") or {}).get(lang) if frozen else None
    if stored is not None:
        return Explanation(stored["total"], dict(stored["items"]))
    score = explain(row)
    return Explanation(
        score.indicators.explanation(lang), {i.key: i.explanation(lang) for i in score.items}
    )


@dataclass(frozen=True)
class ItemResult:
    key: str
    weight: Decimal
    status: Status
    score: Decimal | None
    raw: Decimal | None
    contribution: Decimal | None
    reasons: tuple[ScoreReason, ...]
    gate_cap: Decimal | None


def items(row: StoredScore) -> tuple[ItemResult, ...]:
    """The row's indicators as stored, typed (no computing)."""
    return tuple(
        ItemResult(
            key=i["key"],
            weight=Decimal(i["weight"]),
            status=Status(i["status"]),
            score=_decimal(i["score"]),
            raw=_decimal(i["raw"]),
            contribution=_decimal(i["contribution"]),
            reasons=tuple(ScoreReason(r) for r in i["reasons"]),
            gate_cap=_decimal(i["gate_cap"]),
        )
        for i in row.result.get("items") or ()
    )
