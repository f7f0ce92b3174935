"""The closed sets of reports and downloads (the API exposes the first two as enums)."""

from __future__ import annotations

from enum import StrEnum


class ReportFormat(StrEnum):
    """What ``employeeReportLink`` renders: a workbook or a printable page."""

    XLSX = "xlsx"
    HTML = "html"


class ReportSuggestionKind(StrEnum):
    """Why the report suggests looking at something (rule-based, never a free guess)."""

    LOW_ACHIEVEMENT = "low_achievement"  # among the (at most 3) lowest below 100 % completion
    SCORE_DROP = "score_drop"  # an indicator's score fell more than 5 points
    TOTAL_DROP = "total_drop"  # the total fell more than 5 points
    MISSING_ACTUAL = "missing_actual"  # an indicator has no actual yet
    INCOMPLETE_SCORE = "incomplete_score"  # the score has no total for another reason


class DownloadKind(StrEnum):
    """What a signed download link fetches (bound into the link, never sent by the client)."""

    ACTUALS_SHEET = "actuals_sheet"
    REPORT_XLSX = "report_xlsx"
    REPORT_HTML = "report_html"
    BONUS_XLSX = "bonus_xlsx"  # a plan's bonus allocation for payroll (server/bonus)
    CALIBRATION_XLSX = "calibration_xlsx"  # server/calibration/export.py
    ANALYTICS_XLSX = "analytics_xlsx"  # server/analytics/export.py
