"""GraphQL types of the scoring settings (grade bands, rating labels, the versioned formula)
and of a what-if preview, read from server/scoring's values."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry
from strawberry.types import Info

from schema.enums import ScoreStatus
from schema.org.types import Employee, visible_employee
from server.evaluations.ratings import RatingLabel as Label
from server.models.results import ScoringFormula as FormulaRow
from server.scoring import grades, preview, settings
from server.scoring.formula import parse_formula


@strawberry.type(
    description="A grade: every total from `minimum` up that no higher band takes; the band "
    "with no minimum takes every lower total."
)
class GradeBand:
    key: str
    minimum: Decimal | None
    name: str = strawberry.field(description="In the caller's language")
    name_en: str
    name_zh: str

    @classmethod
    def of(cls, band: grades.GradeBand, lang: str) -> GradeBand:
        return cls(
            key=band.key,
            minimum=band.minimum,
            name=band.name(lang),
            name_en=band.name_en,
            name_zh=band.name_zh,
        )

    @classmethod
    def maybe(cls, band: grades.GradeBand | None, lang: str) -> GradeBand | None:
        return None if band is None else cls.of(band, lang)


@strawberry.type(description="What a 1-5 rating is called.")
class RatingLabel:
    rating: int
    label: str = strawberry.field(description="In the caller's language")
    en: str
    zh: str

    @classmethod
    def of(cls, label: Label, lang: str) -> RatingLabel:
        return cls(rating=label.rating, label=label.label(lang), en=label.en, zh=label.zh)


@strawberry.type(
    description="One version of the final-score formula. An empty expression: the final "
    "score is the indicators' total."
)
class ScoringFormula:
    version: int
    expression: str
    created_at: datetime
    row: strawberry.Private[FormulaRow]

    @classmethod
    def of(cls, row: FormulaRow) -> ScoringFormula:
        return cls(
            version=row.version, expression=row.expression, created_at=row.created_at, row=row
        )

    @strawberry.field(
        description="The components it reads: indicators, manager_rating, peer_rating"
    )
    def components(self) -> list[str]:
        parsed = parse_formula(self.row.expression)
        return [] if parsed is None else sorted(parsed.components)

    @strawberry.field
    async def author(self, info: Info) -> Employee | None:
        return await visible_employee(info, self.row.author_id)


@strawberry.type(description="A company's grade bands, rating labels and final-score formula.")
class ScoringSettings:
    grade_bands: list[GradeBand] = strawberry.field(description="From the top grade down")
    rating_labels: list[RatingLabel] = strawberry.field(description="Ratings 1 to 5")
    formula: ScoringFormula | None = strawberry.field(
        description="The version in force (the newest); null: none was ever saved, the final "
        "score is the indicators' total"
    )

    @classmethod
    def of(cls, view: settings.SettingsView, lang: str) -> ScoringSettings:
        return cls(
            grade_bands=[GradeBand.of(b, lang) for b in view.grade_bands],
            rating_labels=[RatingLabel.of(x, lang) for x in view.rating_labels],
            formula=None if view.formula is None else ScoringFormula.of(view.formula),
        )

    @strawberry.field(description="Every version of the formula, newest first.")
    async def formula_versions(self, info: Info, first: int = 20) -> list[ScoringFormula]:
        rows = await settings.formula_versions(info.context.actor, first)
        return [ScoringFormula.of(r) for r in rows]


@strawberry.type(description="One person's score as it is and as it would be.")
class ScorePreviewRow:
    old_total: Decimal | None
    old_grade: GradeBand | None
    old_status: ScoreStatus
    new_total: Decimal | None
    new_grade: GradeBand | None
    new_status: ScoreStatus
    delta: Decimal | None = strawberry.field(description="newTotal - oldTotal, when both exist")
    employee_id: strawberry.Private[object]

    @classmethod
    def of(cls, row: preview.PreviewRow, lang: str) -> ScorePreviewRow:
        return cls(
            old_total=row.old.total,
            old_grade=GradeBand.maybe(row.old.grade, lang),
            old_status=row.old.status,
            new_total=row.new.total,
            new_grade=GradeBand.maybe(row.new.grade, lang),
            new_status=row.new.status,
            delta=row.delta,
            employee_id=row.employee_id,
        )

    @strawberry.field
    async def employee(self, info: Info) -> Employee | None:
        return await visible_employee(info, self.employee_id)


@strawberry.type(description="A plan's people scored under a proposed change; nothing saved.")
class ScorePreview:
    people: int
    changed: int = strawberry.field(description="People whose status or total would change")
    grade_changes: int = strawberry.field(description="People whose grade would change")
    rows: list[ScorePreviewRow]

    @classmethod
    def of(cls, found: preview.Preview, lang: str) -> ScorePreview:
        return cls(
            people=found.people,
            changed=found.changed,
            grade_changes=found.grade_changes,
            rows=[ScorePreviewRow.of(r, lang) for r in found.rows],
        )


@strawberry.type
class ScoringFormulaSaved:
    formula: ScoringFormula
    preview: ScorePreview | None = strawberry.field(
        description="The plan of previewPlanId under the new formula (old: the one before)"
    )
