"""Recomputing live scores after an input changed: the contract every input writer
(assignments, actuals, evaluations, formulas) calls, inside its own transaction.

A recompute costs a bounded number of statements for any number of people: the setup, the
inputs with the stored scores' digests (one read for given people; a whole plan in the four
employee ranges of ``loading.RANGES``, each read while the range before it is scored; on
PostgreSQL a second read for assignments new to the process), the writes of what changed
(per ``CHUNK`` people at most an update of those who have a score and an insert of the
others, see writes.py; each chunk is written while the next is scored), and the events. The
reads and writes queue on the caller's connection (``_Lane``), one at a time. It writes
only what changed: each person's ``Source`` is digested with the setup (``salt``) first, and
only a person whose digest differs from his stored score's is scored and written; a second
recompute with nothing new writes nothing and returns 0. Frozen scores are skipped when read
and, should one freeze meanwhile, by the writes' own ``WHERE frozen = false``. A removed
assignment takes its score with it (the foreign key cascades); a person without an
assignment has no score.

A live score is written compact (``snapshot.LiveResult``: its numbers and digest, no
snapshot, see snapshot.py), which is what makes a plan-wide recompute of 10,000 people cost
about a second; freezing (``freeze=True``) writes the full snapshot and explanations.

Events (``ScoreEvent``, kind COMPUTED, through the outbox in the caller's transaction): one
per changed person while at most ``PLAN_WIDE_AFTER`` changed, else one plan-wide event
(``employee_id`` None) that tells subscribers to read the plan's scores again, rather than
thousands of rows in the outbox for one formula change. Call ``recompute`` last in your
transaction, right before your own ``emit``: the outbox serializes writers from their first
event on (server/outbox/store.py).
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable, Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from typing import Any
from uuid import UUID

from tortoise.transactions import in_transaction

from server.events import ScoreEvent
from server.models.fields import to_units
from server.outbox import emit
from server.scoring import settings as scoring_settings
from server.scoring import snapshot, sql
from server.scoring.compute import PersonScore, compute_scored
from server.scoring.engine import IndicatorScore, exact_arithmetic, score_indicator
from server.scoring.inputs import ScoringSetup
from server.scoring.loading import RANGES, VALUE_PLACES, Range, Source, load_sources
from server.scoring.snapshot_text import FrozenTexts
from server.scoring.specs import Spec
from server.scoring.vocabulary import ScoreEventKind
from server.scoring.writes import Written, WrittenRows, upsert_scores

PLAN_WIDE_AFTER = 100  # more changed scores than this: one plan-wide event
CHUNK = 2000  # people scored, then written while the next are scored
TOTAL_PLACES = 6  # Score.total's ScaledDecimalField places
# Below this many people the collector's pauses cost nothing worth avoiding.
_GC_PAUSE_FROM = 1000


def salt(setup: ScoringSetup) -> str:
    """What besides the inputs decides a result: the grade bands, the formula (its version
    and text) and the result's format."""
    formula = setup.formula
    return repr(
        (
            snapshot.FORMAT,
            setup.grade_bands,
            setup.formula_version,
            None if formula is None else formula.expression,
        )
    )


class _Answers:
    """The engine's answers kept for the process, per (indicator, value as read): an
    indicator's score depends on nothing else, and the ``Spec`` objects of an assignment text
    live as long as the text is cached (specs.py), so the next recompute scores again only
    the values that moved (most of a plan's do not between two recomputes).

    Two generations of at most ``size`` answers each: when the recent one is full it becomes
    the older one and the one before is dropped; an answer found in the older one moves back
    to the recent one. What is still in use stays, what moved away goes, memory is bounded."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.recent: dict[tuple[Spec, Any], IndicatorScore] = {}
        self.older: dict[tuple[Spec, Any], IndicatorScore] = {}

    def earlier(self, key: tuple[Spec, Any]) -> IndicatorScore | None:
        return self.older.get(key)

    def keep(self, key: tuple[Spec, Any], item: IndicatorScore) -> None:
        if len(self.recent) >= self.size:
            self.older, self.recent = self.recent, {}
        self.recent[key] = item


ANSWERS = _Answers(40_000)


class Scorer:
    """Scores people under one setup, each distinct (indicator, value) once (see ``_Answers``):
    the people of a plan share their assignment's ``Spec`` objects, and many share a value (a
    count, a rating, none yet), so they share the engine's answer too, explanations included
    (written at most once per language). People with the very same answers share their
    score."""

    def __init__(self, setup: ScoringSetup) -> None:
        self.setup = setup
        # Keyed by the ids of the person's items: each key's items are held by the score
        # stored under it, so an id stands for one item while this scorer lives.
        self._people: dict[tuple[Any, ...], PersonScore] = {}

    def _item(self, spec: Spec, found: Any, value: Decimal | None) -> IndicatorScore:
        key = (spec, found)
        item = ANSWERS.earlier(key)
        if item is None:
            item = score_indicator(spec.rule, spec.target, value, spec.weight, key=spec.key)
        ANSWERS.keep(key, item)
        return item

    def score(self, source: Source) -> PersonScore:
        """What ``compute_person(loading.inputs_of(source), setup)`` says, for less."""
        units = {r[0]: r[1] for r in sql.as_json(source.values) or ()}
        ratings, overall = source.ratings()
        rated = source.evaluation is not None
        known = ANSWERS.recent
        items: list[IndicatorScore] = []
        for spec in source.specs.items:
            if spec.qualitative:
                rating = (ratings.get(spec.key) or {}).get("rating") if rated else None
                found: Any = None if rating is None else str(rating)
                item = known.get((spec, found))
                if item is None:
                    item = self._item(spec, found, None if found is None else Decimal(found))
            else:
                found = units.get(spec.key)
                item = known.get((spec, found))
                if item is None:
                    # As loading.inputs_of reads it (from_units), the same digits and places.
                    value = None if found is None else Decimal(found).scaleb(-VALUE_PLACES)
                    item = self._item(spec, found, value)
            items.append(item)
        key = (*map(id, items), overall)
        person = self._people.get(key)
        if person is None:
            person = self._people[key] = compute_scored(items, overall, self.setup)
        return person


def _units(value: Decimal | None) -> int | None:
    """A total (2 places) as the column's units."""
    if value is None:
        return None
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -TOTAL_PLACES and value.adjusted() < 12:
        return int(value.scaleb(TOTAL_PLACES))  # exact: no digit is dropped
    return to_units(value, TOTAL_PLACES)


@contextmanager
def _collector_paused(count: int) -> Iterator[None]:
    """Scoring thousands of people allocates millions of small objects, and the cyclic
    collector's full passes over them cost more than the scoring itself (3x measured at
    10,000 people). The block it guards awaits only its own writes (a second or so in all);
    other tasks that run meanwhile free their objects by reference counting as ever."""
    if count < _GC_PAUSE_FROM or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class _Batch:
    """The rows to write (``writes.ROW``) of people scored under one setup: those without a
    score and those with a live one whose digest moved (every live one with ``freeze``)."""

    def __init__(self, setup: ScoringSetup, freeze: bool) -> None:
        self.seasoning = salt(setup).encode()
        self.freeze = freeze
        self.scorer = Scorer(setup)
        self.live = snapshot.LiveResult(setup)
        formula = None if setup.formula is None else setup.formula.expression
        self.texts = FrozenTexts(formula, snapshot.bands_json(setup.grade_bands))

    def rows(self, sources: Sequence[Source]) -> Rows:
        with exact_arithmetic():
            return self._rows(sources)

    def _rows(self, sources: Sequence[Source]) -> Rows:
        """(people without a score, with one that moved, with one still in place)."""
        new: list[tuple[Any, ...]] = []
        moved: list[tuple[Any, ...]] = []
        placed: list[tuple[Any, ...]] = []
        for source in sources:
            found = source.stored
            if found is not None and found[0]:
                continue
            digest = source.digest(self.seasoning)
            if not self.freeze and found is not None and found[1] == digest:
                continue
            score = self.scorer.score(source)
            inputs: str | None = None
            if self.freeze:
                inputs = self.texts.inputs(source)
                text = self.texts.result(score, digest)
            else:
                text = self.live.text(score, digest)
            grade = score.grade
            (new if found is None else placed if found[2] else moved).append(
                (
                    *source.place[:4],
                    score.status.value,
                    _units(score.total),
                    _units(score.indicators.total),
                    None if grade is None else grade.key,
                    score.formula_version,
                    inputs,
                    text,
                )
            )
        return new, moved, placed


Row = tuple[Any, ...]
Rows = tuple[list[Row], list[Row], list[Row]]
Write = Callable[[list[Row], list[Row], list[Row]], Awaitable[WrittenRows]]
Load = Callable[[Range | None], Awaitable[list[Source]]]


class _Lane:
    """The caller's connection, one statement at a time, in the order they were asked for:
    the reads of the next ranges and the writes of the scored chunks queue here while Python
    scores (a transaction's connection runs one statement at a time)."""

    def __init__(self) -> None:
        self._turn = asyncio.Lock()  # fair: waiters go in the order they came
        self.tasks: list[asyncio.Future[Any]] = []

    def submit(self, work: Callable[[], Awaitable[Any]]) -> asyncio.Future[Any]:
        async def in_turn() -> Any:
            async with self._turn:
                return await work()

        task = asyncio.ensure_future(in_turn())
        self.tasks.append(task)
        return task


async def _score_and_write(
    ranges: Sequence[Range | None], load: Load, batch: _Batch, write: Write
) -> WrittenRows:
    """Read the people range by range and score ``CHUNK`` of them at a time; the database
    reads the next ranges and writes each scored chunk while Python scores the next, so a
    recompute of a whole plan takes about as long as the longer of the two, not their sum."""
    lane = _Lane()
    writes: list[asyncio.Future[Any]] = []
    try:
        # All reads first, so that no range waits behind the writes.
        reads = [lane.submit(partial(load, r)) for r in ranges]
        await asyncio.sleep(0)  # the first read takes its turn
        for read in reads:
            sources: list[Source] = await read
            for start in range(0, len(sources), CHUNK):
                new, moved, placed = batch.rows(sources[start : start + CHUNK])
                if new or moved or placed:
                    writes.append(lane.submit(partial(write, new, moved, placed)))
                    await asyncio.sleep(0)  # the write takes its place in line
        return WrittenRows.joined([await w for w in writes])
    finally:
        # Scoring failed (or was cancelled): nothing outlives the transaction.
        unfinished = [t for t in lane.tasks if not t.done()]
        for task in unfinished:
            task.cancel()
        await asyncio.gather(*lane.tasks, return_exceptions=True)


async def refresh(
    company_id: UUID,
    plan_id: UUID,
    employee_ids: Collection[UUID] | None = None,
    *,
    freeze: bool = False,
    expected_version: int | None = None,
) -> WrittenRows:
    """Score the plan's live scores again and write those that changed; with ``freeze``,
    write every live one (snapshot and explanations included) as its next frozen version
    instead (``expected_version``: only a live score at that version). Returns the rows
    written."""
    setup = await scoring_settings.load_setup(company_id)
    now = datetime.now(UTC)
    # A whole plan is read in ranges (see loading.RANGES); given people at once.
    ranges: Sequence[Range | None] = RANGES if employee_ids is None else (None,)

    def load(within: Range | None) -> Awaitable[list[Source]]:
        return load_sources(
            company_id, plan_id, employee_ids, snapshot=freeze, stored=True, within=within
        )

    def write(new: list[Row], moved: list[Row], placed: list[Row]) -> Awaitable[WrittenRows]:
        return upsert_scores(
            company_id,
            plan_id,
            new,
            moved,
            now,
            freeze=freeze,
            expected_version=expected_version,
            placed=placed,
        )

    # The collector is paused for a plan of any size: who is in it is known only as read.
    with _collector_paused(_GC_PAUSE_FROM if employee_ids is None else len(employee_ids)):
        return await _score_and_write(ranges, load, _Batch(setup, freeze), write)


def events(
    company_id: UUID, plan_id: UUID, kind: ScoreEventKind, written: Sequence[Written]
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
