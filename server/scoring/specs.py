"""An assignment's indicators (its ``indicators`` column), parsed once per text.

The people of a plan mostly share one text (the plan's indicators), so a recompute of 10,000
people parses it once and they share the same ``Spec`` objects, which the recompute's
``Scorer`` keys its cache of the engine's answers on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from server.indicators import ScoringRule
from server.scoring import sql
from server.vocabulary import ScoringKind

# Texts and rules kept for the process; each emptied past its size.
MAX_TEXTS = 5_000
MAX_RULES = 100_000


@dataclass(frozen=True, slots=True, eq=False)
class Spec:
    """One indicator of an assignment, everything but its value. Compared by identity: the
    people of one assignment text share these objects (a recompute keys its cache on them)."""

    key: str
    name: str
    weight: Decimal
    target: Decimal | None
    rule: ScoringRule
    data_source: str
    qualitative: bool
    personal: bool


@dataclass(frozen=True, slots=True, eq=False)
class Specs:
    """An assignment's indicators, parsed; ``token`` stands for their text in a digest."""

    token: bytes
    items: tuple[Spec, ...]


_TEXTS: dict[str, Specs] = {}  # the indicators' text as the database returns it
_RULES: dict[str, ScoringRule] = {}


def _rule(data: dict[str, Any]) -> ScoringRule:
    key = repr(data)
    found = _RULES.get(key)
    if found is None:
        if len(_RULES) > MAX_RULES:
            _RULES.clear()
        found = _RULES[key] = ScoringRule.from_json(data)
    return found


def _spec(data: dict[str, Any]) -> Spec:
    rule = _rule(data["scoring"])
    target = data.get("target")
    return Spec(
        key=str(data["key"]),
        name=str(data["name"]),
        weight=Decimal(str(data["weight"])),
        target=None if target is None else Decimal(str(target)),
        rule=rule,
        data_source=str(data.get("data_source") or "manual"),
        qualitative=bool(data.get("qualitative")) or rule.kind is ScoringKind.RATING,
        personal=bool(data.get("personal", False)),
    )


def specs_of(raw: Any) -> Specs:
    """The indicators of an assignment row's ``indicators`` column, parsed once per text."""
    text = raw if isinstance(raw, str) else sql.dumps(raw)
    found = _TEXTS.get(text)
    if found is None:
        if len(_TEXTS) > MAX_TEXTS:
            _TEXTS.clear()
        items = tuple(_spec(s) for s in sql.as_json(text) or ())
        found = _TEXTS[text] = Specs(hashlib.blake2b(text.encode(), digest_size=16).digest(), items)
    return found
