"""The session as a workbook: per person, computed against calibrated results, with reasons.

``export_link`` checks ``calibration:export`` and signs a short-lived link (server/reports/
links.py); the download (schema/downloads.py -> server/reports/downloads.produce) calls
``workbook`` as the link's employee stands then, which checks again and audits the export.
Text is written as text (server/reports/cells.py), never as a formula.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from uuid import UUID

from openpyxl import Workbook
from openpyxl.styles import Font

from server.audit import Actor, record
from server.calibration.sessions import get_session, scope_of, target
from server.errors import Forbidden
from server.models import CalibrationChange, CalibrationSession, Employee, Plan, Score
from server.org_tree import org_chart
from server.permissions import CALIBRATION_EXPORT
from server.reports.cells import Rows
from server.reports.links import DownloadLink, sign
from server.reports.vocabulary import DownloadKind
from server.scoring.grades import GradeBand
from server.scoring.settings import load_setup
from server.vocabulary import AuditAction, AuditObjectType

HEADERS = {
    "en": [
        "Employee no.",
        "Name",
        "Department",
        "Computed total",
        "Computed grade",
        "Calibrated total",
        "Calibrated grade",
        "Changed",
        "Reason",
        "Changed by",
        "Changed at (UTC)",
    ],
    "zh": [
        "工号",
        "姓名",
        "部门",
        "计算得分",
        "计算等级",
        "校准得分",
        "校准等级",
        "是否调整",
        "原因",
        "调整人",
        "调整时间（UTC）",
    ],
}
WORDS = {"en": ("calibration", "yes", "no"), "zh": ("校准", "是", "否")}


@dataclass(frozen=True)
class Sheet:
    filename: str
    content: bytes


def _check(actor: Actor, session: CalibrationSession) -> None:
    if not actor.authz.check(CALIBRATION_EXPORT, target(session)):
        raise Forbidden("forbidden", action="export", object_type="calibration")


async def export_link(actor: Actor, secret: str, session_id: UUID, lang: str) -> DownloadLink:
    _check(actor, await get_session(actor, session_id))
    params = {"session": str(session_id)}
    return sign(secret, actor.caller, DownloadKind.CALIBRATION_XLSX, params, lang)


def _name(bands: dict[str, GradeBand], key: str | None, lang: str) -> str:
    if key is None:
        return ""
    band = bands.get(key)
    return key if band is None else band.name(lang)


async def workbook(actor: Actor, session_id: UUID, lang: str) -> Sheet:
    session = await get_session(actor, session_id)
    _check(actor, session)
    lang = "zh" if lang == "zh" else "en"
    chart = await org_chart(session.company_id)
    scope = await scope_of(session, chart)
    query = Score.filter(company_id=session.company_id, plan_id=session.plan_id)
    if scope.departments is not None:
        query = query.filter(department_id__in=list(scope.departments))
    scores = await query.order_by("department_id", "employee_id").values(
        "id", "employee_id", "department_id", "total", "grade"
    )
    changes = {c.score_id: c for c in await CalibrationChange.filter(session_id=session.id)}
    people_ids = {s["employee_id"] for s in scores} | {c.changed_by for c in changes.values()}
    people = {
        p["id"]: p
        for p in await Employee.filter(id__in=list(people_ids)).values(
            "id", "name", "employee_number"
        )
    }
    bands = {b.key: b for b in (await load_setup(session.company_id)).grade_bands}
    word, yes, no = WORDS[lang]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = word
    rows = Rows(sheet)
    for cell in rows.add(HEADERS[lang]):
        cell.font = Font(bold=True)
    for s in scores:
        person = people.get(s["employee_id"], {})
        department = chart.departments.get(s["department_id"])
        change = changes.get(s["id"])
        # Once locked the score holds the calibrated result: the computed is the change's.
        total = s["total"] if change is None else change.original_total
        grade = s["grade"] if change is None else change.original_grade
        rows.add(
            [
                person.get("employee_number", ""),
                person.get("name", ""),
                "" if department is None else department.name,
                total,
                _name(bands, grade, lang),
                total if change is None or change.total is None else change.total,
                _name(bands, grade if change is None else change.grade, lang),
                no if change is None else yes,
                "" if change is None else change.reason,
                "" if change is None else people.get(change.changed_by, {}).get("name", ""),
                None if change is None else change.changed_at.replace(tzinfo=None),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    plan = await Plan.get(id=session.plan_id)
    await record(
        actor,
        AuditAction.CALIBRATION_EXPORT,
        AuditObjectType.CALIBRATION_SESSION,
        session.id,
        after={"people": len(scores), "changes": len(changes)},
    )
    return Sheet(f"{plan.name}-{scope.name}-{word}.xlsx", out.getvalue())
