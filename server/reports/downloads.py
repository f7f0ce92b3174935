"""Signing download links after the same check the download repeats, and producing the file.

``*_link`` authorize now (a link for something the caller may not fetch is never signed);
``produce`` runs at download time as the link's employee stands then, through the very
service functions the GraphQL fields use (``actuals_sheet``, ``employee_report``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from server.analytics.export import workbook as analytics_workbook
from server.audit import Actor
from server.bonus.export import bonus_file
from server.bonus.service import bonus_allocation
from server.calibration.export import workbook as calibration_workbook
from server.permissions import BONUS_EXPORT
from server.reports.links import DownloadClaims, DownloadLink, sign
from server.reports.messages import label
from server.reports.report import EmployeeReport, employee_report
from server.reports.report_html import render_html
from server.reports.report_xlsx import render_xlsx
from server.reports.sheets import actuals_sheet, sheet_scope
from server.reports.vocabulary import DownloadKind, ReportFormat

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HTML = "text/html; charset=utf-8"
REPORT_KINDS = {
    ReportFormat.XLSX: DownloadKind.REPORT_XLSX,
    ReportFormat.HTML: DownloadKind.REPORT_HTML,
}


@dataclass(frozen=True)
class Download:
    filename: str
    media_type: str
    content: bytes
    inline: bool  # shown in the browser (the printable page) rather than saved


async def actuals_sheet_link(
    actor: Actor, secret: str, plan_id: UUID, department_id: UUID, lang: str
) -> DownloadLink:
    await sheet_scope(actor, plan_id, department_id)
    params = {"plan": str(plan_id), "department": str(department_id)}
    return sign(secret, actor.caller, DownloadKind.ACTUALS_SHEET, params, lang)


async def employee_report_link(
    actor: Actor,
    secret: str,
    employee_id: UUID,
    period_start: date,
    period_end: date,
    report_format: ReportFormat,
    lang: str,
) -> DownloadLink:
    await employee_report(actor, employee_id, period_start, period_end, lang)
    params = {
        "employee": str(employee_id),
        "start": period_start.isoformat(),
        "end": period_end.isoformat(),
    }
    return sign(secret, actor.caller, REPORT_KINDS[report_format], params, lang)


async def bonus_link(
    actor: Actor, secret: str, plan_id: UUID, department_id: UUID | None, lang: str
) -> DownloadLink:
    """A link to the bonus workbook: checked now (bonus:export), and again at download."""
    await bonus_allocation(actor, plan_id, department_id, BONUS_EXPORT)
    params = {"plan": str(plan_id)}
    if department_id is not None:
        params["department"] = str(department_id)
    return sign(secret, actor.caller, DownloadKind.BONUS_XLSX, params, lang)


def _report_name(report: EmployeeReport, extension: str) -> str:
    span = f"{report.period_start.isoformat()}_{report.period_end.isoformat()}"
    return f"{report.employee_name}-{span}-{label('report_file', report.lang)}.{extension}"


async def produce(actor: Actor, claims: DownloadClaims) -> Download:
    """The file a verified link names, for ``actor`` (the link's employee, reloaded)."""
    params, lang = claims.params, claims.lang
    if claims.kind is DownloadKind.BONUS_XLSX:
        department = params.get("department")
        name, content = await bonus_file(
            actor, UUID(params["plan"]), UUID(department) if department else None, lang
        )
        return Download(name, XLSX, content, inline=False)
    if claims.kind is DownloadKind.ANALYTICS_XLSX:
        name, content = await analytics_workbook(actor, params, lang)
        return Download(name, XLSX, content, inline=False)
    if claims.kind is DownloadKind.CALIBRATION_XLSX:
        book = await calibration_workbook(actor, UUID(params["session"]), lang)
        return Download(book.filename, XLSX, book.content, inline=False)
    if claims.kind is DownloadKind.ACTUALS_SHEET:
        sheet = await actuals_sheet(actor, UUID(params["plan"]), UUID(params["department"]), lang)
        return Download(sheet.filename, XLSX, sheet.content, inline=False)
    report = await employee_report(
        actor,
        UUID(params["employee"]),
        date.fromisoformat(params["start"]),
        date.fromisoformat(params["end"]),
        lang,
    )
    if claims.kind is DownloadKind.REPORT_XLSX:
        return Download(_report_name(report, "xlsx"), XLSX, render_xlsx(report), inline=False)
    page = render_html(report).encode()
    return Download(_report_name(report, "html"), HTML, page, inline=True)
