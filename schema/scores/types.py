"""GraphQL types for scores: the live score, its indicators explained, its frozen versions.

Everything a page of scores shows around its rows comes from batched loaders (people and
departments from the org loaders, plans, releases, versions and sync runs from
``ScoreLoaders``), so a page costs the same statements at any size.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

import strawberry
from strawberry import relay
from strawberry.types import Info

from schema import ids
from schema.connectors.types import SyncRun
from schema.enums import ScoreEventKind, ScoreReason, ScoreStatus
from schema.org.types import Department, Employee, department_ref, employee_ref
from schema.plans.types import Plan
from schema.scores.enums import ScoreInputSource
from schema.scores.reading import ScoreView
from schema.scoring.types import GradeBand
from server import models as m
from server.authz import SYNC_RUN_READ
from server.events import ScoreEvent
from server.scoring import publishing
from server.scoring.engine import CENT
from server.scoring.inputs import IndicatorInput


def cents(value: Decimal | None) -> Decimal | None:
    """Half-up to 2 places, as the engine rounds the total and the explanations show."""
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


def _uuid(value: Any) -> UUID | None:
    if value in (None, ""):
        return None
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except ValueError:
        return None


@strawberry.type(description="Where an indicator's scored value came from, and who set it when.")
class ActualProvenance:
    source: ScoreInputSource
    set_at: datetime | None
    connector_source: str | None = strawberry.field(
        description="The connector configuration whose facts won."
    )
    revision: int | None
    note: str
    data: strawberry.Private[dict[str, Any]]

    @classmethod
    def of(cls, data: dict[str, Any]) -> ActualProvenance | None:
        try:
            source = ScoreInputSource(str(data.get("source")))
        except ValueError:
            return None
        set_at = data.get("set_at")
        return cls(
            source=source,
            set_at=datetime.fromisoformat(set_at) if isinstance(set_at, str) else set_at,
            connector_source=data.get("connector_source"),
            revision=data.get("revision"),
            note=str(data.get("note") or ""),
            data=data,
        )

    @strawberry.field(description="Who entered the value (manual entries, overrides, ratings).")
    def set_by(self, info: Info) -> Employee | None:
        return employee_ref(info, _uuid(self.data.get("set_by")))

    @strawberry.field(description="The sync run that brought a connector's value.")
    async def sync_run(self, info: Info) -> SyncRun | None:
        run_id = _uuid(self.data.get("sync_run_id"))
        if run_id is None or not info.context.actor.authz.check(SYNC_RUN_READ):
            return None
        row = await info.context.loaders.scores.sync_run.load(run_id)
        return None if row is None else SyncRun.of(row)


@strawberry.type(description="One indicator of a score: its value, its score and why.")
class IndicatorResult:
    key: str
    name: str
    weight: Decimal
    target: Decimal | None
    actual: Decimal | None = strawberry.field(
        description="The actual scored (for a RATING indicator, the manager's 1-5 rating)."
    )
    personal: bool
    qualitative: bool
    score: Decimal | None = strawberry.field(
        description="After floor and cap, half-up to 2 places; null when it has none."
    )
    contribution: Decimal | None = strawberry.field(
        description="weight × score / 100, half-up to 2 places."
    )
    reasons: list[ScoreReason]
    provenance: strawberry.Private[dict[str, Any]]
    view: strawberry.Private[ScoreView]

    @classmethod
    def of(cls, view: ScoreView, item: IndicatorInput) -> IndicatorResult:
        stored = view.items.get(item.key)
        return cls(
            key=item.key,
            name=item.name,
            weight=item.weight,
            target=item.target,
            actual=item.value,
            personal=item.personal,
            qualitative=item.qualitative,
            score=None if stored is None else cents(stored.score),
            contribution=None if stored is None else cents(stored.contribution),
            reasons=[] if stored is None else [ScoreReason(r) for r in stored.reasons],
            provenance=dict(item.provenance),
            view=view,
        )

    def _explained(self, lang: str) -> str:
        return self.view.explanation(lang).items.get(self.key, "")

    @strawberry.field(
        description="`12 / 10 × 60 % = 72`, with the cap, floor, band or gate that applied, "
        "in the caller's language."
    )
    def explanation(self, info: Info) -> str:
        return self._explained(info.context.lang)

    @strawberry.field
    def explanation_en(self) -> str:
        return self._explained("en")

    @strawberry.field
    def explanation_zh(self) -> str:
        return self._explained("zh")

    @strawberry.field
    def actual_source(self) -> ActualProvenance | None:
        return ActualProvenance.of(self.provenance) if self.provenance else None


def indicator_results(view: ScoreView) -> list[IndicatorResult]:
    return [IndicatorResult.of(view, i) for i in view.inputs]


@strawberry.type(description="A frozen score: version 1 at finalizing, one more per correction.")
class ScoreVersion:
    version: int
    status: ScoreStatus
    total: Decimal | None
    indicators_total: Decimal | None
    formula_version: int | None
    frozen_at: datetime
    reopen_reason: str = strawberry.field(
        description="Why the previous version was reopened; empty for version 1."
    )
    row: strawberry.Private[m.ScoreVersion]
    view: strawberry.Private[ScoreView]

    @classmethod
    def of(cls, row: m.ScoreVersion) -> ScoreVersion:
        return cls(
            version=row.version,
            status=ScoreStatus(row.status),
            total=cents(row.total),
            indicators_total=cents(row.indicators_total),
            formula_version=row.formula_version,
            frozen_at=row.frozen_at,
            reopen_reason=row.reopen_reason,
            row=row,
            view=ScoreView(row),
        )

    @strawberry.field
    def grade(self, info: Info) -> GradeBand | None:
        return GradeBand.maybe(self.view.grade, info.context.lang)

    @strawberry.field
    def frozen_by(self, info: Info) -> Employee | None:
        return employee_ref(info, self.row.frozen_by)

    @strawberry.field
    def reopened_by(self, info: Info) -> Employee | None:
        return employee_ref(info, self.row.reopened_by)

    @strawberry.field(description="The total's explanation as frozen, in the caller's language.")
    def explanation(self, info: Info) -> str:
        return self.view.explanation(info.context.lang).total

    @strawberry.field
    def indicators(self) -> list[IndicatorResult]:
        return indicator_results(self.view)


@strawberry.type(description="One person's score in one plan: live until frozen, explained.")
class Score(relay.Node):
    id: relay.NodeID[str]
    status: ScoreStatus
    total: Decimal | None = strawberry.field(
        description="The final score, half-up to 2 places; null unless the status is OK."
    )
    indicators_total: Decimal | None = strawberry.field(
        description="The indicators' weighted total (before a final-score formula)."
    )
    formula_version: int | None = strawberry.field(
        description="The final-score formula version used; null: the indicators' total."
    )
    version: int = strawberry.field(description="The last frozen version; 0 before the first.")
    frozen: bool
    computed_at: datetime
    row: strawberry.Private[m.Score]
    view: strawberry.Private[ScoreView]

    @classmethod
    def of(cls, row: m.Score) -> Score:
        return cls(
            id=str(row.id),
            status=ScoreStatus(row.status),
            total=cents(row.total),
            indicators_total=cents(row.indicators_total),
            formula_version=row.formula_version,
            version=row.version,
            frozen=row.frozen,
            computed_at=row.computed_at,
            row=row,
            view=ScoreView(row),
        )

    @strawberry.field
    def employee(self, info: Info) -> Employee | None:
        return employee_ref(info, self.row.employee_id)

    @strawberry.field(description="The department the person was in when assigned.")
    def department(self, info: Info) -> Department | None:
        return department_ref(info, self.row.department_id)

    @strawberry.field
    async def plan(self, info: Info) -> Plan:
        row = await info.context.loaders.scores.plan.load(self.row.plan_id)
        return Plan.of(row)

    @strawberry.field(description="The grade, its name in the caller's language.")
    def grade(self, info: Info) -> GradeBand | None:
        return GradeBand.maybe(self.view.grade, info.context.lang)

    @strawberry.field(description="Whether the plan's results have reached its employees.")
    async def published(self, info: Info) -> bool:
        release = await info.context.loaders.scores.release.load(self.row.plan_id)
        return release is not None and release.publish_at <= publishing.utcnow()

    @strawberry.field(
        description="When the plan's results reach (or reached) its employees; null before "
        "publishResults."
    )
    async def publish_at(self, info: Info) -> datetime | None:
        release = await info.context.loaders.scores.release.load(self.row.plan_id)
        return None if release is None else release.publish_at

    @strawberry.field(description="How the total came about, in the caller's language.")
    def explanation(self, info: Info) -> str:
        return self.view.explanation(info.context.lang).total

    @strawberry.field
    def explanation_en(self) -> str:
        return self.view.explanation("en").total

    @strawberry.field
    def explanation_zh(self) -> str:
        return self.view.explanation("zh").total

    @strawberry.field(description="Indicator keys (or formula components) without a score.")
    def missing(self) -> list[str]:
        return self.view.missing()

    @strawberry.field(description="Each indicator: its value, score, contribution and why.")
    def indicators(self) -> list[IndicatorResult]:
        return indicator_results(self.view)

    @strawberry.field(description="The frozen versions, oldest first.")
    async def versions(self, info: Info) -> list[ScoreVersion]:
        rows = await info.context.loaders.scores.versions.load(self.row.id)
        return [ScoreVersion.of(r) for r in rows]


@strawberry.type
class ScoreEdge:
    cursor: str
    node: Score


@strawberry.type(description="A page of scores; `first` is capped at 100.")
class ScoreConnection:
    edges: list[ScoreEdge]
    page_info: relay.PageInfo


@strawberry.type(description="When a plan's results reach its employees.")
class ResultsRelease:
    publish_at: datetime
    announced_at: datetime | None = strawberry.field(
        description="When the `PUBLISHED` event went out; null while it is scheduled."
    )
    row: strawberry.Private[m.ResultsRelease]

    @strawberry.field
    async def plan(self, info: Info) -> Plan:
        row = await info.context.loaders.scores.plan.load(self.row.plan_id)
        return Plan.of(row)

    @strawberry.field
    def released_by(self, info: Info) -> Employee | None:
        return employee_ref(info, self.row.released_by)

    @strawberry.field(description="Whether employees can see the results now.")
    def effective(self) -> bool:
        return self.row.publish_at <= publishing.utcnow()


@strawberry.type(description="A score computed, frozen or reopened, or a plan's results published.")
class ScoreEventMessage:
    kind: ScoreEventKind
    plan_id: strawberry.ID
    score_id: strawberry.ID | None = strawberry.field(description="Null for PUBLISHED.")
    employee_id: strawberry.ID | None
    version: int
    at: datetime

    @classmethod
    def of(cls, event: ScoreEvent) -> ScoreEventMessage:
        def gid(type_name: str, raw: UUID | None) -> strawberry.ID | None:
            return None if raw is None else strawberry.ID(ids.encode(type_name, raw))

        return cls(
            kind=ScoreEventKind(event.kind),
            plan_id=strawberry.ID(ids.encode("Plan", event.plan_id)),
            score_id=gid("Score", event.score_id),
            employee_id=gid("Employee", event.employee_id),
            version=event.version,
            at=event.at,
        )
