"""DataLoaders created per request, one class per domain, so SQL per request stays flat in
page size: ``ctx.loaders.org.department``, ``ctx.loaders.plans.indicators``, …"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from strawberry.dataloader import DataLoader

from schema.actuals.loaders import ActualLoaders
from schema.assignments.loaders import AssignmentLoaders
from schema.org.loaders import OrgLoaders
from schema.plans.loaders import PlanLoaders
from schema.scores.loaders import ScoreLoaders


class Loaders:
    """Every domain's loaders for one request and one company (each is tenant-scoped)."""

    def __init__(self, company_id: UUID) -> None:
        self.org = OrgLoaders(company_id)
        self.actuals = ActualLoaders(company_id)
        self.assignments = AssignmentLoaders(company_id)
        self.plans = PlanLoaders(company_id)
        self.scores = ScoreLoaders(company_id)


def peek(loader: DataLoader, key: Any) -> Any:
    """The value already loaded for ``key`` in this request, or MISSING."""
    future = loader.cache_map.get(key)
    if future is None or not future.done() or future.cancelled() or future.exception():
        return MISSING
    return future.result()


MISSING = object()
