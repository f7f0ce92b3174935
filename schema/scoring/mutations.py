"""Changes to the scoring settings: each a new state, audited, live scores recomputed."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from schema import ids
from schema.permissions import AUTH
from schema.scoring.inputs import GradeBandInput, RatingLabelInput
from schema.scoring.types import ScorePreview, ScoringFormula, ScoringFormulaSaved, ScoringSettings
from server.scoring import settings
from server.scoring.preview import save_formula


@strawberry.type
class ScoringMutation:
    @strawberry.mutation(
        permission_classes=AUTH,
        description="Replace the grade bands: 2 to 10, from the top grade down, minimums "
        "falling within 0-1000, the last with no minimum.",
    )
    async def set_grade_bands(self, info: Info, bands: list[GradeBandInput]) -> ScoringSettings:
        view = await settings.set_grade_bands(info.context.actor, [b.value() for b in bands])
        return ScoringSettings.of(view, info.context.lang)

    @strawberry.mutation(
        permission_classes=AUTH, description="Name the ratings 1 to 5, in English and Chinese."
    )
    async def set_rating_labels(
        self, info: Info, labels: list[RatingLabelInput]
    ) -> ScoringSettings:
        view = await settings.set_rating_labels(info.context.actor, [x.value() for x in labels])
        return ScoringSettings.of(view, info.context.lang)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="Save a new version of the final-score formula (empty: the indicators' "
        "total), in force at once. With previewPlanId, also that plan's people under it.",
    )
    async def set_scoring_formula(
        self, info: Info, expression: str, preview_plan_id: strawberry.ID | None = None
    ) -> ScoringFormulaSaved:
        plan_id = (
            None
            if preview_plan_id is None
            else ids.decode(preview_plan_id, "Plan", "previewPlanId")
        )
        row, found = await save_formula(info.context.actor, expression, plan_id)
        return ScoringFormulaSaved(
            formula=ScoringFormula.of(row),
            preview=None if found is None else ScorePreview.of(found, info.context.lang),
        )
