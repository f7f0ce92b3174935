"""User-facing messages of this package, merged into server.i18n.MESSAGES.

``MESSAGES`` holds error message keys (each with its ``Reason`` in server/errors.py);
``LABELS`` the words of the files and reports themselves (sheet headers, report headings,
suggestions), looked up with ``label``.
"""

from __future__ import annotations

from typing import Any

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (English, 简体中文)
    "link_invalid": (
        "This download link is not valid, or its session has ended. Ask for a new link.",
        "下载链接无效，或其会话已结束。请重新获取链接。",
    ),
    "link_expired": (
        "This download link has expired. Ask for a new link.",
        "下载链接已过期，请重新获取链接。",
    ),
    "sheet_invalid": (
        "{field} is not an XLSX actuals sheet downloaded from Jixiao; download the sheet again.",
        "{field} 不是从本系统下载的实际值录入表（XLSX），请重新下载。",
    ),
    "sheet_too_large": (
        "{field} is over {max} bytes, the largest sheet accepted.",
        "{field} 超过 {max} 字节，超出可接受的表格大小。",
    ),
    "sheet_too_many_rows": (
        "The sheet has more than {max} rows; split it into several uploads.",
        "表格超过 {max} 行，请拆分为多次上传。",
    ),
    "sheet_plan_mismatch": (
        "The sheet was downloaded for another plan; download the sheet of this plan.",
        "该表格属于另一个计划，请下载本计划的录入表。",
    ),
    "sheet_not_a_number": (
        "{field}: “{value}” is not a number.",
        "{field}：“{value}”不是数字。",
    ),
    "sheet_unknown_employee": (
        "{field}: no employee has the number “{number}”.",
        "{field}：没有工号为“{number}”的员工。",
    ),
    "sheet_missing_key": (
        "{field} is empty: the row does not name its indicator. Download the sheet again.",
        "{field} 为空：该行未指明指标。请重新下载录入表。",
    ),
    "sheet_formula": (
        "{field} holds a formula without a computed value: type the number, or open and save "
        "the file in Excel first.",
        "{field} 是没有计算结果的公式：请直接填写数字，或先在 Excel 中打开并保存该文件。",
    ),
}

LABELS: dict[str, tuple[str, str]] = {
    # the actuals sheet
    "sheet_title": ("Actuals", "实际值录入"),
    "col_employee_number": ("Employee number", "工号"),
    "col_name": ("Name", "姓名"),
    "col_key": ("Indicator key", "指标键"),
    "col_indicator": ("Indicator", "指标"),
    "col_unit": ("Unit", "单位"),
    "col_target": ("Target", "目标值"),
    "col_current": ("Current value", "当前值"),
    "col_new": ("New value", "新值"),
    "col_note": ("Note", "备注"),
    "sheet_file": ("actuals", "实际值录入"),
    # the report
    "report_title": ("Performance report", "绩效报告"),
    "report_file": ("report", "绩效报告"),
    "employee": ("Employee", "员工"),
    "department": ("Department", "部门"),
    "period": ("Period", "期间"),
    "plan": ("Plan", "计划"),
    "total": ("Total", "总分"),
    "grade": ("Grade", "等级"),
    "explanation": ("Explanation", "说明"),
    "rank": ("Rank in the department", "部门排名"),
    "rank_text": ("{position} of {count}", "第 {position} 名，共 {count} 人"),
    "incomplete": ("incomplete", "不完整"),
    "summary": ("Summary", "概要"),
    "indicators": ("Indicators", "指标"),
    "trend": ("Trend", "趋势"),
    "suggestions": ("Suggestions", "改进建议"),
    "weight": ("Weight %", "权重 %"),
    "target": ("Target", "目标值"),
    "actual": ("Actual", "实际值"),
    "completion": ("Completion %", "完成率 %"),
    "score": ("Score", "得分"),
    "indicator": ("Indicator", "指标"),
    "unit": ("Unit", "单位"),
    "no_scores": ("No earlier scores.", "暂无往期得分。"),
    "no_suggestions": ("Nothing to point out.", "暂无建议。"),
    "generated": ("Generated", "生成时间"),
    # suggestions
    "suggest_low_achievement": (
        "{name}: {completion} % of the target, among the lowest; start here.",
        "{name}：完成率 {completion}%，为完成度最低的指标之一，建议优先改进。",
    ),
    "suggest_score_drop": (
        "{name}: the score fell {points} points against {previous} ({before} → {after}).",
        "{name}：得分较上期（{previous}）下降 {points} 分（{before} → {after}）。",
    ),
    "suggest_total_drop": (
        "The total fell {points} points against {previous} ({before} → {after}).",
        "总分较上期（{previous}）下降 {points} 分（{before} → {after}）。",
    ),
    "suggest_missing_actual": (
        "{name} has no actual yet; the score stays incomplete until it is entered.",
        "{name} 尚无实际值，录入前得分不完整。",
    ),
    "suggest_incomplete_score": (
        "The score of {plan} is not complete yet, so it has no total.",
        "{plan} 的得分尚不完整，因此暂无总分。",
    ),
}


def label(key: str, lang: str, **params: Any) -> str:
    """A label in ``lang`` (``zh`` or English), filled with ``params``."""
    english, chinese = LABELS[key]
    template = chinese if lang == "zh" else english
    return template.format(**params) if params else template
