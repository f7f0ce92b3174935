"""Loading a plan's score inputs from the database: one statement for any number of people.

Each assignment of the plan (or of the given people in it, or the given assignments across
plans) with its current actuals as one JSON array the database builds (from the unique
(assignment, key) index, in key order) and its submitted manager evaluation. Rows are read
raw (no model objects), one ``Source`` per person; a recompute digests a ``Source`` first
and scores only the people whose digest moved.

Two depths (``snapshot``):

- the snapshot (``load_inputs``, freezing, reading a live score): every actual's value with its
  provenance, to build ``PersonInputs``;
- the live recompute: each actual's key, value and revision only (every writer of an actual
  bumps its revision, provenance included). On PostgreSQL the assignments come without
  their indicators' text, which costs it more to send than all the rest: the text parsed
  is kept per (assignment, row version) for the process (``_SPECS``), so only assignments
  new to the process are read whole, in a second statement.

Each distinct indicators' text is parsed once for the process (server/scoring/specs.py).

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
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from server.models.fields import from_units
from server.scoring import sql
from server.scoring.compute import Ratings, rated
from server.scoring.inputs import IndicatorInput, PersonInputs
from server.scoring.peer_input import COLUMN as PEER_COLUMN
from server.scoring.peer_input import peer_mean
from server.scoring.specs import Specs, specs_of
from server.scoring.vocabulary import EvaluationKind, EvaluationState

VALUE_PLACES = 6  # Actual.value's ScaledDecimalField places
MAX_CACHED = 100_000  # assignments' parsed indicators kept per row version; emptied past it

_PLACE = 'a."id", a."employee_id", a."department_id", a."manager_id", a."revision"'
_ACTUAL_FIELDS = (
    '"indicator_key", "value", "source", "set_by", "set_at", "sync_run_id", '
    '"connector_source", "revision", "note", "reason"'
)
_VALUE_FIELDS = '"indicator_key", "value", "revision"'
# A person's actuals as one JSON array built by the database, in key order: ``values`` holds
# [key, value units, revision] per actual (what a digest covers and a score is computed
# from), ``actuals`` all of _ACTUAL_FIELDS (the snapshot's provenance). SQLite aggregates per
# assignment along the unique (assignment, key) index, PostgreSQL all of the plan's at once
# and joins them (measured faster each way round: 0.15 s and 0.2 s for 10,000 people).
_SQLITE_ACTUALS = (
    "(SELECT json_group_array(json_array({fields})) FROM (SELECT {fields} "
    'FROM "actual" WHERE "assignment_id" = a."id" ORDER BY "indicator_key"))'
)
_PG_ACTUALS = 'json_agg(json_build_array({fields}) ORDER BY "indicator_key")::text'
# The submitted manager evaluation (one per assignment and kind).
_EVALUATION = (
    'LEFT JOIN "evaluation" AS e ON e."assignment_id" = a."id" AND e."kind" = ? AND e."state" = ?'
)
_EVALUATION_FIELDS = 'e."assignment_id", e."id", e."items", e."overall_rating", e."submitted_at"'
# An assignment row's version on PostgreSQL: the transaction that wrote it (no two write the
# same, not even one rolled back) and the command in it (a transaction may write it twice).
_VERSION = '{a}"xmin"::text || \':\' || {a}"cmin"::text'
# The person's score in the plan (one per plan and employee).
_SCORE = (
    'LEFT JOIN "score" AS s ON s."plan_id" = a."plan_id" AND s."employee_id" = a."employee_id" '
)


# A range of employee ids, from (inclusive) and to (exclusive; None: unbounded).
Range = tuple[UUID | None, UUID | None]
# A plan's people in four ranges of about equal size (ids are random): a recompute scores one
# range while the database reads the next. Ordered by id, on both backends (SQLite compares
# the ids' lowercase text, PostgreSQL their bytes), so the ranges' people in turn are all
# the plan's people in employee order.
_CUTS = [UUID(f"{digit}0000000-0000-0000-0000-000000000000") for digit in "48c"]
RANGES: tuple[Range, ...] = tuple(zip([None, *_CUTS], [*_CUTS, None], strict=True))

_NO_SPECS = Specs(b"", ())
_SPECS: dict[tuple[str, str], Specs] = {}  # (assignment id, PostgreSQL row version)


def _remember(assignment_id: Any, version: str, specs: Specs) -> None:
    if len(_SPECS) > MAX_CACHED:
        _SPECS.clear()
    _SPECS[(str(assignment_id), version)] = specs


@dataclass(slots=True)
class Source:
    """One person's rows as read: what his score is computed from, nothing else.

    ``place``: (assignment id, employee_id, department_id, manager_id, revision);
    ``values`` and ``actuals``: the JSON array texts described at ``_SQLITE_ACTUALS`` (None
    or an empty array: no actuals; ``values`` only for a recompute, ``actuals`` only for a
    snapshot); ``evaluation``:
    (assignment_id, id, items, overall_rating, submitted_at) or None.
    """

    place: tuple[Any, ...]
    specs: Specs
    values: str | None = None
    actuals: str | None = None
    evaluation: tuple[Any, ...] | None = None
    # The person's score as stored: (frozen, digest of a live one, at the assignment's place
    # still), None without one (read by a recompute only).
    stored: tuple[bool, str | None, bool] | None = None
    # The 360 mean (1-5) once enough colleagues answered (peer_input.py), else None.
    peer: Decimal | None = None
    _ratings: tuple[dict[str, Any], int | None] | None = field(default=None, repr=False)

    @property
    def employee_id(self) -> UUID:
        return sql.as_uuid(self.place[1])

    def digest(self, salt: bytes) -> str:
        """Equal digests, equal scores and snapshots: it covers the person's place, his
        assignment's indicators and revision, each actual's key, value and revision, the
        evaluation, and ``salt`` (the scoring setup and the result's format). The values are
        taken as the backend returns them, so a digest is stable per backend."""
        digest = hashlib.blake2b(salt, digest_size=16)
        digest.update(self.specs.token)
        digest.update(repr((self.place, self.evaluation)).encode())
        if self.values is not None:
            digest.update(self.values.encode())
        if self.peer is not None:  # without one, digests are what they were before 360 input
            digest.update(b"peer:" + str(self.peer).encode())
        return digest.hexdigest()

    def ratings(self) -> tuple[dict[str, Any], int | Ratings | None]:
        """The submitted evaluation's ratings by key and the overall ratings a score takes:
        the manager's, or with a peer rating both (``compute.rated``)."""
        items, overall = self.evaluated()
        return items, rated(overall, self.peer)

    def evaluated(self) -> tuple[dict[str, Any], int | None]:
        """The submitted evaluation's ratings by key and its overall rating."""
        if self._ratings is None:
            evaluation = self.evaluation
            if evaluation is None:
                self._ratings = ({}, None)
            else:
                overall = evaluation[3]
                items = sql.as_json(evaluation[2]) or {}
                self._ratings = (items, None if overall is None else int(overall))
        return self._ratings


async def _read(
    company_id: UUID,
    plan_id: UUID | None,
    employee_ids: Collection[UUID] | None,
    assignment_ids: Collection[UUID] | None,
    snapshot: bool,
    stored: bool = False,
    within: Range | None = None,
) -> list[Source]:
    """One statement: each assignment with its evaluation, its actuals' provenance (with
    ``snapshot``) and, for a recompute (``stored``), its actuals' values and its score's
    frozen flag and digest; a second one on PostgreSQL for assignments new to the process,
    see the module's docstring."""
    assert snapshot or stored
    name = sql.dialect(sql.client())
    postgres = name == "postgres"
    scope: list[Any] = [sql.uuid_param(company_id, name)]
    filters: list[tuple[str, str]] = []  # (column of an assignment, of an actual) per filter
    if assignment_ids is not None:
        filters.append(("id", "assignment_id"))
        scope.append(sql.ids_param(list(dict.fromkeys(assignment_ids)), name))
    else:
        assert plan_id is not None
        scope.append(sql.uuid_param(plan_id, name))
        if employee_ids is not None:
            filters.append(("employee_id", "employee_id"))
            scope.append(sql.ids_param(list(dict.fromkeys(employee_ids)), name))
    bounds: list[str] = []  # the employees' range, on the assignments as on the actuals
    for bound, test in zip(within or (), (">=", "<"), strict=False):
        if bound is not None:
            bounds.append(f'"employee_id" {test} ?')
            scope.append(sql.uuid_param(bound, name))

    def where(table: str, which: int) -> str:
        """The filter for the assignments (``a``) or the actuals (no ``table``)."""
        dot = f"{table}." if table else ""
        found = f'{dot}"company_id" = ?'
        if assignment_ids is None:
            found += f' AND {dot}"plan_id" = ?'
        for columns in filters:
            found += " AND " + sql.ids_in(columns[which], name, table)
        for bound in bounds:
            found += f" AND {dot}{bound}"
        return found

    # PostgreSQL: the row version (``_VERSION``) stands for the indicators' text in a live
    # recompute; reading that text costs PostgreSQL more than the rest of the assignment.
    # SQLite reads it cheaply.
    by_version = postgres and not snapshot
    columns = [_PLACE]
    if postgres:
        columns.append(_VERSION.format(a="a."))
    if not by_version:
        columns.append('a."indicators"')
    kinds = [EvaluationKind.MANAGER.value, EvaluationState.SUBMITTED.value]
    # A recompute (``stored``) digests and scores the values; a snapshot needs provenance.
    fields = ([_VALUE_FIELDS] if stored else []) + ([_ACTUAL_FIELDS] if snapshot else [])
    if postgres:
        aggregates = (f'{_PG_ACTUALS.format(fields=f)} AS "a{n}"' for n, f in enumerate(fields))
        columns += [f'v."a{n}"' for n in range(len(fields))]
        if bounds:
            # A range of the plan's people: each one's actuals through the (assignment,
            # key) index, rather than a scan of all the plan's actuals for every range.
            joined = (
                f'LEFT JOIN LATERAL (SELECT {", ".join(aggregates)} FROM "actual" '
                'WHERE "assignment_id" = a."id") AS v ON true '
            )
            params = [*kinds, *scope]
        else:
            joined = (
                f'LEFT JOIN (SELECT "assignment_id", {", ".join(aggregates)} FROM "actual" '
                f'WHERE {where("", 1)} GROUP BY "assignment_id") AS v '
                'ON v."assignment_id" = a."id" '
            )
            params = [*scope, *kinds, *scope]
    else:
        columns += [_SQLITE_ACTUALS.format(fields=f) for f in fields]
        joined = ""
        params = [*kinds, *scope]
    # The 360 mean, after the aggregates: the indexes from the row's end stay as they were.
    columns.append(PEER_COLUMN)
    if stored:
        joined += _SCORE
        digest = "'digest'" if postgres else "'$.digest'"
        same = "IS NOT DISTINCT FROM" if postgres else "IS"
        columns += [  # a frozen score's result is big and never compared
            # 2: frozen; 1: live at the assignment's place (a write leaves the place be);
            # 0: live elsewhere (moved); NULL: no score.
            'CASE WHEN s."id" IS NULL THEN NULL WHEN s."frozen" THEN 2 WHEN '
            's."assignment_id" = a."id" AND s."department_id" = a."department_id" AND '
            f's."manager_id" {same} a."manager_id" THEN 1 ELSE 0 END',
            f'CASE WHEN s."frozen" THEN NULL ELSE s."result" ->> {digest} END',
        ]
    rows = await sql.fetch(
        f'SELECT {", ".join(columns)}, {_EVALUATION_FIELDS} FROM "assignment" AS a {joined}'
        f"{_EVALUATION} WHERE {where('a', 0)}",
        params,
    )
    text = 6 if postgres else 5  # where the indicators' text is, when read
    first = text if by_version else text + 1  # the first aggregate
    found: dict[str, Source] = {}
    unknown: list[tuple[Any, ...]] = []
    for row in rows:
        evaluation = None if row[-4] is None else row[-5:]
        source = Source(row[:5], _NO_SPECS, row[first] if stored else None, evaluation=evaluation)
        source.peer = peer_mean(row[first + len(fields)])
        if snapshot:
            source.actuals = row[first + 1 if stored else first]
        if stored and row[-7] is not None:
            source.stored = (row[-7] == 2, row[-6], row[-7] == 1)
        if by_version:
            known = _SPECS.get((str(row[0]), row[5]))
            if known is None:
                unknown.append((row, source))
                continue
            source.specs = known
        else:
            source.specs = specs_of(row[text])
            if postgres:
                _remember(row[0], row[5], source.specs)
        found[str(row[0])] = source
    if unknown:
        # Assignments this process has not read at their row version yet: their text.
        texts = await sql.fetch(
            f'SELECT "id", {_VERSION.format(a="")}, "indicators" FROM "assignment" '
            'WHERE "company_id" = ? '
            "AND " + sql.ids_in("id", name),
            [scope[0], sql.ids_param([row[0] for row, _ in unknown], name)],
        )
        read = {(str(r[0]), r[1]): specs_of(r[2]) for r in texts}
        for row, source in unknown:
            specs = read.get((str(row[0]), row[5]))
            if specs is None:  # written meanwhile: its writer recomputes it
                continue
            _remember(row[0], row[5], specs)
            source.specs = specs
            found[str(row[0])] = source
    return sorted(found.values(), key=lambda s: s.place[1])  # ids as read: one type each


async def load_sources(
    company_id: UUID,
    plan_id: UUID,
    employee_ids: Collection[UUID] | None = None,
    *,
    snapshot: bool = True,
    stored: bool = False,
    within: Range | None = None,
) -> list[Source]:
    """Every assigned person's rows in the plan (only ``employee_ids`` when given; only
    those whose employee id is in ``within``, see ``RANGES``), in employee order: one
    statement (see ``_read``); ``stored``: what a recompute reads."""
    if employee_ids is not None and not employee_ids:
        return []
    return await _read(company_id, plan_id, employee_ids, None, snapshot, stored, within)


async def load_assigned(company_id: UUID, assignment_ids: Collection[UUID]) -> list[Source]:
    """The snapshot rows of the given assignments, whatever their plans: one statement."""
    if not assignment_ids:
        return []
    return await _read(company_id, None, None, assignment_ids, True)


def actual_provenance(row: list[Any]) -> dict[str, Any]:
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


def inputs_of(source: Source) -> PersonInputs:
    """A snapshot ``Source``'s ``PersonInputs``, provenance included."""
    assignment_id, employee_id, department_id, manager_id, revision = source.place
    actuals = {row[0]: row for row in sql.as_json(source.actuals) or ()}
    evaluation = source.evaluation
    ratings, overall = source.evaluated()
    indicators = []
    for spec in source.specs.items:
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
                provenance = actual_provenance(row)
        indicators.append(
            IndicatorInput(
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
        )
    return PersonInputs(
        employee_id=sql.as_uuid(employee_id),
        assignment_id=sql.as_uuid(assignment_id),
        department_id=sql.as_uuid(department_id),
        manager_id=sql.as_optional_uuid(manager_id),
        assignment_revision=int(revision),
        indicators=tuple(indicators),
        manager_rating=overall,
        peer_rating=source.peer,
    )


def build_all(sources: Iterable[Source]) -> list[PersonInputs]:
    return [inputs_of(s) for s in sources]


async def load_inputs(
    company_id: UUID, plan_id: UUID, employee_ids: Collection[UUID] | None = None
) -> list[PersonInputs]:
    """Every assigned person's inputs in the plan (only ``employee_ids`` when given), from
    their assignment, current actuals and submitted manager evaluation, in employee order."""
    return build_all(await load_sources(company_id, plan_id, employee_ids))
