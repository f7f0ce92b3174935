"""The shapes of assignments: what a manager sends (rows, patches), what is stored per
indicator, and the row-by-row answer of ``assignDepartment``.

Nothing here reads the database; ``server.assignments.compose`` checks and combines these
values, ``server.assignments.service`` writes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from server.errors import DomainError
from server.indicators import IndicatorSpec

# Bounded cost: a person is measured on a handful of indicators, a call covers a department.
MAX_INDICATORS = 30  # per person, plan and personal indicators together
MAX_ROWS = 2000  # per assignDepartment call (and people assigned by default)
MAX_ITEMS = 50  # per list inside one row or patch (a plan has at most 50 indicators)


@dataclass(frozen=True)
class Override:
    """A person's own target and/or weight for one indicator; None keeps the value."""

    key: str
    target: Decimal | None = None
    weight: Decimal | None = None


@dataclass(frozen=True)
class AssignmentRow:
    """One person of an ``assignDepartment`` call: the plan's indicators with his overrides,
    less ``removed_keys``, plus his personal indicators.

    ``error``: the API layer could not read the row (say, a malformed employee ID); the row
    is answered as rejected with it, like any other invalid row."""

    employee_id: UUID | None
    overrides: tuple[Override, ...] = ()
    personal: tuple[IndicatorSpec, ...] = ()
    removed_keys: tuple[str, ...] = ()
    error: DomainError | None = None


@dataclass(frozen=True)
class AssignmentPatch:
    """A change to one assignment; what is not named keeps its value."""

    overrides: tuple[Override, ...] = ()
    add_personal: tuple[IndicatorSpec, ...] = ()
    remove_keys: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.overrides or self.add_personal or self.remove_keys)


@dataclass(frozen=True)
class AssignedItem:
    """One indicator of one person: the spec (its key set) and whether it is his own."""

    spec: IndicatorSpec
    personal: bool = False

    @property
    def key(self) -> str:
        assert self.spec.key is not None  # every stored and composed item has its key
        return self.spec.key

    def to_json(self) -> dict[str, Any]:
        """The stored form (``Assignment.indicators`` items)."""
        return {**self.spec.to_json(), "key": self.key, "personal": self.personal}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AssignedItem:
        return cls(IndicatorSpec.from_json(data, key=data["key"]), bool(data.get("personal")))


def stored(items: tuple[AssignedItem, ...]) -> list[dict[str, Any]]:
    return [item.to_json() for item in items]


def loaded(data: list[dict[str, Any]]) -> tuple[AssignedItem, ...]:
    return tuple(AssignedItem.from_json(item) for item in data)


@dataclass(frozen=True)
class RowRejection:
    """Why row ``index`` (0-based, in the order sent, or in the department's order by name
    when no rows were sent) was not written."""

    index: int
    employee_id: UUID | None
    error: DomainError


@dataclass(frozen=True)
class AssignOutcome:
    """Every row is either assigned (its assignment as it now stands) or rejected."""

    assigned: list[Any] = field(default_factory=list)  # server.models.Assignment rows
    rejected: list[RowRejection] = field(default_factory=list)
