"""Immutable plan versions: writing them, reading them back, and what changed between two."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from server.errors import BadInput
from server.models import Indicator, Plan, PlanVersion
from server.plans.validation import IndicatorData, PlanData

INDICATOR_FIELDS = (
    "name",
    "description",
    "unit",
    "weight",
    "target",
    "direction",
    "data_source",
    "scoring",
    "qualitative",
)
PLAN_FIELDS = (
    "name",
    "level",
    "period_kind",
    "period_start",
    "period_end",
    "submission_due",
    "review_due",
    "self_evaluation_due",
    "manager_evaluation_due",
    "department_ids",
)


async def write_version(
    plan: Plan, data: PlanData, author_id: UUID | None, comment: str
) -> PlanVersion:
    """Snapshot ``data`` as version ``plan.version`` (the caller has already bumped it)."""
    version = await PlanVersion.create(
        plan_id=plan.id,
        number=plan.version,
        content=data.content(),
        author_id=author_id,
        comment=comment,
    )
    await Indicator.bulk_create(
        [
            Indicator(
                plan_id=plan.id,
                version=plan.version,
                key=item.key,
                position=position,
                name=item.name,
                description=item.description,
                unit=item.unit,
                weight=item.weight,
                target=item.target,
                direction=item.direction,
                data_source=item.data_source,
                scoring=item.scoring,
                qualitative=item.qualitative,
            )
            for position, item in enumerate(data.indicators)
        ]
    )
    return version


def as_data(row: Indicator) -> IndicatorData:
    return IndicatorData(
        key=row.key,
        name=row.name,
        description=row.description,
        unit=row.unit,
        weight=Decimal(row.weight),
        target=None if row.target is None else Decimal(row.target),
        direction=row.direction,
        data_source=row.data_source,
        scoring=dict(row.scoring),
        qualitative=row.qualitative,
    )


async def load_data(plan: Plan, number: int | None = None) -> PlanData:
    """The plan as it stands in a version (the current one by default)."""
    number = plan.version if number is None else number
    version = await PlanVersion.get_or_none(plan_id=plan.id, number=number)
    if version is None:
        raise BadInput(
            "invalid_format", field="version", hint=f"versions run from 1 to {plan.version}"
        )
    rows = await Indicator.filter(plan_id=plan.id, version=number).order_by("position")
    c = version.content
    return PlanData(
        name=c["name"],
        level=c["level"],
        period_kind=c["period_kind"],
        period_start=date.fromisoformat(c["period_start"]),
        period_end=date.fromisoformat(c["period_end"]),
        submission_due=date.fromisoformat(c["submission_due"]),
        review_due=date.fromisoformat(c["review_due"]),
        self_evaluation_due=date.fromisoformat(c["self_evaluation_due"]),
        manager_evaluation_due=date.fromisoformat(c["manager_evaluation_due"]),
        department_ids=tuple(UUID(d) for d in c["department_ids"]),
        indicators=tuple(as_data(r) for r in rows),
    )


@dataclass(frozen=True)
class Change:
    """One difference between two versions, in words a reviewer reads ("weight 10 → 20")."""

    kind: str  # "plan", "added", "removed", "changed"
    field: str
    indicator_key: str | None
    indicator_name: str | None
    before: str | None
    after: str | None

    @property
    def text(self) -> str:
        subject = f"{self.indicator_name}: " if self.indicator_name else ""
        if self.kind == "added":
            return f"{subject}added"
        if self.kind == "removed":
            return f"{subject}removed"
        return f"{subject}{self.field} {self.before} → {self.after}"


def show(value: Any) -> str:
    if isinstance(value, Decimal):
        text = f"{value.normalize():f}"
        return text
    if isinstance(value, dict):
        return ", ".join(f"{k}={show(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if value is None:
        return "—"
    return str(value)


def diff(old: PlanData, new: PlanData) -> list[Change]:
    changes: list[Change] = []
    for name in PLAN_FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if name == "department_ids":
            before, after = sorted(map(str, before)), sorted(map(str, after))
        if before != after:
            changes.append(Change("plan", name, None, None, show(before), show(after)))
    old_items = {i.key: i for i in old.indicators}
    new_items = {i.key: i for i in new.indicators}
    for key, item in new_items.items():
        previous = old_items.get(key)
        if previous is None:
            changes.append(Change("added", "indicator", key, item.name, None, show(item.weight)))
            continue
        for name in INDICATOR_FIELDS:
            before, after = getattr(previous, name), getattr(item, name)
            if before != after:
                changes.append(Change("changed", name, key, item.name, show(before), show(after)))
    for key, item in old_items.items():
        if key not in new_items:
            changes.append(Change("removed", "indicator", key, item.name, show(item.weight), None))
    return changes
