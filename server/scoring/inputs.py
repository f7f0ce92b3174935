"""What one person's score is computed from, as plain data: the score's snapshot.

``PersonInputs`` is loaded from the database by ``server.scoring.loading`` and handed to the
pure ``server.scoring.compute``; what-if previews change it in memory and compute again.
``to_json`` is what a ``Score`` keeps in ``inputs``, so a frozen score shows exactly what it
was computed from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID

from server.indicators import ScoringRule
from server.scoring.grades import DEFAULT_GRADE_BANDS, GradeBand

# A 1-5 overall rating as a formula component on the 100 scale (1 → 20 ... 5 → 100).
RATING_SCALE = Decimal(20)


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


@dataclass(frozen=True)
class IndicatorInput:
    """One indicator of one person's assignment, with the value it is scored on."""

    key: str
    name: str
    weight: Decimal
    target: Decimal | None
    rule: ScoringRule
    data_source: str = "manual"  # "manual" or a metric key
    qualitative: bool = False
    personal: bool = False  # added for this person, not from the plan
    # The actual (or, for a RATING indicator, the manager's submitted 1-5 rating).
    value: Decimal | None = None
    # Where the value came from: {"source": ActualSource or "rating", "set_by", "set_at",
    # "sync_run_id", "connector_source", "revision", "note"}; empty when there is none.
    provenance: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "weight": _plain(self.weight),
            "target": _plain(self.target),
            "rule": self.rule.to_json(),
            "data_source": self.data_source,
            "qualitative": self.qualitative,
            "personal": self.personal,
            "value": _plain(self.value),
            "provenance": dict(self.provenance),
        }


@dataclass(frozen=True)
class PersonInputs:
    employee_id: UUID
    assignment_id: UUID
    department_id: UUID
    manager_id: UUID | None
    assignment_revision: int
    indicators: tuple[IndicatorInput, ...]
    manager_rating: int | None = None  # the submitted manager evaluation's overall 1-5
    self_rating: int | None = None  # reserved: self-evaluations carry no overall rating yet
    # The colleagues' 360 mean (1-5), once the tenant's minimum answered (peer_input.py).
    peer_rating: Decimal | None = None

    def to_json(self) -> dict[str, Any]:
        found = {
            "assignment_id": str(self.assignment_id),
            "assignment_revision": self.assignment_revision,
            "indicators": [i.to_json() for i in self.indicators],
            "manager_rating": self.manager_rating,
        }
        if self.peer_rating is not None:  # absent otherwise: older snapshots stay as they were
            found["peer_rating"] = _plain(self.peer_rating)
        return found


class Formula(Protocol):
    """A tenant's final-score formula, parsed (server.scoring.formula)."""

    @property
    def expression(self) -> str: ...

    @property
    def components(self) -> frozenset[str]: ...

    def evaluate(self, values: Mapping[str, Decimal]) -> Decimal:
        """Exact; raises ``FormulaError`` for a division by zero or a missing component."""
        ...


@dataclass(frozen=True)
class ScoringSetup:
    """A company's scoring settings as one score uses them."""

    grade_bands: tuple[GradeBand, ...] = DEFAULT_GRADE_BANDS
    formula: Formula | None = None  # None: the final score is the indicators' total
    formula_version: int | None = None
