"""Reads of scores, decided in server/scoring: the caller's grant, and the release."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from schema import ids
from schema.paging import page_info
from schema.permissions import AUTH
from schema.scores.types import Score, ScoreConnection, ScoreEdge
from server.plans import service
from server.scoring import publishing, results, snapshot


@strawberry.type
class ScoreQuery:
    @strawberry.field(
        permission_classes=AUTH,
        description="A page of a plan's scores the caller may read, in employee order: "
        "managers, VPs and HR as soon as computed, an employee his own once the results "
        "are published. `departmentId`: only the people assigned in that department.",
    )
    async def scores(
        self,
        info: Info,
        plan_id: strawberry.ID,
        department_id: strawberry.ID | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> ScoreConnection:
        actor = info.context.actor
        plan = ids.decode(plan_id, "Plan", "planId")
        dept = (
            None
            if department_id is None
            else ids.decode(department_id, "Department", "departmentId")
        )
        await service.get_plan(actor, plan)  # NOT_FOUND for a plan out of sight
        page = await results.list_scores(actor, plan, department_id=dept, first=first, after=after)
        # The page's people in one batch; their managers and departments batch in turn.
        await info.context.loaders.org.employee.load_many([r.employee_id for r in page.rows])
        edges = [
            ScoreEdge(cursor=c, node=Score.of(r))
            for r, c in zip(page.rows, page.cursors, strict=True)
        ]
        return ScoreConnection(edges=edges, page_info=page_info(page.cursors, page.has_next))

    @strawberry.field(permission_classes=AUTH)
    async def score(self, info: Info, id: strawberry.ID) -> Score:
        return Score.of(await results.get_score(info.context.actor, ids.decode(id, "Score")))

    @strawberry.field(
        permission_classes=AUTH,
        description="The caller's own scores he may read, across plans, newest plan first.",
    )
    async def my_scores(self, info: Info) -> list[Score]:
        rows = await publishing.my_scores(info.context.actor)
        await snapshot.attach(rows)  # live scores are kept compact
        return [Score.of(r) for r in rows]
