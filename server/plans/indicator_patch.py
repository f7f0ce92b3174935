"""Editing indicators in place. A patch names only the fields it changes; everything else
keeps its value, so a reviewer who sends ``{name, weight, target}`` never turns a
lower-is-better indicator around or unlinks its data source. Several patches (a weight
rebalance) are applied together and the plan is validated once, as a whole: one version."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from uuid import UUID

from server.audit import Actor
from server.errors import BadInput, Conflict, DomainError, RowErrors
from server.indicators import CLEARED, IndicatorSpec
from server.metrics import MetricRegistry
from server.models import Plan
from server.plans import service, workflow
from server.plans.access import PlanView, load_plan
from server.plans.validation import MAX_INDICATORS
from server.plans.versions import INDICATOR_FIELDS, load_data

# A null clears these to the value given here; for every other field it is refused.
CLEARABLE: dict[str, Any] = {"target": None, "description": "", "unit": "", "data_source": "manual"}
# Every stored field; scoring only as None here (refused: required), changes come in
# IndicatorPatch.scoring. The direction is the scoring rule's, given beside the others.
PATCHABLE = INDICATOR_FIELDS
# The rule's fields: the kind cannot be null; a null gives any other its default (CLEARED).
SCORING_PATCHABLE = ("kind", *CLEARED)
MAX_CHANGES = MAX_INDICATORS  # a plan has at most this many indicators to change
API_NAMES = {"data_source": "dataSource"}


@dataclass(frozen=True)
class IndicatorPatch:
    """The fields given for one indicator: a value sets it, None clears it (or is refused)."""

    key: str
    values: Mapping[str, Any] = field(default_factory=dict)
    # ScoringRule fields given (kind, cap, bands, ...); None: scoring not given
    scoring: Mapping[str, Any] | None = None


def _patched(item: IndicatorSpec, patch: IndicatorPatch, path: str) -> IndicatorSpec:
    changes: dict[str, Any] = {}
    rule: dict[str, Any] = {}
    for name, value in patch.values.items():
        if name not in PATCHABLE or (name == "scoring" and value is not None):
            # A caller's bug: a scoring change comes in ``patch.scoring``, field by field.
            raise ValueError(f"not a patchable indicator field: {name}")
        if value is None:
            if name not in CLEARABLE:
                raise BadInput("required", field=f"{path}.{API_NAMES.get(name, name)}")
            value = CLEARABLE[name]
        (rule if name == "direction" else changes)[name] = value
    for name, value in (patch.scoring or {}).items():
        if name not in SCORING_PATCHABLE:
            raise ValueError(f"not a patchable scoring field: {name}")
        if value is None:
            if name == "kind":
                raise BadInput("required", field=f"{path}.scoring.kind")
            value = CLEARED[name]
        rule[name] = value
    if not changes and not rule and patch.scoring is None:
        raise BadInput("nothing_to_update", field=path)
    return replace(item, **changes, scoring=replace(item.scoring, **rule))


def apply_patches(
    current: Sequence[IndicatorSpec],
    patches: Sequence[IndicatorPatch],
    metrics: MetricRegistry,
    paths: Sequence[str],
    key_fields: Sequence[str],
) -> tuple[tuple[IndicatorSpec, ...], list[tuple[int, DomainError]]]:
    """The indicators with every patch applied, and the errors of the rows that failed
    (row number, error), each row checked on its own; the plan as a whole is checked later."""
    by_key = {item.key: i for i, item in enumerate(current)}
    items = list(current)
    errors: list[tuple[int, DomainError]] = []
    renamed: dict[int, int] = {}  # indicator position -> the row that set its name
    seen: set[str] = set()
    for row, patch in enumerate(patches):
        try:
            position = by_key.get(patch.key)
            if position is None:
                raise BadInput("unknown_indicator", field=key_fields[row], indicator=patch.key[:64])
            if patch.key in seen:
                raise BadInput("duplicate_key", field=key_fields[row], indicator=patch.key[:64])
            seen.add(patch.key)
            patched = _patched(current[position], patch, paths[row])
            items[position] = patched.check(paths[row], metrics)
            if "name" in patch.values:
                renamed[position] = row
        except BadInput as exc:
            errors.append((row, exc))
    # The plan's own names were unique, so a clash comes from a renaming row: blame it.
    folded = [item.name.casefold() for item in items]
    for position, row in renamed.items():
        if folded.count(folded[position]) > 1:
            name = items[position].name
            errors.append((row, BadInput("duplicate_name", field=f"{paths[row]}.name", name=name)))
    return tuple(items), sorted(errors, key=lambda e: e[0])


async def patch_indicators(
    actor: Actor,
    plan_id: UUID,
    expected_version: int,
    patches: Sequence[IndicatorPatch],
    comment: str,
    *,
    bulk: bool,
) -> Plan:
    """Apply ``patches`` to the indicators of the version read and write one new version.

    ``bulk``: the patches came as a list (``changes[i]``): invalid rows are answered all at
    once, row by row. Otherwise one patch (``input``) and its first error.
    """
    if bulk and not patches:
        raise BadInput("required", field="changes")
    if len(patches) > MAX_CHANGES:
        raise BadInput("too_many_items", field="changes", max=MAX_CHANGES)
    # Authorize before looking at the content: who may not edit learns nothing about it.
    view = await PlanView.of(actor)
    plan, covered = await load_plan(view, plan_id)
    view.require(plan, covered, workflow.edit_action(plan.state))
    if plan.version != expected_version:
        raise Conflict("stale_version", current=plan.version, expected=expected_version)
    current = await load_data(plan)
    paths = [f"changes[{i}]" for i in range(len(patches))] if bulk else ["input"]
    key_fields = [f"{p}.key" for p in paths] if bulk else ["key"]
    items, errors = apply_patches(current.indicators, patches, actor.metrics, paths, key_fields)
    if errors:
        if not bulk:
            raise errors[0][1]
        raise RowErrors("changes", errors)
    # The weights (and everything else) are checked once, on the plan as a whole; the
    # write is guarded by expected_version, so a concurrent edit answers CONFLICT.
    return await service.update_plan(
        actor, plan.id, expected_version, {"indicators": items}, comment
    )
