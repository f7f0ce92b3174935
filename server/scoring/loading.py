"""Loading ``PersonInputs`` from the database: three statements for any number of people.

One statement each for the assignments, the current actuals and the submitted manager
evaluations of the plan (or of the given people in it). Rows are read raw (no model objects),
grouped per person as ``Source``, and only then turned into ``PersonInputs``: a recompute
digests a ``Source`` first and builds (and scores) only the people whose digest moved.

What an indicator is scored on:

- a qualitative (RATING) indicator: the rating for its key in the person's submitted manager
  evaluation, with provenance ``{"source": "rating", "evaluation_id", "submitted_at"}``; no
  submitted evaluation, or no rating for the key, leaves it without a value (MISSING);
- any other indicator: the current ``Actual`` for its key, with provenance ``{"source",
  "set_by", "set_at", "sync_run_id", "connector_source", "revision", "note", "reason"}``.

A person without an assignment has no inputs (and so no score).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from server.indicators import ScoringRule
from server.models.fields import from_units
from server.scoring import sql
from server.scoring.inputs import IndicatorInput, PersonInputs
from server.scoring.vocabulary import EvaluationKind, EvaluationState
from server.vocabulary import ScoringKind

VALUE_PLACES = 6  # Actual.value's ScaledDecimalField places

_ASSIGNMENTS = (
    'SELECT "id", "employee_id", "department_id", "manager_id", "revision", "indicators" '
    'FROM "assignment" WHERE "company_id" = ? AND "plan_id" = ?'
)
# Each person's actuals come as one JSON array of [key, value units, source, set_by, set_at,
# sync_run_id, connector_source, revision, note, reason], in key order, built by the
# database: a recompute digests that text as it is and parses it only for people it scores.
_ACTUAL_FIELDS = (
    '"indicator_key", "value", "source", "set_by", "set_at", "sync_run_id", '
    '"connector_source", "revision", "note", "reason"'
)
_ACTUALS = {
    "sqlite": f'SELECT "assignment_id", json_group_array(json_array({_ACTUAL_FIELDS})) '
    'FROM (SELECT * FROM "actual" WHERE "company_id" = ? AND "plan_id" = ?{people} '
    'ORDER BY "assignment_id", "indicator_key") GROUP BY "assignment_id"',
    "postgres": 'SELECT "assignment_id", '
    f'json_agg(json_build_array({_ACTUAL_FIELDS}) ORDER BY "indicator_key")::text '
    'FROM "actual" WHERE "company_id" = ? AND "plan_id" = ?{people} GROUP BY "assignment_id"',
}
_EVALUATIONS = (
    'SELECT "assignment_id", "id", "items", "overall_rating", "submitted_at" '
    'FROM "evaluation" WHERE "company_id" = ? AND "plan_id" = ? AND "kind" = ? AND "state" = ?'
)


@dataclass(slots=True)
class Source:
    """One person's rows as read: what his snapshot is built from, nothing else.

    ``assignment``: (id, employee_id, department_id, manager_id, revision, indicators);
    ``actuals``: the JSON array text described at ``_ACTUALS`` (None: no actuals);
    ``evaluation``: (assignment_id, id, items, overall_rating, submitted_at) or None.
    """

    assignment: tuple[Any, ...]
    actuals: str | None = None
    evaluation: tuple[Any, ...] | None = None

    @property
    def employee_id(self) -> UUID:
        return sql.as_uuid(self.assignment[1])

    def digest(self, salt: str) -> str:
        """Equal digests, equal snapshots: it covers every column the snapshot is built from
        and ``salt`` (the scoring setup and the snapshot's format). The values are taken as
        the backend returns them, so a digest is stable per backend."""
        digest = hashlib.blake2b(salt.encode(), digest_size=16)
        *place, indicators = self.assignment
        digest.update(repr((place, self.evaluation)).encode())
        digest.update(str(indicators).encode())
        digest.update(str(self.actuals).encode())
        return digest.hexdigest()


async def load_sources(
    company_id: UUID, plan_id: UUID, employee_ids: Collection[UUID] | None = None
) -> list[Source]:
    """Every assigned person's rows in the plan (only ``employee_ids`` when given), in
    employee order; three statements."""
    db = sql.client()
    name = sql.dialect(db)
    scope = [sql.uuid_param(company_id, name), sql.uuid_param(plan_id, name)]
    people = ""
    if employee_ids is not None:
        if not employee_ids:
            return []
        people = " AND " + sql.ids_in("employee_id", name)
        scope.append(sql.ids_param(list(dict.fromkeys(employee_ids)), name))
    kinds = [EvaluationKind.MANAGER.value, EvaluationState.SUBMITTED.value]
    assignments = await sql.fetch(_ASSIGNMENTS + people + ' ORDER BY "employee_id"', scope)
    if not assignments:
        return []
    actuals = await sql.fetch(_ACTUALS[name].format(people=people), scope)
    # The evaluation's two filters come before the people's list in the statement.
    evaluations = await sql.fetch(_EVALUATIONS + people, scope[:2] + kinds + scope[2:])
    by_assignment = {str(row[0]): Source(row) for row in assignments}
    for assignment_id, text in actuals:
        found = by_assignment.get(str(assignment_id))
        if found is not None:
            found.actuals = text
    for row in evaluations:
        found = by_assignment.get(str(row[0]))
        if found is not None:
            found.evaluation = row
    return list(by_assignment.values())


@dataclass(frozen=True, slots=True)
class _Spec:
    """One indicator of an assignment, everything but its value."""

    key: str
    name: str
    weight: Decimal
    target: Decimal | None
    rule: ScoringRule
    data_source: str
    qualitative: bool
    personal: bool


class Builder:
    """Turns ``Source`` rows into ``PersonInputs``. People of one plan mostly share the
    same indicators (the plan's): each distinct assignment text and rule is parsed once."""

    def __init__(self) -> None:
        self._rules: dict[str, ScoringRule] = {}
        self._specs: dict[str, tuple[_Spec, ...]] = {}

    def rule(self, data: dict[str, Any]) -> ScoringRule:
        key = repr(data)
        found = self._rules.get(key)
        if found is None:
            found = self._rules[key] = ScoringRule.from_json(data)
        return found

    def specs(self, raw: Any) -> tuple[_Spec, ...]:
        text = raw if isinstance(raw, str) else None
        found = None if text is None else self._specs.get(text)
        if found is None:
            found = tuple(self._spec(spec) for spec in sql.as_json(raw) or ())
            if text is not None:
                self._specs[text] = found
        return found

    def _spec(self, spec: dict[str, Any]) -> _Spec:
        rule = self.rule(spec["scoring"])
        target = spec.get("target")
        return _Spec(
            key=str(spec["key"]),
            name=str(spec["name"]),
            weight=Decimal(str(spec["weight"])),
            target=None if target is None else Decimal(str(target)),
            rule=rule,
            data_source=str(spec.get("data_source") or "manual"),
            qualitative=bool(spec.get("qualitative")) or rule.kind is ScoringKind.RATING,
            personal=bool(spec.get("personal", False)),
        )

    def inputs(self, source: Source) -> PersonInputs:
        assignment_id, employee_id, department_id, manager_id, revision, raw = source.assignment
        actuals = {row[0]: row for row in sql.as_json(source.actuals) or ()}
        evaluation = source.evaluation
        items: dict[str, Any] = {}
        overall: int | None = None
        if evaluation is not None:
            items = sql.as_json(evaluation[2]) or {}
            overall = evaluation[3]
        indicators = tuple(_indicator(spec, actuals, items, evaluation) for spec in self.specs(raw))
        return PersonInputs(
            employee_id=sql.as_uuid(employee_id),
            assignment_id=sql.as_uuid(assignment_id),
            department_id=sql.as_uuid(department_id),
            manager_id=sql.as_optional_uuid(manager_id),
            assignment_revision=int(revision),
            indicators=indicators,
            manager_rating=None if overall is None else int(overall),
        )


def _indicator(
    spec: _Spec,
    actuals: dict[str, list[Any]],
    ratings: dict[str, Any],
    evaluation: tuple[Any, ...] | None,
) -> IndicatorInput:
    value: Decimal | None = None
    provenance: dict[str, Any] = {}
    if spec.qualitative:
        rating = (ratings.get(spec.key) or {}).get("rating") if evaluation is not None else None
        if evaluation is not None and rating is not None:
            value = Decimal(str(rating))
            provenance = {
                "source": "rating",
                "evaluation_id": str(evaluation[1]),
                "submitted_at": sql.as_iso(evaluation[4]),
            }
    else:
        row = actuals.get(spec.key)
        if row is not None:
            value = None if row[1] is None else from_units(row[1], VALUE_PLACES)
            provenance = _actual_provenance(row)
    return IndicatorInput(
        key=spec.key,
        name=spec.name,
        weight=spec.weight,
        target=spec.target,
        rule=spec.rule,
        data_source=spec.data_source,
        qualitative=spec.qualitative,
        personal=spec.personal,
        value=value,
        provenance=provenance,
    )


def _actual_provenance(row: list[Any]) -> dict[str, Any]:
    _, _, source, set_by, set_at, run_id, connector, revision, note, reason = row
    return {
        "source": source,
        "set_by": None if set_by is None else str(set_by),
        "set_at": sql.as_iso(set_at),
        "sync_run_id": None if run_id is None else str(run_id),
        "connector_source": connector,
        "revision": revision,
        "note": note or "",
        "reason": reason or "",
    }


def build_all(sources: Iterable[Source]) -> list[PersonInputs]:
    builder = Builder()
    return [builder.inputs(s) for s in sources]


async def load_inputs(
    company_id: UUID, plan_id: UUID, employee_ids: Collection[UUID] | None = None
) -> list[PersonInputs]:
    """Every assigned person's inputs in the plan (only ``employee_ids`` when given), from
    their assignment, current actuals and submitted manager evaluation, in employee order."""
    return build_all(await load_sources(company_id, plan_id, employee_ids))
