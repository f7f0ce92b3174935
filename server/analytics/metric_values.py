"""Connector metric values for many people and periods, as floats, for the analytics.

``server.metrics.actuals`` answers the same question for the scoring engine with an
``Actual`` per cell: every fact's dates parsed, its value a ``Decimal``, its provenance
kept. The analytics need only the number, for tens of thousands of cells, so this module
runs the very same statement (``metrics.LOOKUP``: the same rows) and applies the same rules
to the values as read: the same source wins (``metrics`` "Which source wins": the
company's declared order, else the default one), its facts combine by the same
aggregation, and the number is the float of the ``Decimal`` ``actuals`` computes:

- dates stay as read (ISO text on SQLite, dates on PostgreSQL: both sort as dates), values
  as the stored units (millionths);
- sum, min, max and last are exact in units, and ``units / 10**6`` is the correctly rounded
  float of the exact Decimal, as ``float(Decimal)`` is;
- an average is the Decimal quotient in the current context, as ``metrics.aggregate``
  divides, then its float.

tests/server/analytics/test_metric_values.py compares the two on mixed sources.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from uuid import UUID

from plugins.contract import Period as MetricPeriod
from server.metrics import AGGREGATIONS, LOOKUP, MetricRegistry, _params
from server.models import MetricFact

_UNIT = 10**6  # MetricFact.value's stored units
_PLACES = -6

Cell = tuple[UUID, str, MetricPeriod]


class _Source:
    __slots__ = ("aggregation", "connector", "created", "facts", "position")

    def __init__(self, connector: str | None, created: str) -> None:
        self.connector = connector
        self.created = created
        self.position: int | None = None
        self.aggregation: str | None = None
        self.facts: dict[str, tuple[Any, Any, Any, int]] = {}


def _combined(facts: list[tuple[Any, Any, Any, int]], how: str) -> float:
    """``metrics.aggregate`` over facts sorted as ``metrics._actual`` sorts them, as a float."""
    if how == "sum":
        return sum(f[3] for f in facts) / _UNIT
    if how == "avg":
        total = Decimal(sum(f[3] for f in facts)).scaleb(_PLACES)
        return float(total / len(facts))
    if how == "min":
        return min(f[3] for f in facts) / _UNIT
    if how == "max":
        return max(f[3] for f in facts) / _UNIT
    best = facts[0]  # last: the latest period end; among equal ends, the last in order
    for fact in facts:
        if fact[0] >= best[0]:
            best = fact
    return best[3] / _UNIT


def _value(registry: MetricRegistry, metric: str, sources: dict[str, _Source]) -> float | None:
    """``metrics._actual``'s value for one cell when its status is OK, else None."""

    def rank(item: tuple[str, _Source]) -> tuple[Any, ...]:
        name, s = item
        declared = (0, s.position) if s.position is not None else (1, 0)
        return (
            declared,
            registry.default_rank(metric, s.connector),
            s.created == "",
            s.created,
            name,
        )

    _, winner = min(sources.items(), key=rank)
    first = registry.specs.get(metric)
    how = (
        registry.aggregation_of(metric, winner.connector)
        or winner.aggregation
        or (first.aggregation if first else None)
    )
    if how not in AGGREGATIONS:
        return None  # SOURCE_MISSING: nothing says how the facts combine
    return _combined(sorted(winner.facts.values()), how)


async def metric_values(
    registry: MetricRegistry,
    company_id: UUID,
    people: Sequence[UUID],
    metrics: Sequence[str],
    spans: Sequence[MetricPeriod],
) -> dict[Cell, float]:
    """The value of every (person, metric, span) with facts, as ``metrics.actuals`` gives it
    (status OK), one statement; cells without a value are left out."""
    people, metrics = list(dict.fromkeys(people)), list(dict.fromkeys(metrics))
    spans = list(dict.fromkeys(spans))
    if not (people and metrics and spans):
        return {}
    db = MetricFact._meta.db
    dialect = db.capabilities.dialect
    rows = await db.execute_query_dict(
        LOOKUP[dialect], _params(dialect, company_id, people, metrics, spans)
    )
    by_text = {(p.start.isoformat(), p.end.isoformat()): p for p in spans}
    by_day: dict[tuple[Any, Any], MetricPeriod] = {}
    ids = {str(p): p for p in people}
    cells: dict[Cell, dict[str, _Source]] = {}
    for row in rows:
        days = (row["p_start"], row["p_end"])
        span = by_day.get(days)
        if span is None:
            text = tuple(d if isinstance(d, str) else d.isoformat() for d in days)
            span = by_day[days] = by_text[text]  # type: ignore[index]
        person = row["employee_id"]
        cell = (ids.get(str(person)) or UUID(str(person)), row["metric"], span)
        sources = cells.get(cell)
        if sources is None:
            sources = cells[cell] = {}
        source = sources.get(row["source"])
        if source is None:
            created = row["config_created"]
            source = sources[row["source"]] = _Source(
                row["connector"], "" if created is None else str(created)
            )
        position = row["position"]
        if position is not None and (source.position is None or position < source.position):
            source.position, source.aggregation = position, row["aggregation"]
        source.facts[str(row["fact_id"])] = (
            row["period_end"],
            row["period_start"],
            row["source_id"],
            int(row["value"]),
        )
    found: dict[Cell, float] = {}
    for cell, sources in cells.items():
        value = _value(registry, cell[1], sources)
        if value is not None:
            found[cell] = value
    return found
