"""Metrics: which keys exist (from installed connectors) and the actual value of one for a
person over a span, which is what evaluations read for indicators fed by a data source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from plugins.contract import MetricSpec
from plugins.manager import PluginSet
from server.models import MetricFact


@dataclass(frozen=True)
class MetricRegistry:
    specs: dict[str, MetricSpec]

    @classmethod
    def from_plugins(cls, plugins: PluginSet) -> MetricRegistry:
        specs: dict[str, MetricSpec] = {}
        for connector in plugins.connectors.values():
            for spec in connector.metrics:
                specs.setdefault(spec.key, spec)  # connectors sharing a key share its meaning
        return cls(specs)

    def __contains__(self, key: object) -> bool:
        return key in self.specs


def aggregate(values: list[tuple[date, Decimal]], how: str) -> Decimal | None:
    """Combine the facts of a span: ``values`` are (period end, value) pairs."""
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
        return max(values, key=lambda pair: pair[0])[1]
    raise ValueError(f"unknown aggregation {how!r}")


async def actual_for(
    registry: MetricRegistry,
    company_id: UUID,
    employee_id: UUID,
    metric: str,
    start: date,
    end: date,
) -> Decimal | None:
    """The value of ``metric`` for one person over [start, end], or None without data.

    Facts that lie wholly inside the span count, from every source; they combine by the
    metric's declared aggregation (a month's revenue is the sum of its days).
    """
    spec = registry.specs.get(metric)
    if spec is None:
        raise KeyError(metric)
    rows = await MetricFact.filter(
        company_id=company_id,
        employee_id=employee_id,
        metric=metric,
        period_start__gte=start,
        period_end__lte=end,
    ).values_list("period_end", "value")
    return aggregate([(day, Decimal(value)) for day, value in rows], spec.aggregation)
