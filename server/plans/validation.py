"""Checking a plan's content. Every failure names its field path, e.g. ``indicators[2].weight``."""

from __future__ import annotations

import calendar
import itertools
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from server import validation
from server.errors import BadInput
from server.indicators import HUNDRED, IndicatorSpec
from server.metrics import MetricRegistry
from server.models.plans import PERIOD_KINDS

MAX_INDICATORS = 50


@dataclass(frozen=True)
class PlanData:
    name: str
    level: str
    period_kind: str
    period_start: date
    period_end: date
    submission_due: date
    review_due: date
    self_evaluation_due: date
    manager_evaluation_due: date
    department_ids: tuple[UUID, ...]
    indicators: tuple[IndicatorSpec, ...] = ()

    def content(self) -> dict[str, Any]:
        """The plan-level fields as stored in a version (indicators are rows of their own)."""
        return {
            "name": self.name,
            "level": self.level,
            "period_kind": self.period_kind,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "submission_due": self.submission_due.isoformat(),
            "review_due": self.review_due.isoformat(),
            "self_evaluation_due": self.self_evaluation_due.isoformat(),
            "manager_evaluation_due": self.manager_evaluation_due.isoformat(),
            "department_ids": sorted(str(d) for d in self.department_ids),
        }


def period_bounds(kind: str, start: date) -> tuple[date, date]:
    """The whole month/quarter/half-year/year that starts the period containing ``start``."""
    months = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}[kind]
    first_month = (start.month - 1) // months * months + 1
    last_month = first_month + months - 1
    last_day = calendar.monthrange(start.year, last_month)[1]
    return date(start.year, first_month, 1), date(start.year, last_month, last_day)


def _check_period(data: PlanData) -> None:
    if data.period_kind not in PERIOD_KINDS:
        raise BadInput(
            "invalid_format", field="period.kind", hint="one of " + ", ".join(PERIOD_KINDS)
        )
    start, end = period_bounds(data.period_kind, data.period_start)
    if (data.period_start, data.period_end) != (start, end):
        raise BadInput(
            "period_bounds",
            field="period",
            kind=data.period_kind.replace("_", "-"),
            expected_start=start.isoformat(),
            expected_end=end.isoformat(),
        )
    order = [
        ("deadlines.submission", data.submission_due),
        ("deadlines.review", data.review_due),
        ("deadlines.selfEvaluation", data.self_evaluation_due),
        ("deadlines.managerEvaluation", data.manager_evaluation_due),
    ]
    for (earlier_name, earlier), (later_name, later) in itertools.pairwise(order):
        if later < earlier:
            raise BadInput("dates_order", field=later_name, other=earlier_name)
    if data.review_due > data.period_end:
        raise BadInput("dates_order", field="period.end", other="deadlines.review")
    if data.self_evaluation_due < data.period_start:
        raise BadInput("dates_order", field="deadlines.selfEvaluation", other="period.start")


def check_indicators(
    items: tuple[IndicatorSpec, ...], metrics: MetricRegistry
) -> tuple[IndicatorSpec, ...]:
    """Each indicator (IndicatorSpec.check) and the list as a whole: names and keys once
    each, weights adding up to exactly 100."""
    if len(items) > MAX_INDICATORS:
        raise BadInput("too_long", field="indicators", max=MAX_INDICATORS)
    checked = tuple(item.check(f"indicators[{i}]", metrics) for i, item in enumerate(items))
    seen: dict[str, int] = {}
    for i, item in enumerate(checked):
        folded = item.name.casefold()
        if folded in seen:
            raise BadInput("duplicate_name", field=f"indicators[{i}].name", name=item.name)
        seen[folded] = i
    keys = [item.key for item in checked]
    if len(set(keys)) != len(keys):
        raise BadInput("invalid_format", field="indicators", hint="each indicator key once")
    if checked:
        total = sum((item.weight for item in checked), Decimal(0))
        if total != HUNDRED:
            raise BadInput("weights_total", field="indicators", total=f"{total.normalize():f}")
    return checked


def check_plan(data: PlanData, metrics: MetricRegistry) -> PlanData:
    """The plan with names trimmed and keys assigned, or BAD_USER_INPUT naming the field."""
    name = validation.text(data.name, "name", max_length=200)
    if data.level not in ("company", "department"):
        raise BadInput("invalid_format", field="level", hint="company or department")
    _check_period(data)
    if not data.department_ids:
        raise BadInput("required", field="departmentIds")
    return replace(data, name=name, indicators=check_indicators(data.indicators, metrics))
