"""Reads: the employee report and the signed links of the files (each decided in server/)."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from schema import ids
from schema.enums import ReportFormat
from schema.permissions import AUTH
from schema.reports.types import DownloadLink, EmployeeReport
from server.reports import downloads
from server.reports.report import employee_report


def _base_url(info: Info) -> str:
    return str(info.context.request.base_url)


@strawberry.type
class ReportQuery:
    @strawberry.field(
        permission_classes=AUTH,
        description="A person's scores in the plans within a period, with indicators, trend, "
        "rank (with report:rank) and suggestions, in the caller's language.",
    )
    async def employee_report(
        self, info: Info, employee_id: strawberry.ID, period_start: date, period_end: date
    ) -> EmployeeReport:
        found = await employee_report(
            info.context.actor,
            ids.decode(employee_id, "Employee", "employeeId"),
            period_start,
            period_end,
            info.context.lang,
        )
        return EmployeeReport.of(found)

    @strawberry.field(
        permission_classes=AUTH,
        description="A 5-minute link to the employee report as XLSX or a printable HTML page.",
    )
    async def employee_report_link(
        self,
        info: Info,
        employee_id: strawberry.ID,
        period_start: date,
        period_end: date,
        format: ReportFormat,
    ) -> DownloadLink:
        link = await downloads.employee_report_link(
            info.context.actor,
            info.context.runtime.settings.secret_key,
            ids.decode(employee_id, "Employee", "employeeId"),
            period_start,
            period_end,
            format,
            info.context.lang,
        )
        return DownloadLink.of(link, _base_url(info))

    @strawberry.field(
        permission_classes=AUTH,
        description="A 5-minute link to the department's actuals sheet (XLSX) of the plan; "
        "needs actual:record in the department.",
    )
    async def actuals_sheet_link(
        self, info: Info, plan_id: strawberry.ID, department_id: strawberry.ID
    ) -> DownloadLink:
        link = await downloads.actuals_sheet_link(
            info.context.actor,
            info.context.runtime.settings.secret_key,
            ids.decode(plan_id, "Plan", "planId"),
            ids.decode(department_id, "Department", "departmentId"),
            info.context.lang,
        )
        return DownloadLink.of(link, _base_url(info))
