"""Analytics as XLSX workbooks, through short-lived signed links (docs/analytics.md).

``export_link`` checks ``analytics:export`` and the analytic's own permission (``read``,
``drivers`` or ``raters``) at the scope asked for, then signs a 5-minute link
(server/reports/links.py) whose parameters say what to compute. The download
(schema/downloads.py -> server/reports/downloads.produce -> ``workbook``) runs as the
link's employee stands then: both reaches are built again, so a role revoked in between
closes the link, and the analytic is computed by the very function its GraphQL field uses.
Every export is audited.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID

from openpyxl import Workbook

from server.analytics import correlation, distribution, drivers, ranking, trend
from server.analytics import export_sheets as sheets
from server.analytics.periods import Period, period_of, previous
from server.analytics.raters import rater_effects
from server.analytics.scope import OrgLevel, Reach, reach
from server.analytics.variables import VariableKind, VariableRef, check_refs
from server.audit import Actor, record
from server.audit_vocabulary import AuditAction, AuditObjectType
from server.errors import BadInput
from server.models import Employee
from server.reports.links import DownloadLink, sign
from server.reports.vocabulary import DownloadKind
from server.vocabulary import PeriodKind

TREND_PERIODS = 12  # a trend export without ``from``: this period and the eleven before


class AnalyticsExportKind(StrEnum):
    GRADE_DISTRIBUTION = "grade_distribution"
    DEPARTMENT_RANKING = "department_ranking"
    TREND = "trend"
    INDICATOR_CORRELATION = "indicator_correlation"
    SCORE_DRIVERS = "score_drivers"
    RATER_EFFECTS = "rater_effects"


# The permission each analytic needs besides analytics:export.
ACTION = {
    AnalyticsExportKind.GRADE_DISTRIBUTION: "read",
    AnalyticsExportKind.DEPARTMENT_RANKING: "read",
    AnalyticsExportKind.TREND: "read",
    AnalyticsExportKind.INDICATOR_CORRELATION: "drivers",
    AnalyticsExportKind.SCORE_DRIVERS: "drivers",
    AnalyticsExportKind.RATER_EFFECTS: "raters",
}
NAMES = {
    "en": {
        AnalyticsExportKind.GRADE_DISTRIBUTION: "grade distribution",
        AnalyticsExportKind.DEPARTMENT_RANKING: "department ranking",
        AnalyticsExportKind.TREND: "trend",
        AnalyticsExportKind.INDICATOR_CORRELATION: "indicator correlation",
        AnalyticsExportKind.SCORE_DRIVERS: "score drivers",
        AnalyticsExportKind.RATER_EFFECTS: "rater effects",
    },
    "zh": {
        AnalyticsExportKind.GRADE_DISTRIBUTION: "等级分布",
        AnalyticsExportKind.DEPARTMENT_RANKING: "部门排名",
        AnalyticsExportKind.TREND: "趋势",
        AnalyticsExportKind.INDICATOR_CORRELATION: "指标相关性",
        AnalyticsExportKind.SCORE_DRIVERS: "得分驱动因素",
        AnalyticsExportKind.RATER_EFFECTS: "评分者效应",
    },
}


@dataclass(frozen=True)
class ExportRequest:
    """What a link asks for; it travels as the link's string parameters."""

    kind: AnalyticsExportKind
    period: Period
    level: OrgLevel = OrgLevel.COMPANY
    department_id: UUID | None = None
    # TREND: its subject (one of the two) and the window's first period
    subject_employee: UUID | None = None
    subject_department: UUID | None = None
    first: date | None = None
    # INDICATOR_CORRELATION
    variables: tuple[VariableRef, ...] = ()
    method: correlation.CorrelationMethod = correlation.CorrelationMethod.PEARSON
    adjustment: correlation.PValueAdjustment = correlation.PValueAdjustment.NONE

    def window(self) -> list[Period]:
        """The periods of a trend or a correlation: ``first`` to ``period`` (a correlation
        without ``first``: the period alone; a trend: twelve periods)."""
        if self.first is None:
            if self.kind is not AnalyticsExportKind.TREND:
                return [self.period]
            first = self.period
            for _ in range(TREND_PERIODS - 1):
                first = previous(first)
            return _between(first.start, self.period)
        return _between(period_of(self.period.kind, self.first, "from").start, self.period)

    def to_params(self) -> dict[str, str]:
        params = {
            "kind": self.kind.value,
            "pk": str(self.period.kind),
            "ps": self.period.start.isoformat(),
            "lvl": self.level.value,
        }
        for name, value in (
            ("dep", self.department_id),
            ("se", self.subject_employee),
            ("sd", self.subject_department),
            ("from", self.first),
        ):
            if value is not None:
                params[name] = value.isoformat() if isinstance(value, date) else str(value)
        if self.kind is AnalyticsExportKind.INDICATOR_CORRELATION:
            params["vars"] = json.dumps([[v.kind.value, v.name] for v in self.variables])
            params["method"] = self.method.value
            params["adj"] = self.adjustment.value
        return params

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> ExportRequest:
        def uuid(name: str) -> UUID | None:
            return UUID(params[name]) if params.get(name) else None

        return cls(
            kind=AnalyticsExportKind(params["kind"]),
            period=period_of(PeriodKind(params["pk"]), date.fromisoformat(params["ps"])),
            level=OrgLevel(params["lvl"]),
            department_id=uuid("dep"),
            subject_employee=uuid("se"),
            subject_department=uuid("sd"),
            first=date.fromisoformat(params["from"]) if params.get("from") else None,
            variables=tuple(
                VariableRef(VariableKind(k), n) for k, n in json.loads(params.get("vars", "[]"))
            ),
            method=correlation.CorrelationMethod(params.get("method", "PEARSON")),
            adjustment=correlation.PValueAdjustment(params.get("adj", "NONE")),
        )


def _between(first: date, last: Period) -> list[Period]:
    from server.analytics.periods import periods_between

    return periods_between(last.kind, first, last.start, "from")


async def _reach(actor: Actor, request: ExportRequest) -> Reach:
    """The analytic's reach; FORBIDDEN without analytics:export at that scope too."""
    await reach(actor, "export", request.level, request.department_id)
    if request.kind is AnalyticsExportKind.TREND:
        return await trend.subject_reach(
            actor, request.subject_employee, request.subject_department
        )
    return await reach(actor, ACTION[request.kind], request.level, request.department_id)


def _check(request: ExportRequest) -> None:
    if request.kind is AnalyticsExportKind.INDICATOR_CORRELATION and len(request.variables) < 2:
        raise BadInput("required", field="variables")
    one = (request.subject_employee is None) != (request.subject_department is None)
    if request.kind is AnalyticsExportKind.TREND and not one:
        raise BadInput("required", field="subject.employeeId")


async def export_link(actor: Actor, secret: str, request: ExportRequest, lang: str) -> DownloadLink:
    _check(request)
    if request.kind is AnalyticsExportKind.INDICATOR_CORRELATION:
        # Malformed variables and unknown metrics are refused now, not at download.
        check_refs(request.variables, actor.metrics)
    await _reach(actor, request)
    request.window()  # a window beyond the limit is refused now, not at download
    return sign(secret, actor.caller, DownloadKind.ANALYTICS_XLSX, request.to_params(), lang)


async def _people(ids: set[UUID]) -> dict[UUID, dict[str, Any]]:
    if not ids:
        return {}
    rows = await Employee.filter(id__in=list(ids)).values(
        "id", "name", "employee_number", "department_id", "manager_id"
    )
    return {r["id"]: r for r in rows}


async def workbook(actor: Actor, params: Mapping[str, str], lang: str) -> tuple[str, bytes]:
    """The workbook a link names, for ``actor`` as he stands now: (file name, content)."""
    lang = "zh" if lang == "zh" else "en"
    request = ExportRequest.from_params(params)
    _check(request)
    scope = await _reach(actor, request)
    book = Workbook()
    kind, period = request.kind, request.period
    name = scope.name
    if kind is AnalyticsExportKind.GRADE_DISTRIBUTION:
        sheets.distribution(book, await distribution.grade_distribution(scope, period, lang), lang)
    elif kind is AnalyticsExportKind.DEPARTMENT_RANKING:
        sheets.ranking(book, await ranking.department_ranking(scope, period), lang)
    elif kind is AnalyticsExportKind.TREND:
        window = request.window()
        found = await trend.trend(scope, window[0].kind, window[0].start, window[-1].start)
        name = found.subject_name
        sheets.trend(book, found, lang)
    elif kind is AnalyticsExportKind.INDICATOR_CORRELATION:
        matrix = await correlation.indicator_correlation(
            actor.metrics,
            scope,
            request.window(),
            list(request.variables),
            request.method,
            request.adjustment,
            lang,
        )
        sheets.correlation(book, matrix, lang)
    elif kind is AnalyticsExportKind.SCORE_DRIVERS:
        sheets.drivers(book, await drivers.score_drivers(scope, period), lang)
    else:
        effects = await rater_effects(period, scope, normalized=True)
        ids = {r.manager_id for r in effects.raters} | {n.employee_id for n in effects.normalized}
        sheets.raters(book, effects, lang, sheets.Masker(actor.authz, await _people(ids)))
    out = io.BytesIO()
    book.save(out)
    await record(
        actor,
        AuditAction.ANALYTICS_EXPORT,
        AuditObjectType.COMPANY,
        actor.caller.company_id,
        after={"kind": kind.value, "period": period.start.isoformat(), "scope": name},
    )
    return f"{name}-{period.label(lang)}-{NAMES[lang][kind]}.xlsx", out.getvalue()
