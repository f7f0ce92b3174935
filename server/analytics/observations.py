"""The observations the correlation and driver analytics read: one per person and plan.

An observation is one person in one plan of the chosen periods whose ``Score`` has a total,
among the rows the caller's ``Reach`` covers. Its variables:

- FINAL_SCORE: ``Score.total`` (the calibrated one where calibration changed it).
- INDICATOR, by the indicator's name: the indicator's score as the engine gives it
  (server/scoring/rule_kinds: ``raw_score`` then ``limit``), i.e. the achievement % for a
  RATIO rule (actual / target x 100, inverted when lower is better), the linear score, the
  band's score..., after the rule's floor and cap: exactly the number weighted into the
  person's total. It is worked out from the person's own assignment (his target, weight
  and rule) and the current ``Actual``: a live score keeps no per-indicator numbers (it
  is compact, server/scoring/snapshot.py), and recomputing one indicator is cheaper than
  reading the frozen snapshots' JSON. Each distinct (indicator, value) is scored once per
  load, and an assignment text is parsed once (server/scoring/specs.py). Qualitative
  (RATING) indicators, rated in the manager's evaluation, are not variables. Names are
  matched across plans, so one indicator carried by several departments' plans is one
  variable.
- METRIC, by connector metric key (``attendance.rate``): the person's value over the
  period exactly as an indicator fed by it would get it (server/metrics.actuals: one
  source's facts inside the period, combined by the connector's aggregation, e.g. the
  average for a rate).

Statements: the caller reads one freshness stamp (server/analytics/memo.py); unless the
process already holds the answer for that stamp, one for the scores (with their assignments'
indicators and their actuals when asked), one for the metrics: constant in the number of
departments and people. Observations come sorted by (period, plan, person), so the
statistics see one order on both backends. A loaded list is shared by later calls with the
same stamp: callers read it and never change it.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from plugins.contract import Period as MetricPeriod
from server.analytics import memo
from server.analytics import sql as asql
from server.analytics.metric_values import metric_values
from server.analytics.periods import Period
from server.analytics.scope import Reach
from server.metrics import MetricRegistry
from server.scoring import rule_kinds, sql
from server.scoring.engine import exact_arithmetic
from server.scoring.specs import Spec, Specs, specs_of

VALUE_PLACES = 6  # Score.total and Actual.value are stored in millionths
_UNIT = 10**VALUE_PLACES


@dataclass
class Observation:
    period: Period
    plan_id: UUID
    employee_id: UUID
    total: float
    indicators: dict[str, float] = field(default_factory=dict)  # by name: the score
    weights: dict[str, Decimal] = field(default_factory=dict)  # by name: the assigned weight
    metrics: dict[str, float] = field(default_factory=dict)  # by key


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# Each observation's actuals with its score row, as one JSON array of [key, units] built by
# the database: a second statement would read every score row again, and on SQLite a
# finalized score's later columns (the ids it is joined by) sit past its snapshot's JSON in
# overflow pages.
_ACTUALS = {
    "sqlite": '(SELECT json_group_array(json_array(x."indicator_key", x."value")) '
    'FROM "actual" AS x WHERE x."assignment_id" = a."id" AND x."value" IS NOT NULL)',
    "postgres": '(SELECT json_agg(json_build_array(x."indicator_key", x."value"))::text '
    'FROM "actual" AS x WHERE x."assignment_id" = a."id" AND x."value" IS NOT NULL)',
}


def _scores_statement(
    reach: Reach, periods: Sequence[Period], dialect: str, with_indicators: bool
) -> tuple[str, list[Any]]:
    """The observations' scores, with their assignment's indicators and their actuals when
    asked (all of them: the names asked for are known only once the indicators are read)."""
    params: list[Any] = []
    plans = asql.plans_of("p", periods, dialect, params)
    where = reach.where("s", dialect, params)
    indicators = f'a."indicators", {_ACTUALS[dialect]}' if with_indicators else "NULL, NULL"
    text = (
        f'SELECT s."plan_id", s."employee_id", s."total", p."period_start", {indicators} '
        'FROM "score" AS s JOIN "plan" AS p ON p."id" = s."plan_id" '
        'JOIN "assignment" AS a ON a."id" = s."assignment_id" '
        f'WHERE {plans} AND {where} AND s."total" IS NOT NULL'
    )
    return text, params


class _Scorer:
    """Indicator scores of one load: each distinct (indicator, value) scored once (the
    people of a plan share its ``Spec`` objects, and many share a value), each assignment
    text's measurable indicators listed once."""

    def __init__(self, names: Collection[str] | None) -> None:
        self.names = names
        self.answers: dict[tuple[Spec, Any], float | None] = {}
        # By the parsed object's id; the object itself is kept with its entry, so the id
        # cannot be reused by another while this load lasts.
        self.measured: dict[int, tuple[Specs, tuple[Spec, ...], dict[str, Decimal]]] = {}

    def specs(self, raw_specs: Any) -> tuple[tuple[Spec, ...], dict[str, Decimal]]:
        """The indicators that count (measurable, named, the first of a name) and weights."""
        parsed = specs_of(raw_specs)
        found = self.measured.get(id(parsed))
        if found is None or found[0] is not parsed:
            chosen: list[Spec] = []
            weights: dict[str, Decimal] = {}
            for spec in parsed.items:
                if spec.qualitative or (self.names is not None and spec.name not in self.names):
                    continue
                if spec.name in weights:  # one name twice in an assignment: the first counts
                    continue
                weights[spec.name] = spec.weight
                chosen.append(spec)
            found = self.measured[id(parsed)] = (parsed, tuple(chosen), weights)
        return found[1], found[2]

    def score(self, spec: Spec, units: Any) -> float | None:
        key = (spec, units)
        if key in self.answers:
            return self.answers[key]
        # Exact: at most 19 digits, within the context's precision (cheaper than from_units).
        actual = Decimal(int(units)).scaleb(-VALUE_PLACES)
        work = rule_kinds.Work()
        raw = rule_kinds.raw_score(spec.rule, spec.target, actual, work)
        found = None if raw is None else float(rule_kinds.limit(spec.rule, raw, work))
        self.answers[key] = found
        return found

    def scores(
        self, raw_specs: Any, values: dict[str, Any]
    ) -> tuple[dict[str, float], dict[str, Decimal]]:
        """(score by name, weight by name) of one assignment's measurable indicators;
        ``values`` holds the actuals' stored units by key. The weights are shared."""
        chosen, weights = self.specs(raw_specs)
        scores: dict[str, float] = {}
        for spec in chosen:
            units = values.get(spec.key)
            if units is None:
                continue
            found = self.score(spec, units)
            if found is not None:
                scores[spec.name] = found
        return scores, weights


async def load_fresh(
    reach: Reach,
    periods: Sequence[Period],
    indicators: bool,
    names: Collection[str] | None,
) -> list[Observation]:
    """``load`` without the memo (and without metrics)."""
    db = sql.client()
    dialect = sql.dialect(db)
    text, params = _scores_statement(reach, periods, dialect, indicators)
    rows = await sql.fetch(text, params)
    scorer = _Scorer(names)
    by_start = {p.start: p for p in periods}
    period_of: dict[Any, Period] = {}
    ids: dict[Any, UUID] = {}  # a plan's and a person's id repeat over rows and periods
    found_rows: list[tuple[tuple[date, str, str], Observation]] = []
    empty: dict[str, Any] = {}
    with exact_arithmetic():
        for plan_id, employee_id, total, start, raw_specs, raw_values in rows:
            period = period_of.get(start)
            if period is None:
                period = period_of[start] = by_start[_day(start)]
            plan = ids.get(plan_id) or ids.setdefault(plan_id, sql.as_uuid(plan_id))
            person = ids.get(employee_id) or ids.setdefault(employee_id, sql.as_uuid(employee_id))
            # int / int is correctly rounded: the float of the exact Decimal the units stand for.
            observation = Observation(period, plan, person, int(total) / _UNIT)
            if indicators:
                values = dict(json.loads(raw_values)) if raw_values else empty
                observation.indicators, observation.weights = scorer.scores(raw_specs, values)
            found_rows.append(((period.start, str(plan_id), str(employee_id)), observation))
    found_rows.sort(key=lambda pair: pair[0])
    return [observation for _, observation in found_rows]


async def stamp(
    reach: Reach, periods: Sequence[Period], metrics: bool = False
) -> memo.Stamp | None:
    """The freshness stamp a ``load`` (with ``metrics``) is kept under (one statement)."""
    return await memo.stamp(reach, periods, facts=metrics)


async def load(
    reach: Reach,
    periods: Sequence[Period],
    fresh: memo.Stamp | None,
    *,
    indicators: bool = False,
    names: Collection[str] | None = None,
    registry: MetricRegistry | None = None,
    metrics: Collection[str] = (),
) -> list[Observation]:
    """The observations of ``periods`` within ``reach``; with ``indicators``, each with its
    indicators' scores and weights (only those named in ``names`` when given); with
    ``metrics`` (and the ``registry``), each with its values of those metric keys.

    ``fresh`` is ``stamp(reach, periods, metrics=bool(metrics))``, read by the caller: the
    list may be the one an earlier call with the same stamp loaded (read it, never change
    it); None keeps nothing."""
    keys = tuple(sorted(set(metrics))) if registry is not None else ()
    key = (
        "observations",
        reach,
        tuple(periods),
        indicators,
        None if names is None else frozenset(names),
        keys,
    )
    found = memo.recall(key, fresh, registry)
    if found is not None:
        return list(found)
    observations = await load_fresh(reach, periods, indicators, names)
    if keys and registry is not None:
        await _attach_metrics(registry, reach.company_id, observations, keys)
    memo.remember(key, fresh, registry, tuple(observations), len(observations))
    return observations


def _metrics_statement(reach: Reach, periods: Sequence[Period]) -> tuple[str, list[Any]]:
    db = sql.client()
    dialect = sql.dialect(db)
    params: list[Any] = [sql.uuid_param(reach.company_id, dialect)]
    plans = asql.plans_of("p", periods, dialect, params)
    where = reach.where("s", dialect, params)
    text = (
        'SELECT x."metric", COUNT(*) FROM "score" AS s JOIN "plan" AS p ON p."id" = s."plan_id" '
        'JOIN (SELECT DISTINCT f0."metric" FROM "metric_fact" AS f0 WHERE f0."company_id" = ?) '
        f'AS x ON 1 = 1 WHERE {plans} AND {where} AND s."total" IS NOT NULL AND EXISTS ('
        'SELECT 1 FROM "metric_fact" AS f WHERE f."company_id" = s."company_id" '
        'AND f."employee_id" = s."employee_id" AND f."metric" = x."metric" '
        'AND f."period_start" >= p."period_start" AND f."period_end" <= p."period_end") '
        'GROUP BY x."metric"'
    )
    return text, params


async def metric_counts(reach: Reach, periods: Sequence[Period]) -> dict[str, int]:
    """Per metric key, the observations with at least one fact of it inside their period
    (one statement; what ``analyticsVariables`` counts without combining any facts)."""
    text, params = _metrics_statement(reach, periods)
    return {str(metric): int(count) for metric, count in await sql.fetch(text, params)}


async def _attach_metrics(
    registry: MetricRegistry,
    company_id: UUID,
    observations: Sequence[Observation],
    keys: Collection[str],
) -> None:
    """Each observation's value of each metric in ``keys`` over its period (one statement)."""
    if not observations or not keys:
        return
    spans = {o.period: MetricPeriod(o.period.start, o.period.end) for o in observations}
    people = sorted({o.employee_id for o in observations}, key=str)
    found = await metric_values(registry, company_id, people, sorted(keys), list(spans.values()))
    for observation in observations:
        span = spans[observation.period]
        for key in keys:
            value = found.get((observation.employee_id, key, span))
            if value is not None:
                observation.metrics[key] = value
