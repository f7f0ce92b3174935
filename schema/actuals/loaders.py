"""The actuals' DataLoaders: an actual's history by actual id, one query per page."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from strawberry.dataloader import DataLoader

from server.actuals.reads import histories
from server.models import ActualRevision


class ActualLoaders:
    """Tenant-scoped: histories of actuals the caller was already allowed to read."""

    def __init__(self, company_id: UUID) -> None:
        self.company_id = company_id
        self.history = DataLoader(self._history)

    async def _history(self, actual_ids: Sequence[UUID]) -> list[list[ActualRevision]]:
        return await histories(self.company_id, actual_ids)
