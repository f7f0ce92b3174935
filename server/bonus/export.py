"""The payroll workbook of a bonus allocation: one row per person, and the total.

Amounts are numeric cells with two places, so payroll can sum them; texts stay texts
(server.reports.cells). Fetched through a signed download link (server/reports/downloads.py),
which repeats the check (bonus:export) at download time; each download is audited.
"""

from __future__ import annotations

import io
from uuid import UUID

from openpyxl import Workbook
from openpyxl.styles import Font

from server.audit import Actor, record
from server.bonus.messages import label
from server.bonus.service import Allocation, bonus_allocation
from server.models import Department, Plan
from server.permissions import BONUS_EXPORT
from server.reports.cells import Rows
from server.vocabulary import AuditAction, AuditObjectType

COLUMNS = ["employee_number", "name", "department", "grade", "base", "coefficient", "amount"]
MONEY = "#,##0.00"


def render(found: Allocation, departments: dict[UUID, str], lang: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = label("sheet", lang)
    rows = Rows(sheet)
    for cell in rows.add([label(k, lang) for k in [*COLUMNS, "note"]]):
        cell.font = Font(bold=True)
    for r in found.rows:
        grade = r.grade_name_zh if lang == "zh" else r.grade_name_en
        note = ""
        if r.amount is None:
            note = label("no_grade" if r.grade is None else "no_base", lang)
        cells = rows.add(
            [
                r.employee_number,
                r.name,
                departments.get(r.department_id, ""),
                grade or "",
                r.base,
                r.coefficient,
                r.amount,
                note,
            ]
        )
        cells[4].number_format = cells[6].number_format = MONEY
    total = rows.add([label("total", lang), "", "", "", None, None, found.total, ""])
    total[0].font = Font(bold=True)
    total[6].number_format = MONEY
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def bonus_file(
    actor: Actor, plan_id: UUID, department_id: UUID | None, lang: str
) -> tuple[str, bytes]:
    """The file name and workbook of the allocation, for a caller holding bonus:export."""
    found = await bonus_allocation(actor, plan_id, department_id, BONUS_EXPORT)
    plan = await Plan.get(id=plan_id).only("id", "name")
    names = dict(
        await Department.filter(company_id=actor.caller.company_id).values_list("id", "name")
    )
    await record(
        actor,
        AuditAction.BONUS_EXPORT,
        AuditObjectType.PLAN,
        plan_id,
        after={"department": department_id, "rows": len(found.rows), "total": found.total},
    )
    return f"{plan.name}-{label('file', lang)}.xlsx", render(found, names, lang)
