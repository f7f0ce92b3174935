"""The employee report as a workbook: a summary sheet, an indicators sheet, a trend sheet.

Numbers are numeric cells (exact decimals as written by openpyxl), so the reader can sum and
chart them; every text is written as text (server.reports.cells), never as a formula.
"""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from server.reports.cells import Rows
from server.reports.messages import label
from server.reports.report import EmployeeReport

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
LINE_HEADERS = [
    "plan",
    "indicator",
    "unit",
    "weight",
    "target",
    "actual",
    "completion",
    "score",
    "explanation",
]


def _headers(rows: Rows, keys: list[str], lang: str) -> None:
    for cell in rows.add([label(k, lang) for k in keys]):
        cell.font = BOLD


def _widths(sheet: Worksheet, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _total(value: Decimal | None, lang: str) -> Decimal | str:
    return label("incomplete", lang) if value is None else value


def _summary(sheet: Worksheet, report: EmployeeReport) -> None:
    lang = report.lang
    sheet.title = label("summary", lang)
    rows = Rows(sheet)
    rows.add([label("report_title", lang)])[0].font = TITLE
    rows.add([label("employee", lang), report.employee_name])
    rows.add([label("department", lang), report.department_name])
    span = f"{report.period_start.isoformat()} – {report.period_end.isoformat()}"
    rows.add([label("period", lang), span])
    rows.add([])
    _headers(rows, ["plan", "period", "total", "grade", "rank", "explanation"], lang)
    for result in report.results:
        cells = rows.add(
            [
                result.plan_name,
                f"{result.period_start.isoformat()} – {result.period_end.isoformat()}",
                _total(result.total, lang),
                result.grade_name or "",
                result.rank.text(lang) if result.rank else "",
                result.explanation,
            ]
        )
        cells[-1].alignment = WRAP
    rows.add([])
    rows.add([label("suggestions", lang)])[0].font = BOLD
    for suggestion in report.suggestions:
        rows.add([suggestion.text])
    if not report.suggestions:
        rows.add([label("no_suggestions", lang)])
    _widths(sheet, [28, 26, 12, 12, 18, 60])


def _indicators(sheet: Worksheet, report: EmployeeReport) -> None:
    lang = report.lang
    rows = Rows(sheet)
    _headers(rows, LINE_HEADERS, lang)
    for result in report.results:
        for line in result.indicators:
            cells = rows.add(
                [
                    result.plan_name,
                    line.name,
                    line.unit,
                    line.weight,
                    line.target,
                    line.actual,
                    line.completion,
                    line.score,
                    line.explanation,
                ]
            )
            cells[-1].alignment = WRAP
    _widths(sheet, [26, 24, 10, 10, 12, 12, 14, 10, 70])


def _trend(sheet: Worksheet, report: EmployeeReport) -> None:
    lang = report.lang
    rows = Rows(sheet)
    _headers(rows, ["plan", "period", "total", "grade"], lang)
    # the earlier plans, then the period's own: the line a chart would draw
    points = [
        (p.plan_name, p.period_start, p.period_end, p.total, p.grade_name) for p in report.trend
    ]
    points += [
        (r.plan_name, r.period_start, r.period_end, r.total, r.grade_name) for r in report.results
    ]
    for name, start, end, total, grade in points:
        rows.add(
            [name, f"{start.isoformat()} – {end.isoformat()}", _total(total, lang), grade or ""]
        )
    _widths(sheet, [28, 26, 12, 12])


def render_xlsx(report: EmployeeReport) -> bytes:
    book = Workbook()
    summary = book.active
    assert summary is not None
    _summary(summary, report)
    _indicators(book.create_sheet(label("indicators", report.lang)), report)
    _trend(book.create_sheet(label("trend", report.lang)), report)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
