"""The scores' DataLoaders: what a page of scores shows around its rows, one batch each.

Plans, releases and frozen versions by id, sync runs by id; people and departments come
from the org loaders.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from strawberry.dataloader import DataLoader

from server.models import Plan, ResultsRelease, ScoreVersion, SyncRun


class ScoreLoaders:
    """Tenant-scoped: a stray id of another company loads as None."""

    def __init__(self, company_id: UUID) -> None:
        self.company_id = company_id
        self.plan = DataLoader(self._plans)
        self.release = DataLoader(self._releases)
        self.versions = DataLoader(self._versions)
        self.sync_run = DataLoader(self._sync_runs)

    async def _plans(self, ids: Sequence[UUID]) -> list[Plan | None]:
        rows = await Plan.filter(id__in=list(ids), company_id=self.company_id)
        found = {r.id: r for r in rows}
        return [found.get(i) for i in ids]

    async def _releases(self, plan_ids: Sequence[UUID]) -> list[ResultsRelease | None]:
        rows = await ResultsRelease.filter(plan_id__in=list(plan_ids), company_id=self.company_id)
        found = {r.plan_id: r for r in rows}
        return [found.get(i) for i in plan_ids]

    async def _versions(self, score_ids: Sequence[UUID]) -> list[list[ScoreVersion]]:
        rows = await ScoreVersion.filter(
            score_id__in=list(score_ids), company_id=self.company_id
        ).order_by("version")
        grouped: dict[UUID, list[ScoreVersion]] = {i: [] for i in score_ids}
        for row in rows:
            grouped[row.score_id].append(row)
        return [grouped[i] for i in score_ids]

    async def _sync_runs(self, ids: Sequence[UUID]) -> list[SyncRun | None]:
        rows = await SyncRun.filter(id__in=list(ids), company_id=self.company_id)
        found = {r.id: r for r in rows}
        return [found.get(i) for i in ids]
