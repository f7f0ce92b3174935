"""Mutations of scores: publishing a plan's results, and reopening a frozen score for a
correction and freezing it again (decided in server/scoring)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from schema import ids
from schema.permissions import AUTH
from schema.scores.types import ResultsRelease, Score
from server.scoring import freezing, publishing


@strawberry.type
class ScoreMutation:
    @strawberry.mutation(
        permission_classes=AUTH,
        description="Release a FINALIZED or CLOSED plan's results to its employees, now or "
        "at `at`; once per plan, final (the HR VP or the performance admin).",
    )
    async def publish_results(
        self,
        info: Info,
        plan_id: strawberry.ID,
        at: Annotated[
            datetime | None,
            strawberry.argument(description="With a UTC offset; omitted: now."),
        ] = None,
    ) -> ResultsRelease:
        row = await publishing.publish_results(
            info.context.actor, ids.decode(plan_id, "Plan", "planId"), at
        )
        return ResultsRelease(publish_at=row.publish_at, announced_at=row.announced_at, row=row)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="Make a frozen score live again for a correction (the performance admin); "
        "it is recomputed at once and on every change until frozen again.",
    )
    async def reopen_score(self, info: Info, id: strawberry.ID, reason: str) -> Score:
        row = await freezing.reopen_score(info.context.actor, ids.decode(id, "Score"), reason)
        return Score.of(row)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="Freeze a reopened score as its next version; older versions stay.",
    )
    async def freeze_score(self, info: Info, id: strawberry.ID) -> Score:
        return Score.of(await freezing.freeze_score(info.context.actor, ids.decode(id, "Score")))
