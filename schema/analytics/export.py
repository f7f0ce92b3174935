"""``analyticsExportLink``: a 5-minute link to one analytic as XLSX (server/analytics/export.py)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from schema import ids
from schema.analytics.common import AnalyticsScopeInput, OrgLevel, PeriodInput, decode_period
from schema.analytics.correlation import AnalyticsVariableInput
from schema.analytics.trend import TrendSubjectInput
from schema.permissions import AUTH
from schema.reports.types import DownloadLink
from server.analytics import export
from server.analytics.correlation import CorrelationMethod, PValueAdjustment
from server.analytics.export import AnalyticsExportKind, ExportRequest
from server.analytics.variables import VariableRef

strawberry.enum(AnalyticsExportKind, description="Which analytic a workbook holds.")


@strawberry.type
class ExportQuery:
    @strawberry.field(
        permission_classes=AUTH,
        description="A 5-minute link to an analytic as XLSX, with its chart; names and "
        "employee numbers are masked where the caller may not read personal data "
        "(analytics:export and the analytic's own permission). TREND needs `subject` (12 "
        "periods up to `period`, or from `from`); INDICATOR_CORRELATION needs `variables` "
        "(the period alone, or from `from`).",
    )
    async def analytics_export_link(
        self,
        info: Info,
        kind: AnalyticsExportKind,
        period: PeriodInput,
        scope: AnalyticsScopeInput | None = None,
        subject: TrendSubjectInput | None = None,
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        variables: list[AnalyticsVariableInput] | None = None,
        method: CorrelationMethod = CorrelationMethod.PEARSON,
        adjustment: PValueAdjustment = PValueAdjustment.NONE,
    ) -> DownloadLink:
        scope = scope or AnalyticsScopeInput()
        department = (
            None
            if scope.department_id is None
            else ids.decode(scope.department_id, "Department", "scope.departmentId")
        )
        employee = subject_department = None
        if subject is not None and subject.employee_id is not None:
            employee = ids.decode(subject.employee_id, "Employee", "subject.employeeId")
        if subject is not None and subject.department_id is not None:
            subject_department = ids.decode(
                subject.department_id, "Department", "subject.departmentId"
            )
        request = ExportRequest(
            kind=AnalyticsExportKind(kind),
            period=decode_period(period),
            level=OrgLevel(scope.level),
            department_id=department,
            subject_employee=employee,
            subject_department=subject_department,
            first=from_,
            variables=tuple(VariableRef(v.kind, v.name) for v in variables or []),
            method=method,
            adjustment=adjustment,
        )
        link = await export.export_link(
            info.context.actor,
            info.context.runtime.settings.secret_key,
            request,
            info.context.lang,
        )
        return DownloadLink.of(link, str(info.context.request.base_url))
