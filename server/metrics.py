"""Metrics: which keys exist (from installed connectors) and their actual values.

``actuals`` answers many people × metrics × periods in one SQL statement, which is what the
scoring engine reads for indicators fed by a data source. For each person, metric and
period the facts of exactly one source count (docs/connectors.md, "Which source wins"):
the first in the company's declared order (``MetricSource`` rows), else the default order.
Facts are combined in Python with ``Decimal``, once the winning source is known.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, cast
from uuid import UUID

from plugins.contract import Aggregation, MetricSpec, Period
from plugins.manager import PluginSet
from server.models import MetricFact

log = logging.getLogger("jixiao")
AGGREGATIONS: tuple[Aggregation, ...] = ("sum", "avg", "last", "min", "max")


@dataclass(frozen=True)
class MetricRegistry:
    """The metrics of the installed connectors, in plugin order.

    ``specs`` holds each key's first declaration (what validation and the API show);
    ``declared`` every connector's own, since two connectors may declare one key with
    different aggregations: each source's facts then combine by its own connector's rule.
    """

    specs: dict[str, MetricSpec]
    declared: dict[str, dict[str, MetricSpec]] = field(default_factory=dict)
    connectors: tuple[str, ...] = ()  # connector names in plugin order
    conflicts: tuple[str, ...] = ()  # one line per key declared with different aggregations

    @classmethod
    def from_plugins(cls, plugins: PluginSet) -> MetricRegistry:
        specs: dict[str, MetricSpec] = {}
        declared: dict[str, dict[str, MetricSpec]] = {}
        for name, connector in plugins.connectors.items():
            for spec in connector.metrics:
                specs.setdefault(spec.key, spec)
                declared.setdefault(spec.key, {}).setdefault(name, spec)
        conflicts = tuple(
            f"metric {key} is combined differently by its connectors ("
            + ", ".join(f"{name}: {spec.aggregation}" for name, spec in by.items())
            + "); each source's facts combine by its own connector's rule"
            for key, by in declared.items()
            if len({spec.aggregation for spec in by.values()}) > 1
        )
        for line in conflicts:  # said once at start, not silently resolved
            log.warning("%s", line)
        return cls(specs, declared, tuple(plugins.connectors), conflicts)

    def __contains__(self, key: object) -> bool:
        return key in self.specs

    def aggregation_of(self, metric: str, connector: str | None) -> Aggregation | None:
        """The connector's own rule for ``metric``, or None when it does not declare it."""
        spec = self.declared.get(metric, {}).get(connector or "")
        return spec.aggregation if spec else None

    def default_rank(self, metric: str, connector: str | None) -> tuple[int, int]:
        """Connectors declaring the metric in plugin order, then other installed ones, then
        sources whose connector is gone."""
        by = list(self.declared.get(metric, {}))
        if connector in by:
            return (0, by.index(connector))
        if connector in self.connectors:
            return (1, self.connectors.index(connector))
        return (2, 0)


def aggregate(values: list[tuple[date, Decimal]], how: str) -> Decimal | None:
    """Combine the facts of a span: ``values`` are (period end, value) pairs.

    ``last`` is the latest period end; among facts ending the same day, the last given.
    """
    if not values:
        return None
    numbers = [v for _, v in values]
    if how == "sum":
        return sum(numbers, Decimal(0))
    if how == "avg":
        return sum(numbers, Decimal(0)) / len(numbers)
    if how == "min":
        return min(numbers)
    if how == "max":
        return max(numbers)
    if how == "last":
        best = values[0]
        for pair in values:
            if pair[0] >= best[0]:
                best = pair
        return best[1]
    raise ValueError(f"unknown aggregation {how!r}")


class ActualStatus(StrEnum):
    OK = "OK"  # ``value`` holds the combined facts of one source
    NO_DATA = "NO_DATA"  # the metric is known, no fact lies in the period
    # The facts' connector is gone and nothing says how they combine, or no installed
    # connector declares the metric: ``reason`` says which.
    SOURCE_MISSING = "SOURCE_MISSING"


@dataclass(frozen=True)
class Actual:
    """The actual value of one metric for one person over one period."""

    employee_id: UUID
    metric: str
    period: Period
    value: Decimal | None
    status: ActualStatus
    source: str | None = None  # the winning source: a connector config id
    connector: str | None = None  # its connector, None when the config no longer exists
    aggregation: Aggregation | None = None
    facts: int = 0  # facts of the winning source combined into ``value``
    ignored_sources: tuple[str, ...] = ()  # other sources with facts in the period, not counted
    reason: str = ""


ActualKey = tuple[UUID, str, Period]

# One statement: facts wholly inside any requested period (a fact may fall in several),
# with their source's connector and the company's declared position for that source.
# Lists travel as one parameter each (a JSON array on SQLite, an array on PostgreSQL),
# so the statement is the same for 1 person or 10,000.
_SELECT = (
    "SELECT p.p_start, p.p_end, f.id AS fact_id, f.employee_id, f.metric, f.period_start, "
    "f.period_end, f.value, f.source, f.source_id, c.connector, c.created_at AS config_created, "
    "r.position, r.aggregation FROM metric_fact f "
)
_RULES = (
    "LEFT JOIN metric_source r ON r.company_id = f.company_id AND r.metric = f.metric "
    "AND r.source IN (f.source, c.connector) "
)
LOOKUP = {
    "sqlite": _SELECT
    + "JOIN (SELECT json_extract(value, '$[0]') AS p_start, json_extract(value, '$[1]') AS p_end "
    "FROM json_each(?)) p ON f.period_start >= p.p_start AND f.period_end <= p.p_end "
    "LEFT JOIN connector_config c ON c.company_id = f.company_id AND c.id = f.source "
    + _RULES
    + "WHERE f.company_id = ? AND f.employee_id IN (SELECT value FROM json_each(?)) "
    "AND f.metric IN (SELECT value FROM json_each(?))",
    "postgres": _SELECT + "JOIN unnest($1::date[], $2::date[]) AS p(p_start, p_end) "
    "ON f.period_start >= p.p_start AND f.period_end <= p.p_end "
    "LEFT JOIN connector_config c ON c.company_id = f.company_id AND c.id::text = f.source "
    + _RULES
    + "WHERE f.company_id = $3 AND f.employee_id = ANY($4::uuid[]) AND f.metric = ANY($5::text[])",
}


def _params(
    dialect: str, company_id: UUID, people: list[UUID], metrics: list[str], periods: list[Period]
) -> list[Any]:
    if dialect == "sqlite":  # ids and dates are stored as text, as the ORM writes them
        return [
            json.dumps([[p.start.isoformat(), p.end.isoformat()] for p in periods]),
            str(company_id),
            json.dumps([str(e) for e in people]),
            json.dumps(metrics),
        ]
    return [[p.start for p in periods], [p.end for p in periods], company_id, people, metrics]


@dataclass
class _Source:
    """One source's facts within one (person, metric, period)."""

    connector: str | None
    created: str
    position: int | None
    aggregation: str | None
    facts: dict[str, tuple[date, date, str, Decimal]] = field(default_factory=dict)


async def actuals(
    registry: MetricRegistry,
    company_id: UUID,
    employee_ids: Iterable[UUID],
    metrics: Iterable[str],
    periods: Iterable[Period],
) -> dict[ActualKey, Actual]:
    """Every requested (person, metric, period) with its ``Actual``, in one SQL statement.

    Facts that lie wholly inside the period count, from one source only (see the module
    docstring); a request with nothing to ask makes no statement.
    """
    people, keys = list(dict.fromkeys(employee_ids)), list(dict.fromkeys(metrics))
    spans = list(dict.fromkeys(periods))
    if not (people and keys and spans):
        return {}
    db = MetricFact._meta.db
    dialect = db.capabilities.dialect
    rows = await db.execute_query_dict(
        LOOKUP[dialect], _params(dialect, company_id, people, keys, spans)
    )
    by_text = {(p.start.isoformat(), p.end.isoformat()): p for p in spans}
    cells: dict[ActualKey, dict[str, _Source]] = {}
    for row in rows:
        cell = (
            _uuid(row["employee_id"]),
            row["metric"],
            by_text[_day(row["p_start"]), _day(row["p_end"])],
        )
        sources = cells.setdefault(cell, {})
        source = sources.get(row["source"])
        if source is None:
            created = row["config_created"]
            source = sources[row["source"]] = _Source(
                row["connector"], "" if created is None else str(created), None, None
            )
        position = row["position"]
        if position is not None and (source.position is None or position < source.position):
            source.position, source.aggregation = position, row["aggregation"]
        source.facts[str(row["fact_id"])] = (
            _to_date(row["period_end"]),
            _to_date(row["period_start"]),
            row["source_id"],
            _to_decimal(row["value"]),
        )
    return {
        (person, metric, span): _actual(
            registry, (person, metric, span), cells.get((person, metric, span), {})
        )
        for person in people
        for metric in keys
        for span in spans
    }


def _actual(registry: MetricRegistry, cell: ActualKey, sources: dict[str, _Source]) -> Actual:
    person, metric, span = cell
    if not sources:
        if metric in registry:
            return Actual(person, metric, span, None, ActualStatus.NO_DATA)
        return Actual(
            person,
            metric,
            span,
            None,
            ActualStatus.SOURCE_MISSING,
            reason=f"no installed connector declares the metric {metric}",
        )

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

    ordered = sorted(sources.items(), key=rank)
    name, winner = ordered[0]
    others = tuple(other for other, _ in ordered[1:])
    # The source's own connector decides; a gone connector's facts combine as the company
    # declared for that source, else as an installed connector declaring the key would.
    first = registry.specs.get(metric)
    how = (
        registry.aggregation_of(metric, winner.connector)
        or winner.aggregation
        or (first.aggregation if first else None)
    )
    if how not in AGGREGATIONS:
        return Actual(
            person,
            metric,
            span,
            None,
            ActualStatus.SOURCE_MISSING,
            name,
            winner.connector,
            None,
            len(winner.facts),
            others,
            f"the connector of source {name} ({winner.connector or 'config gone'}) is not "
            f"installed, none declares {metric}, and the company declared no aggregation",
        )
    facts = sorted(winner.facts.values())  # by period end, start, source id: a stable "last"
    value = aggregate([(end, v) for end, _, _, v in facts], how)
    return Actual(
        person,
        metric,
        span,
        value,
        ActualStatus.OK,
        name,
        winner.connector,
        how,
        len(facts),
        others,
    )


async def actual_for(
    registry: MetricRegistry,
    company_id: UUID,
    employee_id: UUID,
    metric: str,
    start: date,
    end: date,
) -> Actual:
    """One person's actual of ``metric`` over [start, end]: ``actuals`` for a single cell."""
    span = Period(start, end)
    found = await actuals(registry, company_id, [employee_id], [metric], [span])
    return found[(employee_id, metric, span)]


_FIELDS = MetricFact._meta.fields_map


def _uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


def _to_date(value: Any) -> date:
    return cast(date, _FIELDS["period_end"].to_python_value(value))


def _day(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _to_decimal(value: Any) -> Decimal:
    # The column's own conversion, so the reading follows however the value is stored.
    return cast(Decimal, _FIELDS["value"].to_python_value(value))
