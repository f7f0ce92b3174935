"""The actuals sheet as a file: writing it (openpyxl) and reading an upload back, bounded.

Pure: no database, no authorization (server.reports.sheets does those). The layout is fixed
by position, so a sheet downloaded in Chinese reads the same as one in English:

    A employee number | B name | C indicator key (hidden) | D indicator | E unit | F target |
    G current value | H new value | I note

Row 1 holds the headers; each row below, one indicator of one person. Only H and I are
editable (the sheet is protected without a password: it guards against slips, not people).
A hidden sheet holds the format marker and the plan the sheet was made for.
"""

from __future__ import annotations

import base64
import binascii
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.utils import get_column_letter

from server.errors import BadInput, DomainError
from server.reports.cells import Rows
from server.reports.messages import label

FORMAT = "jixiao.actuals/1"
META_TITLE = "jixiao"
MAX_BYTES = 5 * 1024 * 1024  # decoded upload
MAX_ROWS = 5_000  # data rows with anything in them
# Unpacked size and entry count of the zip an XLSX is: bounds what a small upload may expand
# to before any XML is parsed.
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_ENTRIES = 200
FIELD = "contentBase64"

COLUMNS = (
    "col_employee_number",
    "col_name",
    "col_key",
    "col_indicator",
    "col_unit",
    "col_target",
    "col_current",
    "col_new",
    "col_note",
)
NUMBER, NAME, KEY, INDICATOR, UNIT, TARGET, CURRENT, NEW, NOTE = range(len(COLUMNS))
WIDTHS = (14, 16, 38, 28, 10, 14, 14, 14, 30)
EDITABLE = (NEW, NOTE)


@dataclass(frozen=True)
class SheetLine:
    """One row to write: one manual indicator of one assigned person."""

    employee_number: str
    name: str
    indicator_key: str
    indicator_name: str
    unit: str
    target: Decimal | None
    current: Decimal | None


@dataclass(frozen=True)
class SheetEntry:
    """One filled row read back: ``row`` is its number in the sheet, as Excel shows it."""

    row: int
    employee_number: str
    indicator_key: str
    value: Decimal
    note: str


@dataclass(frozen=True)
class SheetProblem:
    """A row that could not be read (or, later, was not taken), and why; ``cell`` is where."""

    row: int
    employee_number: str
    indicator_key: str
    cell: str
    error: DomainError


@dataclass(frozen=True)
class ReadSheet:
    plan_id: UUID
    entries: tuple[SheetEntry, ...]
    problems: tuple[SheetProblem, ...]
    skipped: int  # rows without a new value


def write_sheet(plan_id: UUID, lines: Iterable[SheetLine], lang: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = label("sheet_title", lang)
    rows = Rows(sheet)
    for cell in rows.add([label(c, lang) for c in COLUMNS]):
        cell.font = Font(bold=True)
    editable = Protection(locked=False)
    fill = PatternFill("solid", start_color="FFF2CC")
    for line in lines:
        cells = rows.add(
            [
                line.employee_number,
                line.name,
                line.indicator_key,
                line.indicator_name,
                line.unit,
                line.target,
                line.current,
                None,
                None,
            ]
        )
        for column in EDITABLE:
            cells[column].protection = editable
            cells[column].fill = fill
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.column_dimensions[get_column_letter(KEY + 1)].hidden = True
    sheet.freeze_panes = "A2"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # widths may still be changed
    sheet.protection.sort = False
    sheet.protection.autoFilter = False

    meta = book.create_sheet(META_TITLE)
    meta.append(["format", FORMAT])
    meta.append(["plan", str(plan_id)])
    meta.append(["lang", lang])
    meta.sheet_state = "veryHidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def decode_upload(content_base64: str) -> bytes:
    """The upload's bytes: at most ``MAX_BYTES``, checked before decoding, and a zip file."""
    text = content_base64.strip()
    if len(text) > (MAX_BYTES + 2) // 3 * 4 + 4:
        raise BadInput("sheet_too_large", field=FIELD, max=MAX_BYTES)
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise BadInput("sheet_invalid", field=FIELD) from None
    if len(data) > MAX_BYTES:
        raise BadInput("sheet_too_large", field=FIELD, max=MAX_BYTES)
    return data


def _check_zip(data: bytes) -> None:
    """An XLSX is a zip: refuse anything else, and one that would unpack too large."""
    if not data.startswith(b"PK\x03\x04"):
        raise BadInput("sheet_invalid", field=FIELD)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise BadInput("sheet_invalid", field=FIELD) from None
    if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        raise BadInput("sheet_too_large", field=FIELD, max=MAX_BYTES)


def _open(data: bytes, *, data_only: bool) -> Any:
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception:  # any reader failure on an untrusted file means one thing: not a sheet
        raise BadInput("sheet_invalid", field=FIELD) from None


def _plan_of(book: Any) -> UUID:
    if META_TITLE not in book.sheetnames:
        raise BadInput("sheet_invalid", field=FIELD)
    meta = {
        str(row[0]): row[1]
        for row in book[META_TITLE].iter_rows(max_row=10, max_col=2, values_only=True)
        if row and row[0] is not None and len(row) > 1
    }
    if meta.get("format") != FORMAT:
        raise BadInput("sheet_invalid", field=FIELD)
    try:
        return UUID(str(meta.get("plan")))
    except ValueError:
        raise BadInput("sheet_invalid", field=FIELD) from None


def _data_sheet(book: Any) -> Any:
    for name in book.sheetnames:
        if name != META_TITLE:
            return book[name]
    raise BadInput("sheet_invalid", field=FIELD)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an employee number Excel turned into 1001.0
    return str(value).strip()


def _number(value: Any, cell: str) -> Decimal:
    """A cell's value as an exact decimal; BadInput naming the cell otherwise."""
    if isinstance(value, bool | datetime | date | time):
        raise BadInput("sheet_not_a_number", field=cell, value=str(value)[:40])
    if isinstance(value, int | Decimal):
        return Decimal(value)
    # A float is the value Excel stored; its shortest repr is the number the person typed.
    raw = repr(value) if isinstance(value, float) else str(value).strip()
    cleaned = raw.replace(",", "").replace("，", "").replace(" ", "")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise BadInput("sheet_not_a_number", field=cell, value=raw[:40]) from None
    if not number.is_finite():
        raise BadInput("sheet_not_a_number", field=cell, value=raw[:40])
    return number


def _cells(row: Sequence[Any]) -> list[Any]:
    values = [getattr(cell, "value", None) for cell in row]
    return values + [None] * (len(COLUMNS) - len(values))


def _formula_values(data: bytes, rows: set[int]) -> dict[int, Any]:
    """The values Excel computed and saved for the formulas of ``rows`` (None: never computed)."""
    book = _open(data, data_only=True)
    try:
        sheet = _data_sheet(book)
        found: dict[int, Any] = {}
        for number, row in enumerate(
            sheet.iter_rows(min_row=2, max_row=max(rows), max_col=len(COLUMNS)), start=2
        ):
            if number in rows:
                found[number] = _cells(row)[NEW]
        return found
    finally:
        book.close()


def read_sheet(data: bytes) -> ReadSheet:
    """The filled rows of an uploaded sheet, and the rows that could not be read, by row."""
    _check_zip(data)
    book = _open(data, data_only=False)
    raw: list[tuple[int, list[Any], bool]] = []
    try:
        plan_id = _plan_of(book)
        sheet = _data_sheet(book)
        count = 0
        for number, row in enumerate(sheet.iter_rows(min_row=2, max_col=len(COLUMNS)), start=2):
            values = _cells(row)
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            count += 1
            if count > MAX_ROWS:
                raise BadInput("sheet_too_many_rows", field=FIELD, max=MAX_ROWS)
            formula = any(getattr(c, "data_type", None) == "f" for c in row[NEW : NEW + 1])
            raw.append((number, values, formula))
    finally:
        book.close()
    formulas = {number for number, _, formula in raw if formula}
    computed = _formula_values(data, formulas) if formulas else {}

    entries: list[SheetEntry] = []
    problems: list[SheetProblem] = []
    skipped = 0
    for number, values, formula in raw:
        value = computed.get(number) if formula else values[NEW]
        read = _entry(number, values, value, formula)
        if read is None:
            skipped += 1
        elif isinstance(read, SheetProblem):
            problems.append(read)
        else:
            entries.append(read)
    return ReadSheet(plan_id, tuple(entries), tuple(problems), skipped)


def _entry(
    number: int, values: list[Any], value: Any, formula: bool
) -> SheetEntry | SheetProblem | None:
    """One row read: an entry, a problem, or None for a row without a new value."""
    employee_number, key = _text(values[NUMBER]), _text(values[KEY])

    def problem(error: DomainError) -> SheetProblem:
        return SheetProblem(number, employee_number, key, str(error.field), error)

    if formula and value is None:
        return problem(BadInput("sheet_formula", field=cell(NEW, number)))
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = _number(value, cell(NEW, number))
    except BadInput as exc:
        return problem(exc)
    if not key:
        return problem(BadInput("sheet_missing_key", field=cell(KEY, number)))
    return SheetEntry(number, employee_number, key, amount, _text(values[NOTE]))


def cell(column: int, row: int) -> str:
    """The cell's name as Excel shows it: ``H7``."""
    return f"{get_column_letter(column + 1)}{row}"
