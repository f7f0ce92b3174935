"""Recomputing live scores after an input changed: the contract every input writer
(assignments, actuals, evaluations, formulas) calls, inside its own transaction.

A recompute costs a constant number of statements for any number of people: the setup, the
inputs (three, see loading.py), the stored scores' digests (one), one upsert of what changed,
and the events. It writes only what changed: each person's ``Source`` is digested with the
setup (``salt``) first, and only a person whose digest differs from his stored score's is
scored, serialized and written; a second recompute with nothing new writes nothing and
returns 0. Frozen scores are skipped when read and, should one freeze meanwhile, by the
upsert's own ``WHERE frozen = false``. A removed assignment takes its score with it (the
foreign key cascades); a person without an assignment has no score.

Events (``ScoreEvent``, kind COMPUTED, through the outbox in the caller's transaction): one
per changed person while at most ``PLAN_WIDE_AFTER`` changed, else one plan-wide event
(``employee_id`` None) that tells subscribers to read the plan's scores again, rather than
thousands of rows in the outbox for one formula change. Call ``recompute`` last in your
transaction, right before your own ``emit``: the outbox serializes writers from their first
event on (server/outbox/store.py).
"""

from __future__ import annotations

import gc
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from tortoise.transactions import in_transaction

from server.events import ScoreEvent
from server.models.fields import to_units
from server.outbox import emit
from server.scoring import settings as scoring_settings
from server.scoring import snapshot, sql
from server.scoring.compute import compute_person
from server.scoring.inputs import ScoringSetup
from server.scoring.loading import Builder, load_sources
from server.scoring.vocabulary import ScoreEventKind
from server.scoring.writes import Written, upsert_scores

PLAN_WIDE_AFTER = 100  # more changed scores than this: one plan-wide event
TOTAL_PLACES = 6  # Score.total's ScaledDecimalField places
# Below this many people the collector's pauses cost nothing worth avoiding.
_GC_PAUSE_FROM = 1000


@dataclass(frozen=True)
class Stored:
    frozen: bool
    digest: str | None


def salt(setup: ScoringSetup) -> str:
    """What besides the inputs decides a result: the grade bands, the formula (its version
    and text) and the snapshot's format."""
    formula = setup.formula
    return repr(
        (
            snapshot.FORMAT,
            setup.grade_bands,
            setup.formula_version,
            None if formula is None else formula.expression,
        )
    )


async def _stored(
    company_id: UUID, plan_id: UUID, employee_ids: Collection[UUID] | None
) -> dict[str, Stored]:
    name = sql.dialect(sql.client())
    digest = "\"result\" ->> 'digest'" if name == "postgres" else "\"result\" ->> '$.digest'"
    statement = (
        f'SELECT "employee_id", "frozen", {digest} FROM "score" '
        'WHERE "company_id" = ? AND "plan_id" = ?'
    )
    params: list[Any] = [sql.uuid_param(company_id, name), sql.uuid_param(plan_id, name)]
    if employee_ids is not None:
        statement += " AND " + sql.ids_in("employee_id", name)
        params.append(sql.ids_param(list(employee_ids), name))
    return {str(r[0]): Stored(bool(r[1]), r[2]) for r in await sql.fetch(statement, params)}


@contextmanager
def _collector_paused(count: int) -> Iterator[None]:
    """Scoring thousands of people allocates millions of small objects, and the cyclic
    collector's full passes over them cost more than the scoring itself (3x measured at
    10,000 people). The block it guards never awaits, so no other task runs meanwhile."""
    if count < _GC_PAUSE_FROM or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def refresh(
    company_id: UUID,
    plan_id: UUID,
    employee_ids: Collection[UUID] | None = None,
    *,
    freeze: bool = False,
    expected_version: int | None = None,
) -> list[Written]:
    """Score the plan's live scores again and write those that changed; with ``freeze``,
    write every live one (explanations included) as its next frozen version instead
    (``expected_version``: only a live score at that version). Returns the rows written."""
    setup = await scoring_settings.load_setup(company_id)
    sources = await load_sources(company_id, plan_id, employee_ids)
    if not sources:
        return []
    stored = await _stored(company_id, plan_id, employee_ids)
    seasoning = salt(setup)
    bands = snapshot.bands_json(setup.grade_bands)
    builder = Builder()
    rows: list[tuple[Any, ...]] = []
    with _collector_paused(len(sources)):
        for source in sources:
            found = stored.get(str(source.assignment[1]))
            if found is not None and found.frozen:
                continue
            digest = source.digest(seasoning)
            if not freeze and found is not None and found.digest == digest:
                continue
            inputs = builder.inputs(source)
            score = compute_person(inputs, setup)
            result = snapshot.result_json(score, setup, digest, bands)
            if freeze:
                result["explanations"] = snapshot.explanations_json(score)
            rows.append(
                (
                    uuid4(),
                    inputs.assignment_id,
                    inputs.employee_id,
                    inputs.department_id,
                    inputs.manager_id,
                    score.status.value,
                    None if score.total is None else to_units(score.total, TOTAL_PLACES),
                    None
                    if score.indicators.total is None
                    else to_units(score.indicators.total, TOTAL_PLACES),
                    None if score.grade is None else score.grade.key,
                    score.formula_version,
                    sql.dumps(inputs.to_json()),
                    sql.dumps(result),
                )
            )
    return await upsert_scores(
        company_id,
        plan_id,
        rows,
        datetime.now(UTC),
        freeze=freeze,
        expected_version=expected_version,
    )


def events(
    company_id: UUID, plan_id: UUID, kind: ScoreEventKind, written: list[Written]
) -> list[ScoreEvent]:
    """One event per written score, or one plan-wide event past ``PLAN_WIDE_AFTER``."""
    if not written:
        return []
    if len(written) > PLAN_WIDE_AFTER:
        return [ScoreEvent(company_id, plan_id, kind.value)]
    return [
        ScoreEvent(
            company_id,
            plan_id,
            kind.value,
            employee_id=w.employee_id,
            department_id=w.department_id,
            manager_id=w.manager_id,
            score_id=w.score_id,
            version=w.version,
        )
        for w in written
    ]


async def recompute(
    company_id: UUID, plan_id: UUID, employee_ids: Collection[UUID] | None = None
) -> int:
    """Recompute the live (not frozen) scores of ``employee_ids`` in the plan (all when None);
    returns how many scores changed."""
    if employee_ids is not None and not employee_ids:
        return 0
    async with in_transaction(sql.connection_name()):
        written = await refresh(company_id, plan_id, employee_ids)
        await emit(*events(company_id, plan_id, ScoreEventKind.COMPUTED, written))
    return len(written)
