"""Immutable plan versions: writing them, reading them back, and what changed between two."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from server.errors import BadInput
from server.indicators import IndicatorSpec, ScoringRule
from server.models import Indicator, Plan, PlanVersion
from server.plans.validation import PlanData
from server.vocabulary import BandBasis, ScoringKind

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
        company_id=plan.company_id,
        number=plan.version,
        content=data.content(),
        author_id=author_id,
        comment=comment,
    )
    await Indicator.bulk_create(
        [
            Indicator(
                plan_id=plan.id,
                company_id=plan.company_id,
                version=plan.version,
                key=item.key,
                position=position,
                name=item.name,
                description=item.description,
                unit=item.unit,
                weight=item.weight,
                target=item.target,
                # the rule's direction, kept in its old column too for plain SQL reading
                direction=item.scoring.direction,
                data_source=item.data_source,
                scoring=item.scoring.to_json(),
                qualitative=item.qualitative,
            )
            for position, item in enumerate(data.indicators)
        ]
    )
    return version


def as_data(row: Indicator) -> IndicatorSpec:
    return IndicatorSpec(
        key=row.key,
        name=row.name,
        description=row.description,
        unit=row.unit,
        weight=Decimal(row.weight),
        target=None if row.target is None else Decimal(row.target),
        data_source=row.data_source,
        scoring=ScoringRule.from_json(row.scoring),
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
            if name == "scoring":
                before, after = scoring_change(before, after)
            if before != after:
                changes.append(Change("changed", name, key, item.name, show(before), show(after)))
    for key, item in old_items.items():
        if key not in new_items:
            changes.append(Change("removed", "indicator", key, item.name, show(item.weight), None))
    return changes


def rule_words(rule: ScoringRule) -> dict[str, str]:
    """The rule in words, part by part; its direction is a line of the diff of its own."""
    words = {"kind": rule.kind.value}
    if rule.kind is ScoringKind.LINEAR:
        words["zero anchor"] = show(rule.zero_anchor)
    if rule.kind is ScoringKind.TARGET_DISTANCE:
        words["penalty"] = show(rule.penalty)
    if rule.kind is ScoringKind.BANDS:
        words["bands"] = ", ".join(f"from {show(b.start)}: {show(b.score)}" for b in rule.bands)
        if rule.basis is not BandBasis.ACHIEVEMENT:
            words["bands"] += f" ({rule.basis.value})"
    if rule.kind is ScoringKind.RATING:
        words["rating points"] = "/".join(show(p) for p in rule.rating_points)
    words["floor"] = show(rule.floor)
    words["cap"] = show(rule.cap)
    gate = rule.gate
    words["gate"] = (
        "—" if gate is None else f"below {show(gate.below)}: total ≤ {show(gate.total_cap)}"
    )
    return words


def scoring_change(before: ScoringRule, after: ScoringRule) -> tuple[str, str]:
    """What differs between two rules, in words ("cap 120" → "cap 150"); when the kind
    changed, each rule whole. Two empty texts when only the direction changed."""
    old, new = rule_words(before), rule_words(after)
    if before.kind is after.kind:  # the same parts on both sides
        names = [name for name in new if old[name] != new[name]]
        return _words(old, names), _words(new, names)
    return (
        _words(old, [name for name in old if old[name] != "—"]),
        _words(new, [name for name in new if new[name] != "—"]),
    )


def _words(words: dict[str, str], names: list[str]) -> str:
    return "; ".join(f"{name} {words[name]}" for name in names)
