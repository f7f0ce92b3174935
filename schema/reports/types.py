"""Types of the employee report, the actuals sheet's upload and download links: plain values
built from server/reports."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry

import schema.errors  # noqa: F401 - registers ErrorCode and ErrorReason as GraphQL enums
from schema.enums import ReportSuggestionKind
from schema.ids import encode
from server.errors import ErrorCode, Reason
from server.i18n import translate
from server.reports import report as r
from server.reports.links import DownloadLink as Link
from server.reports.sheets import SheetOutcome


@strawberry.type(description="A short-lived signed link: GET it, without an Authorization header.")
class DownloadLink:
    url: str = strawberry.field(description="Absolute URL of GET /downloads/{token}.")
    expires_at: datetime = strawberry.field(description="5 minutes after it was asked for.")

    @classmethod
    def of(cls, link: Link, base_url: str) -> DownloadLink:
        return cls(url=base_url.rstrip("/") + link.path, expires_at=link.expires_at)


@strawberry.type(description="One indicator of a score, as the report shows it.")
class ReportIndicator:
    key: str
    name: str
    unit: str
    weight: Decimal
    target: Decimal | None
    actual: Decimal | None
    completion: Decimal | None = strawberry.field(
        description="Actual / target × 100 (target / actual × 100 when lower is better), "
        "2 places; null for ratings and where undefined."
    )
    score: Decimal | None = strawberry.field(description="2 places; null when not scored.")
    missing: bool = strawberry.field(description="No actual (or rating) yet.")
    qualitative: bool
    explanation: str

    @classmethod
    def of(cls, line: r.IndicatorLine) -> ReportIndicator:
        return cls(
            key=line.key,
            name=line.name,
            unit=line.unit,
            weight=line.weight,
            target=line.target,
            actual=line.actual,
            completion=line.completion,
            score=line.score,
            missing=line.missing,
            qualitative=line.qualitative,
            explanation=line.explanation,
        )


@strawberry.type(description="The place in the department: ties share a position.")
class ReportRank:
    position: int
    count: int = strawberry.field(description="Scores with a total in the plan and department.")
    text: str = strawberry.field(description="“3 of 12”, in the caller's language.")


@strawberry.type(description="One plan's score of the person.")
class ReportPlanResult:
    plan_id: strawberry.ID
    plan_name: str
    period_start: date
    period_end: date
    complete: bool = strawberry.field(description="The score has a total.")
    total: Decimal | None
    grade: str | None = strawberry.field(description="The grade band's key.")
    grade_name: str | None
    explanation: str
    frozen: bool
    indicators: list[ReportIndicator]
    rank: ReportRank | None = strawberry.field(
        description="Null unless the caller holds report:rank for the person."
    )

    @classmethod
    def of(cls, result: r.PlanResult, lang: str) -> ReportPlanResult:
        rank = result.rank
        return cls(
            plan_id=strawberry.ID(encode("Plan", result.plan_id)),
            plan_name=result.plan_name,
            period_start=result.period_start,
            period_end=result.period_end,
            complete=result.complete,
            total=result.total,
            grade=result.grade,
            grade_name=result.grade_name,
            explanation=result.explanation,
            frozen=result.frozen,
            indicators=[ReportIndicator.of(i) for i in result.indicators],
            rank=None
            if rank is None
            else ReportRank(position=rank.position, count=rank.count, text=rank.text(lang)),
        )


@strawberry.type(description="An earlier plan's score, for the trend.")
class ReportTrendPoint:
    plan_id: strawberry.ID
    plan_name: str
    period_start: date
    period_end: date
    total: Decimal | None
    grade: str | None
    grade_name: str | None

    @classmethod
    def of(cls, point: r.TrendPoint) -> ReportTrendPoint:
        return cls(
            plan_id=strawberry.ID(encode("Plan", point.plan_id)),
            plan_name=point.plan_name,
            period_start=point.period_start,
            period_end=point.period_end,
            total=point.total,
            grade=point.grade,
            grade_name=point.grade_name,
        )


@strawberry.type(description="A rule-based suggestion, in the caller's language.")
class ReportSuggestion:
    kind: ReportSuggestionKind
    text: str
    indicator_key: str | None


@strawberry.type(description="One person's results in a period, explained.")
class EmployeeReport:
    employee_id: strawberry.ID
    employee_name: str
    department_name: str
    period_start: date
    period_end: date
    results: list[ReportPlanResult] = strawberry.field(
        description="The scores of the plans within the period, oldest first."
    )
    trend: list[ReportTrendPoint] = strawberry.field(
        description="Up to 6 earlier plans' scores, oldest first."
    )
    suggestions: list[ReportSuggestion]

    @classmethod
    def of(cls, report: r.EmployeeReport) -> EmployeeReport:
        return cls(
            employee_id=strawberry.ID(encode("Employee", report.employee_id)),
            employee_name=report.employee_name,
            department_name=report.department_name,
            period_start=report.period_start,
            period_end=report.period_end,
            results=[ReportPlanResult.of(x, report.lang) for x in report.results],
            trend=[ReportTrendPoint.of(p) for p in report.trend],
            suggestions=[
                ReportSuggestion(kind=s.kind, text=s.text, indicator_key=s.indicator_key)
                for s in report.suggestions
            ],
        )


@strawberry.type(description="A sheet row taken (also when its value was already the same).")
class ActualsSheetRow:
    row: int = strawberry.field(description="The row's number in the sheet, as Excel shows it.")
    employee_number: str
    indicator_key: str


@strawberry.type(description="A sheet row not taken, and why; nothing of it was written.")
class ActualsSheetRowError:
    row: int = strawberry.field(description="The row's number in the sheet, as Excel shows it.")
    employee_number: str
    indicator_key: str
    cell: str = strawberry.field(description="The cell at fault, e.g. `H7`.")
    code: ErrorCode
    reason: Reason
    message: str


@strawberry.type(
    description="Every filled row is accepted or rejected; rows without a new value are "
    "skipped. `replayed`: the client key was seen with the same rows before; nothing was "
    "written and this is the first answer again."
)
class UploadActualsSheetPayload:
    accepted: list[ActualsSheetRow]
    rejected: list[ActualsSheetRowError]
    skipped: int
    replayed: bool

    @classmethod
    def of(cls, outcome: SheetOutcome, lang: str) -> UploadActualsSheetPayload:
        return cls(
            accepted=[
                ActualsSheetRow(
                    row=e.row, employee_number=e.employee_number, indicator_key=e.indicator_key
                )
                for e in outcome.accepted
            ],
            rejected=[
                ActualsSheetRowError(
                    row=p.row,
                    employee_number=p.employee_number,
                    indicator_key=p.indicator_key,
                    cell=p.cell,
                    code=p.error.code,
                    reason=p.error.reason,
                    message=translate(p.error.key, lang, **{**p.error.params, "field": p.cell}),
                )
                for p in outcome.rejected
            ],
            skipped=outcome.skipped,
            replayed=outcome.replayed,
        )
