"""Checking a plan's content. Every failure names its field path, e.g. ``indicators[2].weight``."""

from __future__ import annotations

import calendar
import itertools
import uuid
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from server import validation
from server.errors import BadInput
from server.metrics import MetricRegistry
from server.models.plans import PERIOD_KINDS

DIRECTIONS = ("higher", "lower")
RULES = ("ratio", "capped", "bands", "rating")
MAX_INDICATORS = 50
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class IndicatorData:
    name: str
    weight: Decimal
    target: Decimal | None = None
    key: str | None = None
    description: str = ""
    unit: str = ""
    direction: str = "higher"
    data_source: str = "manual"
    scoring: dict[str, Any] = field(default_factory=lambda: {"rule": "ratio"})
    qualitative: bool = False


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
    indicators: tuple[IndicatorData, ...] = ()

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


MAX_TARGET = Decimal("1e13")
MAX_PERCENT = Decimal(10000)


def _scoring(raw: dict[str, Any], path: str) -> dict[str, Any]:
    rule = raw.get("rule", "ratio")
    if rule not in RULES:
        raise BadInput("invalid_format", field=f"{path}.rule", hint="one of " + ", ".join(RULES))
    if rule == "capped":
        cap = raw.get("cap")
        if cap is None:
            raise BadInput("required", field=f"{path}.cap")
        cap = validation.number(cap, f"{path}.cap", places=4, maximum=MAX_PERCENT)
        if cap < HUNDRED:
            raise BadInput("cap_too_low", field=f"{path}.cap")
        return {"rule": rule, "cap": str(cap)}
    if rule == "bands":
        bands = raw.get("bands") or []
        if not bands:
            raise BadInput("required", field=f"{path}.bands")
        floors = [
            validation.number(b["from"], f"{path}.bands[{i}].from", places=4, maximum=MAX_PERCENT)
            for i, b in enumerate(bands)
        ]
        scores = [
            validation.number(b["score"], f"{path}.bands[{i}].score", places=4, maximum=MAX_PERCENT)
            for i, b in enumerate(bands)
        ]
        if floors[0] != 0 or any(b <= a for a, b in itertools.pairwise(floors)):
            raise BadInput("bands_invalid", field=f"{path}.bands")
        return {
            "rule": rule,
            "bands": [
                {"from": str(f), "score": str(s)} for f, s in zip(floors, scores, strict=True)
            ],
        }
    return {"rule": rule}


def _indicator(item: IndicatorData, path: str, metrics: MetricRegistry) -> IndicatorData:
    name = validation.text(item.name, f"{path}.name")
    weight = validation.number(item.weight, f"{path}.weight", places=4, maximum=HUNDRED)
    if weight <= 0:
        raise BadInput("must_be_positive", field=f"{path}.weight")
    if item.direction not in DIRECTIONS:
        raise BadInput("invalid_format", field=f"{path}.direction", hint="higher or lower")
    scoring = _scoring(item.scoring, f"{path}.scoring")
    if item.qualitative and scoring["rule"] != "rating":
        raise BadInput(
            "invalid_format",
            field=f"{path}.scoring.rule",
            hint="a qualitative indicator is rated 1-5",
        )
    target = None
    if item.target is not None:
        target = validation.number(item.target, f"{path}.target", places=6, maximum=MAX_TARGET)
    if scoring["rule"] != "rating":
        if target is None:
            raise BadInput("required", field=f"{path}.target")
        if target <= 0:
            raise BadInput("must_be_positive", field=f"{path}.target")
    source = (item.data_source or "manual").strip()
    if source != "manual" and source not in metrics:
        raise BadInput("unknown_metric", field=f"{path}.dataSource", metric=source)
    return replace(
        item,
        key=item.key or str(uuid.uuid4()),
        name=name,
        weight=weight,
        target=target,
        description=validation.text(
            item.description, f"{path}.description", max_length=2000, required=False
        ),
        unit=validation.text(item.unit, f"{path}.unit", max_length=32, required=False),
        data_source=source,
        scoring=scoring,
    )


def check_indicator(item: IndicatorData, path: str, metrics: MetricRegistry) -> IndicatorData:
    """One indicator on its own (a patch of it), errors under ``path``; weights are
    checked with the whole plan."""
    return _indicator(item, path, metrics)


def check_indicators(
    items: tuple[IndicatorData, ...], metrics: MetricRegistry
) -> tuple[IndicatorData, ...]:
    if len(items) > MAX_INDICATORS:
        raise BadInput("too_long", field="indicators", max=MAX_INDICATORS)
    checked = tuple(_indicator(item, f"indicators[{i}]", metrics) for i, item in enumerate(items))
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
