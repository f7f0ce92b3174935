"""The actuals sheet of a department: download it filled with the people and indicators,
type the new values, upload it; each row lands or comes back with its sheet row and reason.

Downloading needs ``actual:record`` in the department; the rows are the plan's assignments
in that department the caller may record for (one SQL filter), times each manual,
non-qualitative indicator. Uploading goes through ``record_actuals`` like the GraphQL
mutation, so the same checks, audit and idempotency (the client key) apply; what the sheet
adds is reading the file, bounded, and reporting every problem by its row in Excel.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from server import validation
from server.actuals.manual import MAX_CLIENT_KEY, record_actuals
from server.actuals.manual import MAX_ROWS as BATCH
from server.actuals.rows import ActualRow
from server.audit import Actor
from server.errors import BadInput, NotFound
from server.models import Actual, Assignment, Department, Plan
from server.permissions import ACTUAL_RECORD
from server.reports.messages import label
from server.reports.sheet_io import (
    KEY,
    NEW,
    NOTE,
    NUMBER,
    SheetEntry,
    SheetLine,
    SheetProblem,
    cell,
    decode_upload,
    read_sheet,
    write_sheet,
)

# A sheet larger than one recordActuals batch is sent in batches of its rows; each batch's
# client key is the upload's key and its number, so the key leaves room for that suffix.
MAX_KEY = MAX_CLIENT_KEY - 4
# Where a recordActuals row error points (``rows[3].value``), as a column of the sheet.
_FIELD_COLUMNS = {"value": NEW, "indicatorKey": KEY, "employeeId": NUMBER, "note": NOTE}
_COLUMNS = {"department": "department_id", "owner": "employee_id", "manager": "manager_id"}


@dataclass(frozen=True)
class SheetFile:
    filename: str
    content: bytes


def _decimal(value: Any) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def _enterable(indicator: dict[str, Any]) -> bool:
    """Indicators a person types a value for: manual data, not a 1-5 rating."""
    source = (indicator.get("data_source") or "manual").strip()
    return source == "manual" and not indicator.get("qualitative")


async def sheet_scope(actor: Actor, plan_id: UUID, department_id: UUID) -> tuple[Plan, str]:
    """The plan and the department's name, once the caller may record actuals there."""
    company_id = actor.caller.company_id
    plan = await Plan.get_or_none(id=plan_id, company_id=company_id)
    if plan is None:
        raise NotFound("plan")
    names = await Department.filter(id=department_id, company_id=company_id).values_list(
        "name", flat=True
    )
    if not names:
        raise NotFound("department")
    actor.authz.require(ACTUAL_RECORD, (department_id, None, None))
    return plan, str(names[0])


async def sheet_lines(actor: Actor, plan: Plan, department_id: UUID) -> list[SheetLine]:
    query = Assignment.filter(
        company_id=actor.caller.company_id, plan_id=plan.id, department_id=department_id
    )
    visible = actor.authz.scope(ACTUAL_RECORD).q(**_COLUMNS)
    if visible is not None:
        query = query.filter(visible)
    assignments = await query.select_related("employee").order_by(
        "employee__employee_number", "employee__name"
    )
    current: dict[tuple[UUID, str], Decimal | None] = {
        (assignment_id, key): _decimal(value)
        for assignment_id, key, value in await Actual.filter(
            company_id=actor.caller.company_id,
            plan_id=plan.id,
            assignment_id__in=[a.id for a in assignments],
        ).values_list("assignment_id", "indicator_key", "value")
    }
    lines = []
    for assignment in assignments:
        for indicator in assignment.indicators or ():
            if not _enterable(indicator):
                continue
            key = str(indicator["key"])
            lines.append(
                SheetLine(
                    employee_number=assignment.employee.employee_number,
                    name=assignment.employee.name,
                    indicator_key=key,
                    indicator_name=str(indicator.get("name", "")),
                    unit=str(indicator.get("unit") or ""),
                    target=_decimal(indicator.get("target")),
                    current=current.get((assignment.id, key)),
                )
            )
    return lines


async def actuals_sheet(actor: Actor, plan_id: UUID, department_id: UUID, lang: str) -> SheetFile:
    """The department's sheet as XLSX bytes, headers in ``lang``."""
    plan, department = await sheet_scope(actor, plan_id, department_id)
    lines = await sheet_lines(actor, plan, department_id)
    name = f"{department}-{plan.name}-{label('sheet_file', lang)}.xlsx"
    return SheetFile(name, write_sheet(plan.id, lines, lang))


@dataclass(frozen=True)
class SheetOutcome:
    """Every filled row is accepted or rejected (by its row in the sheet); empty ones skipped."""

    accepted: tuple[SheetEntry, ...]
    rejected: tuple[SheetProblem, ...]  # by row
    skipped: int
    replayed: bool


def _cell_of(field: str | None, row: int) -> str:
    column = _FIELD_COLUMNS.get((field or "").rpartition(".")[2], NUMBER)
    return cell(column, row)


async def _people(actor: Actor, plan_id: UUID, numbers: set[str]) -> dict[str, UUID]:
    """Employee number -> id of the plan's assigned people the caller may record for: no
    other number is found, so the sheet reveals nothing of anyone else."""
    if not numbers:
        return {}
    query = Assignment.filter(
        company_id=actor.caller.company_id,
        plan_id=plan_id,
        employee__employee_number__in=sorted(numbers),
    )
    visible = actor.authz.scope(ACTUAL_RECORD).q(**_COLUMNS)
    if visible is not None:
        query = query.filter(visible)
    found = await query.values_list("employee__employee_number", "employee_id")
    return {str(number): employee_id for number, employee_id in found}


async def upload_actuals_sheet(
    actor: Actor, plan_id: UUID, content_base64: str, client_key: str | None = None
) -> SheetOutcome:
    """Read an uploaded sheet and record its filled rows through ``record_actuals``."""
    actor.authz.scope(ACTUAL_RECORD, required=True)  # refused before reading anything
    key = validation.text(client_key, "clientKey", max_length=MAX_KEY, required=False) or None
    data = decode_upload(content_base64)
    # openpyxl parses in Python: off the event loop, so other requests go on meanwhile.
    sheet = await asyncio.to_thread(read_sheet, data)
    if sheet.plan_id != plan_id:
        raise BadInput("sheet_plan_mismatch", field="planId")
    if not await Plan.filter(id=plan_id, company_id=actor.caller.company_id).exists():
        raise NotFound("plan")
    people = await _people(actor, plan_id, {e.employee_number for e in sheet.entries})
    problems = list(sheet.problems)
    entries: list[SheetEntry] = []
    for entry in sheet.entries:
        if entry.employee_number not in people:
            error = BadInput(
                "sheet_unknown_employee",
                field=cell(NUMBER, entry.row),
                number=entry.employee_number[:40],
            )
            problems.append(
                SheetProblem(
                    entry.row, entry.employee_number, entry.indicator_key, str(error.field), error
                )
            )
        else:
            entries.append(entry)
    accepted: list[SheetEntry] = []
    replays: list[bool] = []
    for start in range(0, len(entries), BATCH):
        batch = entries[start : start + BATCH]
        rows = [
            ActualRow(plan_id, people[e.employee_number], e.indicator_key, e.value, e.note)
            for e in batch
        ]
        batch_key = None if key is None else f"{key}#{start // BATCH}"
        outcome = await record_actuals(actor, rows, client_key=batch_key)
        replays.append(outcome.replayed)
        accepted += [batch[i] for i in outcome.accepted]
        for rejection in outcome.rejected:
            entry = batch[rejection.index]
            problems.append(
                SheetProblem(
                    entry.row,
                    entry.employee_number,
                    entry.indicator_key,
                    _cell_of(rejection.error.field, entry.row),
                    rejection.error,
                )
            )
    return SheetOutcome(
        accepted=tuple(accepted),
        rejected=tuple(sorted(problems, key=lambda p: p.row)),
        skipped=sheet.skipped,
        replayed=bool(replays) and all(replays),
    )
