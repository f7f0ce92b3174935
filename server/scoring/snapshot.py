"""A ``Score`` row and the engine's answer: what ``result`` holds, read back and explained.

A frozen score (and every ``ScoreVersion``) keeps everything it was computed from and says:
``inputs`` is its snapshot (``PersonInputs.to_json``: rules, targets, weights, actuals with
provenance, ratings, the assignment's revision) and ``result`` holds:

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
- ``explanations`` (``{"en"|"zh": {"total": text, "items": {key: text}}}``), as written when
  the score was frozen, shown as written from then on.

A live score is kept compact: its inputs ARE the current rows (every writer of an input
recomputes the person's score in its own transaction, and the digest says the row was
computed from exactly them), so it keeps its numbers in columns (status, total, grade...)
and in ``result`` only what the current rows cannot say: ``digest``, ``formula``,
``formula_version``, ``grade_bands`` and, when not empty, ``missing_components`` and
``formula_error``; ``inputs`` is empty. Rewriting 10,000 snapshots at every fact change cost
seconds; this costs the columns. ``attach`` gives such rows, as read, their snapshot and the
full ``result`` again (constant statements for a page of them), so every reader sees one
shape; freezing writes the full one for good.

A live score's explanations are written on read: ``explain`` runs the pure engine again over
the row's inputs and grade bands (cheap for a page), so nothing of the company's current
settings leaks into an older result.

Decimals are strings, exact (``format(value, "f")``); JSON never rounds them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID

from server.indicators import ScoringRule
from server.models import Score, ScoreVersion
from server.scoring import loading, sql
from server.scoring.compute import PersonScore, compute_person
from server.scoring.engine import CENT, LANGS, IndicatorScore, Status, TotalScore
from server.scoring.grades import DEFAULT_GRADE_BANDS, GradeBand
from server.scoring.inputs import IndicatorInput, PersonInputs, ScoringSetup
from server.scoring.messages import ScoreReason

# Part of every digest (recompute.salt): bump it when the result's shape or the engine's
# answers change, and the next recompute rewrites every live score (frozen ones stay).
# 2: live scores kept compact.
FORMAT = 2


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


def head_json(score: PersonScore, formula: str | None, digest: str) -> dict[str, Any]:
    """The final score's part of a full ``result``."""
    return {
        "format": FORMAT,
        "digest": digest,
        "status": score.status.value,
        "total": _text(score.total),
        "grade": None if score.grade is None else score.grade.key,
        "formula_version": score.formula_version,
        "formula": formula,
        "missing_components": list(score.missing_components),
        "formula_error": score.formula_error,
    }


def indicators_json(part: TotalScore) -> dict[str, Any]:
    return {
        "status": part.status.value,
        "total": _text(part.total),
        "exact": _text(part.exact),
        "grade": None if part.grade is None else part.grade.key,
        "parts": [[key, _text(value)] for key, value in part.parts],
        "missing": list(part.missing),
        "undefined": list(part.undefined),
        "gated_by": list(part.gated_by),
        "reasons": [r.value for r in part.reasons],
    }


def item_json(item: IndicatorScore) -> dict[str, Any]:
    return {
        "key": item.key,
        "weight": _text(item.weight),
        "status": item.status.value,
        "score": _text(item.score),
        "raw": _text(item.raw),
        "contribution": _text(item.contribution),
        "reasons": [r.value for r in item.reasons],
        "gate_cap": _text(item.gate_cap),
    }


def result_json(
    score: PersonScore, formula: str | None, digest: str, bands: list[dict[str, Any]]
) -> dict[str, Any]:
    """The full ``result`` of a score (``formula``: its text; ``bands``: ``bands_json`` of the
    setup's, computed once per recompute)."""
    return {
        **head_json(score, formula, digest),
        "indicators": indicators_json(score.indicators),
        "items": [item_json(i) for i in score.indicators.items],
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


class LiveResult:
    """The compact ``result`` text of live scores computed under one setup: the digest and
    what the current rows cannot say (see the module's docstring)."""

    def __init__(self, setup: ScoringSetup) -> None:
        formula = setup.formula
        self._kept: dict[str, Any] = {
            "formula": None if formula is None else formula.expression,
            "formula_version": setup.formula_version,
            "grade_bands": bands_json(setup.grade_bands),
        }
        self._head = '{"format":' + str(FORMAT) + ',"digest":"'
        self._tail = '",' + sql.dumps(self._kept)[1:]

    def text(self, score: PersonScore, digest: str) -> str:
        if not score.missing_components and not score.formula_error:
            return self._head + digest + self._tail
        found: dict[str, Any] = {"format": FORMAT, "digest": digest, **self._kept}
        if score.missing_components:
            found["missing_components"] = list(score.missing_components)
        if score.formula_error:
            found["formula_error"] = score.formula_error
        return sql.dumps(found)


# --------------------------------------------------------------------------- reading
def is_compact(row: Score | ScoreVersion) -> bool:
    """A live score as kept: no snapshot, no items (``attach`` gives it both as read)."""
    return not getattr(row, "frozen", True) and not row.inputs and "items" not in row.result


async def attach(rows: Iterable[Score]) -> None:
    """Give the compact live scores among ``rows`` their snapshot (``inputs``) and full
    ``result`` from the current rows, in memory (never save such a row): three statements
    per company, whatever the number of rows. The indicators are scored again with the
    bands the row kept; the final score (which a tenant formula may have made) is the row's.
    A row whose assignment went meanwhile stays as it is."""
    compact: dict[UUID, list[Score]] = {}
    for row in rows:
        if is_compact(row):
            compact.setdefault(row.company_id, []).append(row)
    for company_id, group in compact.items():
        sources = await loading.load_assigned(company_id, [r.assignment_id for r in group])
        found = {str(s.place[0]): s for s in sources}
        for row in group:
            source = found.get(str(row.assignment_id))
            if source is None:
                continue
            kept = row.result or {}
            bands = bands_from_json(kept.get("grade_bands") or []) or DEFAULT_GRADE_BANDS
            inputs = loading.inputs_of(source)
            again = compute_person(inputs, ScoringSetup(grade_bands=bands))
            score = PersonScore(
                status=Status(row.status),
                total=None if row.total is None else row.total.quantize(CENT),
                grade=next((b for b in bands if b.key == row.grade), None),
                indicators=again.indicators,
                formula_version=row.formula_version,
                missing_components=tuple(kept.get("missing_components") or ()),
                formula_error=str(kept.get("formula_error") or ""),
            )
            digest = str(kept.get("digest") or "")
            row.inputs = inputs.to_json()
            row.result = result_json(score, kept.get("formula"), digest, bands_json(bands))


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
        peer_rating=_decimal(data.get("peer_rating")),
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
    score's written now from its own snapshot (none without one)."""
    lang = lang if lang in LANGS else LANGS[0]
    stored = (row.result.get("explanations") or {}).get(lang) if frozen else None
    if stored is not None:
        return Explanation(stored["total"], dict(stored["items"]))
    if not row.inputs:
        return Explanation("", {})
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
