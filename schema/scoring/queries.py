"""Reads of the scoring settings and what-if previews: each decided in server/scoring."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from schema import ids
from schema.permissions import AUTH
from schema.scoring.inputs import ScoreChangeInput
from schema.scoring.types import ScorePreview, ScoringSettings
from server.scoring import settings
from server.scoring.preview import FormulaChange, score_preview


@strawberry.type
class ScoringQuery:
    @strawberry.field(
        permission_classes=AUTH,
        description="Grade bands, rating labels and the final-score formula in force.",
    )
    async def scoring_settings(self, info: Info) -> ScoringSettings:
        view = await settings.read_settings(info.context.actor)
        return ScoringSettings.of(view, info.context.lang)

    @strawberry.field(
        permission_classes=AUTH,
        description="What-if: every person of the plan, old and new score and grade, under "
        "one proposed change. Nothing is saved.",
    )
    async def score_preview(
        self, info: Info, plan_id: strawberry.ID, change: ScoreChangeInput
    ) -> ScorePreview:
        found = await score_preview(
            info.context.actor, ids.decode(plan_id, "Plan", "planId"), change.value()
        )
        return ScorePreview.of(found, info.context.lang)

    @strawberry.field(
        permission_classes=AUTH,
        description="The plan's people under a formula, without saving it.",
    )
    async def preview_scoring_formula(
        self, info: Info, expression: str, plan_id: strawberry.ID
    ) -> ScorePreview:
        found = await score_preview(
            info.context.actor,
            ids.decode(plan_id, "Plan", "planId"),
            FormulaChange(expression, field="expression"),
        )
        return ScorePreview.of(found, info.context.lang)
