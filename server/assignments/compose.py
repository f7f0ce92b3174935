"""Composing one person's indicators: a base list (the plan's, or his current ones), his
overrides, removals and personal indicators, checked as a whole.

Pure: no database, no authorization. Every failure is a BadInput naming its field path in
API terms (``rows[3].overrides[0].weight``), so a row-by-row answer can point at it.
"""

from __future__ import annotations

from collections.abc import Container, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from server.assignments.rows import MAX_INDICATORS, MAX_ITEMS, AssignedItem, Override
from server.errors import BadInput
from server.indicators import HUNDRED, IndicatorSpec


class _Known(Container[str]):
    """The installed metrics plus the one an indicator already uses: a person's target
    override must not fail because a connector was uninstalled after the plan was approved."""

    def __init__(self, metrics: Container[str], own: str) -> None:
        self.metrics, self.own = metrics, own

    def __contains__(self, name: object) -> bool:
        return name == self.own or name in self.metrics


@dataclass(frozen=True)
class Names:
    """The API names of a change's three lists (they differ between a row and a patch), and
    whether its base is the person's own indicators (else the plan's)."""

    overrides: str
    personal: str
    removed: str
    persons: bool

    def unknown(self, field: str, key: str) -> BadInput:
        """A key that is not in the base list."""
        if self.persons:
            return BadInput("not_assigned_indicator", field=field, indicator=key[:64])
        return BadInput("unknown_indicator", field=field, indicator=key[:64])


ROW_NAMES = Names("overrides", "personalIndicators", "removedKeys", persons=False)
PATCH_NAMES = Names("overrides", "addPersonalIndicators", "removeKeys", persons=True)


def _bounded(path: str, *lists: tuple[str, Sequence[Any]]) -> None:
    for name, items in lists:
        if len(items) > MAX_ITEMS:
            raise BadInput("too_many_items", field=f"{path}.{name}", max=MAX_ITEMS)


def compose(
    base: Sequence[AssignedItem],
    *,
    overrides: Sequence[Override] = (),
    removed: Sequence[str] = (),
    added: Sequence[IndicatorSpec] = (),
    metrics: Container[str],
    path: str,
    names: Names,
    reuse_keys: Mapping[str, str] | None = None,
) -> tuple[AssignedItem, ...]:
    """``base`` less ``removed``, with ``overrides`` applied and ``added`` (personal) appended;
    at most MAX_INDICATORS, weights adding up to exactly 100.

    ``reuse_keys`` (folded name -> key): a personal indicator sent without a key takes the key
    its namesake had before, so sending the same rows again changes nothing."""
    _bounded(
        path,
        (names.overrides, overrides),
        (names.personal, added),
        (names.removed, removed),
    )
    by_key = {item.key: item for item in base}
    gone: set[str] = set()
    for j, key in enumerate(removed):
        if key not in by_key:
            raise names.unknown(f"{path}.{names.removed}[{j}]", key)
        gone.add(key)
    items = {key: item for key, item in by_key.items() if key not in gone}
    overridden: set[str] = set()
    for j, change in enumerate(overrides):
        at = f"{path}.{names.overrides}[{j}]"
        if change.key not in by_key:
            raise names.unknown(f"{at}.indicatorKey", change.key)
        if change.key in overridden:
            raise BadInput("duplicate_key", field=f"{at}.indicatorKey", indicator=change.key[:64])
        if change.key in gone:
            raise BadInput(
                "invalid_format", field=f"{at}.indicatorKey", hint="the indicator is removed"
            )
        overridden.add(change.key)
        items[change.key] = _overridden(items[change.key], change, at, metrics)
    folded = {item.spec.name.casefold() for item in items.values()}
    for j, spec in enumerate(added):
        at = f"{path}.{names.personal}[{j}]"
        if spec.key is None and reuse_keys:
            spec = replace(spec, key=reuse_keys.get((spec.name or "").strip().casefold()))
        checked = spec.check(at, metrics)
        if checked.name.casefold() in folded:
            raise BadInput("duplicate_name", field=f"{at}.name", name=checked.name)
        assert checked.key is not None  # check() gives every indicator a key
        if checked.key in items or checked.key in by_key:
            raise BadInput("duplicate_key", field=f"{at}.key", indicator=checked.key[:64])
        folded.add(checked.name.casefold())
        items[checked.key] = AssignedItem(checked, personal=True)
    if len(items) > MAX_INDICATORS:
        raise BadInput("too_many_items", field=path, max=MAX_INDICATORS)
    total = sum((item.spec.weight for item in items.values()), Decimal(0))
    if total != HUNDRED:
        raise BadInput("weights_total", field=path, total=f"{total.normalize():f}")
    return tuple(items.values())


def _overridden(
    item: AssignedItem, change: Override, at: str, metrics: Container[str]
) -> AssignedItem:
    spec = item.spec
    given = replace(
        spec,
        target=spec.target if change.target is None else change.target,
        weight=spec.weight if change.weight is None else change.weight,
    )
    return AssignedItem(given.check(at, _Known(metrics, spec.data_source)), item.personal)


def from_plan(specs: Sequence[IndicatorSpec]) -> tuple[AssignedItem, ...]:
    return tuple(AssignedItem(spec) for spec in specs)


def personal_keys(items: Sequence[AssignedItem]) -> dict[str, str]:
    """Folded name -> key of the personal indicators (for ``compose``'s ``reuse_keys``)."""
    return {item.spec.name.casefold(): item.key for item in items if item.personal}


def _described(items: Sequence[AssignedItem]) -> Iterator[tuple[str, dict[str, Any]]]:
    for item in items:
        spec = item.spec
        yield (
            spec.name,
            {
                "key": item.key,
                "weight": f"{spec.weight.normalize():f}",
                "target": None if spec.target is None else f"{spec.target.normalize():f}",
                "data_source": spec.data_source,
                "personal": item.personal,
            },
        )


def difference(
    before: Sequence[AssignedItem], after: Sequence[AssignedItem]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The indicators that differ, by name (None where one side has none), for the audit."""
    old, new = dict(_described(before)), dict(_described(after))
    names = [name for name in {**old, **new} if old.get(name) != new.get(name)]
    return {n: old.get(n) for n in names}, {n: new.get(n) for n in names}


def described(items: Sequence[AssignedItem]) -> dict[str, Any]:
    return dict(_described(items))
