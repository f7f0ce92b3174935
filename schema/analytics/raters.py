"""``raterEffects``: how each manager rates against the company (server/analytics/raters.py)."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import strawberry
from strawberry import relay
from strawberry.types import Info

from schema import ids
from schema.analytics.common import (
    AnalyticsScopeInput,
    PeriodInput,
    decode_period,
    decode_scope,
    prime,
)
from schema.org.types import Employee, employee_ref
from schema.paging import page_info
from schema.permissions import AUTH
from server.analytics import raters as service
from server.analytics.periods import Period
from server.analytics.raters import RaterFlag
from server.analytics.scope import Reach

strawberry.enum(
    RaterFlag,
    description="LENIENT / SEVERE: the mean is more than half a company sd above / below the "
    "company's and a Welch t-test against everyone else's ratings gives p < 0.05; "
    "CENTRAL_TENDENCY: the sd is below half the company's.",
)


@strawberry.type(description="One manager's ratings (overall ratings 1-5 he submitted).")
class RaterEffect:
    ratees: int = strawberry.field(description="Distinct people he rated.")
    ratings: int = strawberry.field(description="Submitted manager evaluations he rated.")
    mean: Decimal
    sd: Decimal | None = strawberry.field(description="Sample sd; null below two ratings.")
    mean_gap: Decimal = strawberry.field(description="His mean minus the company's.")
    self_gap: Decimal | None = strawberry.field(
        description="How far his people's self-evaluated figures sit above the recorded "
        "actuals, in achievement points (percent of target), averaged per person then "
        "over his people; null without a comparable pair."
    )
    p_value: float | None = strawberry.field(
        description="Welch's two-sided p of his ratings against everyone else's in reach."
    )
    flags: list[RaterFlag]
    manager_id: strawberry.Private[UUID]

    @strawberry.field(description="The rater (null when the caller may not see him).")
    def manager(self, info: Info) -> Employee | None:
        return employee_ref(info, self.manager_id)


@strawberry.type(description="A scored person's final score as a z-score within his rater.")
class NormalizedScore:
    score: Decimal
    z_score: float | None = strawberry.field(
        description="(score - the rater's mean) / the rater's sd; null for a constant group."
    )
    employee_id: strawberry.Private[object]
    manager_id: strawberry.Private[object]

    @strawberry.field
    def employee(self, info: Info) -> Employee | None:
        return employee_ref(info, self.employee_id)

    @strawberry.field
    def manager(self, info: Info) -> Employee | None:
        return employee_ref(info, self.manager_id)


@strawberry.type
class NormalizedScoreEdge:
    cursor: str
    node: NormalizedScore


@strawberry.type(description="A page of normalized scores; `first` is capped at 100.")
class NormalizedScoreConnection:
    edges: list[NormalizedScoreEdge]
    page_info: relay.PageInfo


@strawberry.type(description="Rater effects of a period within the caller's reach.")
class RaterEffects:
    scope_name: str
    company_mean: Decimal | None
    company_sd: Decimal | None
    min_ratees: int = strawberry.field(description="Raters with fewer people are not shown.")
    raters: list[RaterEffect]
    period: strawberry.Private[Period]
    reach: strawberry.Private[Reach]

    @strawberry.field(
        description="The scored people of the raters shown, each final score as a z-score "
        "within his rater's people, by rater then score (z-score) descending; `managerId`: "
        "one rater's people (none when he is not shown). `first` is capped at 100."
    )
    async def normalized_scores(
        self,
        info: Info,
        manager_id: strawberry.ID | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> NormalizedScoreConnection:
        shown = {r.manager_id for r in self.raters}
        if manager_id is not None:
            shown &= {ids.decode(manager_id, "Employee", "managerId")}
        page = await service.normalized_scores(
            self.period, self.reach, shown, first=first, after=after
        )
        people = {p for n in page.rows for p in (n.employee_id, n.manager_id)}
        await prime(info.context.loaders.org.employee, people)
        edges = [
            NormalizedScoreEdge(
                cursor=c,
                node=NormalizedScore(
                    score=n.score,
                    z_score=n.z_score,
                    employee_id=n.employee_id,
                    manager_id=n.manager_id,
                ),
            )
            for n, c in zip(page.rows, page.cursors, strict=True)
        ]
        return NormalizedScoreConnection(
            edges=edges, page_info=page_info(page.cursors, page.has_next)
        )

    @classmethod
    def of(cls, found: service.RaterEffects, period: Period) -> RaterEffects:
        return cls(
            scope_name=found.reach.name,
            company_mean=found.company_mean,
            company_sd=found.company_sd,
            min_ratees=found.min_ratees,
            raters=[
                RaterEffect(
                    ratees=r.ratees,
                    ratings=r.ratings,
                    mean=r.mean,
                    sd=r.sd,
                    mean_gap=r.mean_gap,
                    self_gap=r.self_gap,
                    p_value=r.p_value,
                    flags=list(r.flags),
                    manager_id=r.manager_id,
                )
                for r in found.raters
            ],
            period=period,
            reach=found.reach,
        )


@strawberry.type
class RatersQuery:
    @strawberry.field(
        permission_classes=AUTH,
        description="Per manager, the mean and spread of the overall ratings he gave against "
        "the company's (within the caller's reach), the self-evaluation gap and flags; "
        "managers with fewer than minRatees people are left out; `normalizedScores`: "
        "each scored person's z-score within his rater, a page at a time (analytics:raters).",
    )
    async def rater_effects(
        self,
        info: Info,
        period: PeriodInput,
        scope: AnalyticsScopeInput | None = None,
    ) -> RaterEffects:
        when = decode_period(period)
        found = await service.rater_effects(when, await decode_scope(info, "raters", scope))
        # The raters at once (one statement), so each row's ``manager`` answers
        # synchronously, not as an awaitable per row.
        await prime(info.context.loaders.org.employee, {r.manager_id for r in found.raters})
        return RaterEffects.of(found, when)
