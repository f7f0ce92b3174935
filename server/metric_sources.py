"""A company's declared order of sources per metric: which source wins (server.metrics).

Stored as ``MetricSource`` rows, one per (company, metric, source) with its position, so
the actuals lookup ranks sources in the same SQL statement that reads the facts. Setting
a metric's order replaces the whole list in one transaction. The caller authorizes: this
module decides nothing about who may change it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from tortoise.transactions import in_transaction

from plugins.contract import Aggregation
from server import validation
from server.errors import BadInput
from server.metrics import AGGREGATIONS
from server.models.sync import MetricSource

MAX_SOURCES = 20


@dataclass(frozen=True)
class SourceRule:
    """One entry of the order: a connector name or a connector config id.

    ``aggregation`` is how this source's facts combine once no installed connector declares
    the metric (e.g. its plugin was removed); None leaves it to the connectors.
    """

    source: str
    aggregation: Aggregation | None = None


def check_rules(metric: str, sources: Sequence[SourceRule | str]) -> tuple[str, list[SourceRule]]:
    key = validation.text(metric, "metric", max_length=64)
    if len(sources) > MAX_SOURCES:
        raise BadInput("too_many_items", field="sources", max=MAX_SOURCES)
    rules: list[SourceRule] = []
    for i, item in enumerate(sources):
        rule = SourceRule(item) if isinstance(item, str) else item
        name = validation.text(rule.source, f"sources[{i}].source", max_length=64)
        if rule.aggregation is not None and rule.aggregation not in AGGREGATIONS:
            raise BadInput(
                "invalid_format",
                field=f"sources[{i}].aggregation",
                hint="one of " + ", ".join(AGGREGATIONS),
            )
        if any(r.source == name for r in rules):
            raise BadInput("invalid_format", field=f"sources[{i}].source", hint="each source once")
        rules.append(SourceRule(name, rule.aggregation))
    return key, rules


async def set_metric_sources(
    company_id: UUID, metric: str, sources: Sequence[SourceRule | str]
) -> list[SourceRule]:
    """Declare the order for ``metric``: the first source with facts wins. An empty list
    returns the metric to the default order."""
    key, rules = check_rules(metric, sources)
    async with in_transaction():
        await MetricSource.filter(company_id=company_id, metric=key).delete()
        await MetricSource.bulk_create(
            [
                MetricSource(
                    company_id=company_id,
                    metric=key,
                    source=rule.source,
                    position=position,
                    aggregation=rule.aggregation,
                )
                for position, rule in enumerate(rules)
            ]
        )
    return rules


async def metric_sources(company_id: UUID) -> dict[str, list[SourceRule]]:
    """The company's declared orders, by metric."""
    rows = await MetricSource.filter(company_id=company_id).order_by("metric", "position")
    found: dict[str, list[SourceRule]] = {}
    for row in rows:
        how: Aggregation | None = row.aggregation if row.aggregation in AGGREGATIONS else None
        found.setdefault(row.metric, []).append(SourceRule(row.source, how))
    return found
