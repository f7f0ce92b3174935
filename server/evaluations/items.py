"""An evaluation's content: the input as a patch, checked against the person's indicators.

Pure functions over plain data, so every rule is stated once: which indicator takes a figure
(self-evaluation: manual, non-qualitative ones), which a rating (manager: qualitative ones),
what submitting needs (every qualitative indicator and the whole person rated). Omitted
fields keep their stored values (``KEEP``); an explicit null clears one.

Stored ``items``: indicator key -> ``{"comment": str, "value": "12.5" | None}`` (self) or
``{"comment": str, "rating": 1..5 | None}`` (manager).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any

from server import validation
from server.errors import BadInput
from server.evaluations.ratings import MAX_RATING, MIN_RATING
from server.indicators import MAX_TARGET
from server.scoring.vocabulary import EvaluationKind

MAX_TEXT = 2000
MAX_ITEMS = 100  # more than any assignment holds (a plan has at most 50, plus personal ones)
# Line breaks and tabs belong in a written comment; other control characters do not.
_ALLOWED_CONTROLS = frozenset("\n\r\t")


class Keep(Enum):
    """An omitted input field: the stored value stays."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True)
class ItemInput:
    indicator_key: str
    comment: str | Keep | None = KEEP
    value: Decimal | Keep | None = KEEP  # self-evaluations only
    rating: int | Keep | None = KEEP  # manager evaluations only


@dataclass(frozen=True)
class EvaluationInput:
    items: Sequence[ItemInput] = ()
    overall_comment: str | Keep | None = KEEP
    overall_rating: int | Keep | None = KEEP  # manager evaluations only


@dataclass(frozen=True)
class Content:
    """What an evaluation row holds, after a patch."""

    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    overall_comment: str = ""
    overall_rating: int | None = None

    def flat(self) -> dict[str, Any]:
        """One entry per field, for the audit log's before/after of what changed."""
        found: dict[str, Any] = {"overall_comment": self.overall_comment}
        if self.overall_rating is not None:
            found["overall_rating"] = self.overall_rating
        for key, item in self.items.items():
            for name, value in item.items():
                found[f"items.{key}.{name}"] = value
        return found


def comment_text(value: str | None, field_name: str) -> str:
    """A written comment: trimmed, at most ``MAX_TEXT`` characters, line breaks allowed."""
    cleaned = (value or "").strip()
    if len(cleaned) > MAX_TEXT:
        raise BadInput("too_long", field=field_name, max=MAX_TEXT)
    if any(unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS for ch in cleaned):
        raise BadInput(
            "invalid_format", field=field_name, hint="control characters are not allowed"
        )
    return cleaned


def check_rating(value: int | None, field_name: str) -> int | None:
    if value is not None and not MIN_RATING <= value <= MAX_RATING:
        raise BadInput("rating_range", field=field_name)
    return value


def _is_manual(indicator: Mapping[str, Any]) -> bool:
    return (indicator.get("data_source") or "manual") == "manual"


def _is_qualitative(indicator: Mapping[str, Any]) -> bool:
    return bool(indicator.get("qualitative"))


def _name(indicator: Mapping[str, Any]) -> str:
    return str(indicator.get("name") or indicator.get("key"))


def _item(kind: EvaluationKind, stored: Mapping[str, Any] | None) -> dict[str, Any]:
    base: dict[str, Any] = {"comment": ""}
    base["value" if kind is EvaluationKind.SELF else "rating"] = None
    if stored:
        base.update({k: v for k, v in stored.items() if k in base})
    return base


def _patch_item(
    kind: EvaluationKind,
    indicator: Mapping[str, Any],
    item: ItemInput,
    current: dict[str, Any],
    path: str,
) -> None:
    if item.comment is not KEEP:
        current["comment"] = comment_text(item.comment, f"{path}.comment")
    if kind is EvaluationKind.SELF:
        if item.rating is not KEEP and item.rating is not None:
            raise BadInput("invalid_format", field=f"{path}.rating", hint="the manager rates")
        if item.value is not KEEP:
            if item.value is not None:
                if _is_qualitative(indicator):
                    raise BadInput(
                        "value_on_rated", field=f"{path}.value", indicator=_name(indicator)
                    )
                if not _is_manual(indicator):
                    raise BadInput(
                        "value_from_connector",
                        field=f"{path}.value",
                        indicator=_name(indicator),
                        source=indicator.get("data_source"),
                    )
                number = validation.number(
                    item.value, f"{path}.value", places=6, maximum=MAX_TARGET
                )
                current["value"] = format(number, "f")
            else:
                current["value"] = None
        return
    if item.value is not KEEP and item.value is not None:
        raise BadInput("invalid_format", field=f"{path}.value", hint="the employee gives figures")
    if item.rating is not KEEP:
        if item.rating is not None and not _is_qualitative(indicator):
            raise BadInput(
                "rating_on_quantitative", field=f"{path}.rating", indicator=_name(indicator)
            )
        current["rating"] = check_rating(item.rating, f"{path}.rating")


def apply(
    kind: EvaluationKind,
    indicators: Sequence[Mapping[str, Any]],
    stored: Content,
    patch: EvaluationInput,
) -> Content:
    """``stored`` with ``patch`` applied, or BAD_USER_INPUT naming the field (``items[2].rating``).

    Items for indicators no longer assigned are dropped: they would never be shown or scored.
    """
    if len(patch.items) > MAX_ITEMS:
        raise BadInput("too_many_items", field="items", max=MAX_ITEMS)
    by_key = {str(i["key"]): i for i in indicators}
    items = {k: _item(kind, v) for k, v in stored.items.items() if k in by_key}
    seen: set[str] = set()
    for index, item in enumerate(patch.items):
        path = f"items[{index}]"
        key = item.indicator_key
        indicator = by_key.get(key)
        if indicator is None:
            raise BadInput("unknown_indicator", field=f"{path}.indicatorKey", indicator=key[:64])
        if key in seen:
            raise BadInput("duplicate_key", field=f"{path}.indicatorKey", indicator=key)
        seen.add(key)
        current = items.setdefault(key, _item(kind, None))
        _patch_item(kind, indicator, item, current, path)
    overall_comment = stored.overall_comment
    if patch.overall_comment is not KEEP:
        overall_comment = comment_text(patch.overall_comment, "overallComment")
    overall_rating = stored.overall_rating
    if kind is EvaluationKind.SELF:
        if patch.overall_rating is not KEEP and patch.overall_rating is not None:
            raise BadInput("invalid_format", field="overallRating", hint="the manager rates")
    elif patch.overall_rating is not KEEP:
        overall_rating = check_rating(patch.overall_rating, "overallRating")
    # Ordered as the assignment lists the indicators, so the stored JSON reads like the form.
    ordered = {k: items[k] for k in by_key if k in items}
    return Content(ordered, overall_comment, overall_rating)


def check_complete(
    kind: EvaluationKind, indicators: Sequence[Mapping[str, Any]], content: Content
) -> None:
    """What submitting needs: for a manager evaluation, every qualitative indicator rated
    and the overall rating. A self-evaluation may be submitted as it is."""
    if kind is not EvaluationKind.MANAGER:
        return
    for indicator in indicators:
        if not _is_qualitative(indicator):
            continue
        if content.items.get(str(indicator["key"]), {}).get("rating") is None:
            raise BadInput("rating_missing", field="items", indicator=_name(indicator))
    if content.overall_rating is None:
        raise BadInput("required", field="overallRating")
