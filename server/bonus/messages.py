"""User-facing messages and labels of bonus allocation, merged into server.i18n.MESSAGES."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (English, 简体中文)
    "bonus_unknown_grade": (
        "{field}: {grade} is none of the company's grades ({grades}).",
        "{field}：{grade} 不是公司设置的等级（{grades}）。",
    ),
}

# Column headings of the payroll workbook.
LABELS: dict[str, tuple[str, str]] = {
    "sheet": ("Bonus", "奖金"),
    "employee_number": ("Employee number", "工号"),
    "name": ("Name", "姓名"),
    "department": ("Department", "部门"),
    "grade": ("Grade", "等级"),
    "base": ("Base amount", "基数"),
    "coefficient": ("Coefficient", "系数"),
    "amount": ("Amount", "金额"),
    "note": ("Note", "备注"),
    "file": ("bonus", "奖金分配"),
    "no_grade": ("no frozen grade", "无定稿等级"),
    "no_base": ("no base amount", "无奖金基数"),
    "total": ("Total", "合计"),
}


def label(key: str, lang: str) -> str:
    return LABELS[key][1 if lang == "zh" else 0]
