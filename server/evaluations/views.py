"""An evaluation as it is shown: the row with its person's indicators, deadline and labels."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from server.evaluations.ratings import RatingLabel
from server.models import Evaluation


@dataclass(frozen=True)
class ItemView:
    indicator_key: str
    indicator_name: str
    comment: str
    value: Decimal | None
    rating: int | None


@dataclass(frozen=True)
class EvaluationView:
    row: Evaluation
    indicators: Sequence[Mapping[str, Any]]
    deadline: date  # the one in force: the plan's, or the reopened evaluation's own
    labels: tuple[RatingLabel, ...]

    def items(self) -> list[ItemView]:
        """One per indicator of the assignment, in its order; unanswered ones empty."""
        stored = self.row.items or {}
        found = []
        for indicator in self.indicators:
            key = str(indicator["key"])
            item = stored.get(key) or {}
            value = item.get("value")
            found.append(
                ItemView(
                    indicator_key=key,
                    indicator_name=str(indicator.get("name") or key),
                    comment=str(item.get("comment") or ""),
                    value=None if value is None else Decimal(str(value)),
                    rating=item.get("rating"),
                )
            )
        return found
