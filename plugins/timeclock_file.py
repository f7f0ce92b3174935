"""Attendance from a time-clock export (CSV or XLSX), for firms without WeCom.

The file comes from ``export_url`` (downloaded with the engine's session into a temporary
file) or from an upload the engine passes as ``config["upload"]`` (bytes) with
``config["upload_name"]``. One row is one person-day: an employee number, a date, and a
status (正常/迟到/旷工/请假...) and/or the check-in and check-out times. Rows are read
lazily, a few hundred at a time off the event loop; the file is never loaded as a list.

A row that cannot be understood is not dropped: it becomes a Record whose value is a
non-numeric "#error: ..." string (the engine quarantines it) with the row, its number
and the reason in ``raw``.
"""

from __future__ import annotations

import asyncio
import codecs
import csv
import io
import re
import tempfile
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import islice
from typing import IO, Any

import aiohttp

from plugins import hookimpl
from plugins.contract import ConfigField, Connector, ConnectorError, Period, Record
from plugins.wecom import ATTENDANCE_METRICS, PRESENT_DAYS, day_records, raise_for_status

ALIASES: dict[str, tuple[str, ...]] = {
    "employee": ("工号", "员工编号", "员工工号", "人员编号", "employee_no", "employee id",
                 "employee number", "emp no"),
    "date": ("日期", "考勤日期", "date", "work date", "attendance date"),
    "status": ("状态", "考勤状态", "考勤结果", "status", "result"),
    "checkin": ("上班时间", "上班打卡", "签到", "签到时间", "check in", "clock in", "time in"),
    "checkout": ("下班时间", "下班打卡", "签退", "签退时间", "check out", "clock out", "time out"),
}  # fmt: skip


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split("|"))


# Status words → what they mean. Several may share a cell ("迟到,早退").
PRESENT = _words("正常|出勤|早退|出差|外出|公出|normal|present|ok|early leave|business trip")
LATE = _words("迟到|late")
ABSENT = _words("缺勤|旷工|absent|absence|absenteeism")
MISSED = _words("缺卡|未打卡|上班缺卡|下班缺卡|missed punch|no punch")
LEAVE = _words("请假|事假|病假|年假|婚假|产假|陪产假|丧假|调休|leave|on leave|sick leave")
REST = _words("休息|休息日|节假日|公休|rest|off|day off|holiday|weekend")
SPLIT = re.compile(r"[,，;；/、|+]+")
PEEK_ROWS = 20  # title lines above the header that exports often carry
BATCH = 500  # rows parsed per thread hop
CHUNK = 64 * 1024


def _norm(text: object) -> str:
    return re.sub(r"[\s_\-:：]+", "", str(text or "")).lower()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():  # 工号 1001 read from XLSX as 1001.0
        return str(int(value))
    return str(value).strip()


def _parse_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    full = _cell_text(value)
    text = full.split(" ")[0].split("T")[0]  # "2024-05-06 星期一" / ISO date-time
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text) or re.fullmatch(
        r"(\d{4})(\d{2})(\d{2})", text
    )
    try:
        if not match:
            raise ValueError("expected e.g. 2024-05-06")
        return date(*(int(g) for g in match.groups()))
    except ValueError as exc:
        raise ValueError(f"unreadable date {full!r}: {exc}") from exc


def _parse_time(value: object) -> time | None:
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    text = _cell_text(value)
    if not text or text in {"-", "--", "—"}:
        return None
    match = re.search(r"(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?$", text)
    try:
        if not match:
            raise ValueError("expected e.g. 08:59")
        hour, minute, second = (int(g or 0) for g in match.groups())
        return time(hour, minute, second)
    except ValueError as exc:
        raise ValueError(f"unreadable time {text!r}: {exc}") from exc


@dataclass(frozen=True)
class Day:
    present: bool
    late: int
    absent: bool
    working: bool


def _from_status(text: str) -> Day:
    words = {w.strip().lower() for w in SPLIT.split(text) if w.strip()}
    unknown = words - PRESENT - LATE - ABSENT - MISSED - LEAVE - REST
    if unknown:
        raise ValueError(f"unknown status {', '.join(sorted(unknown))!r}")
    late = 1 if words & LATE else 0
    present = bool(words & (PRESENT | LATE))
    if words <= REST:
        return Day(False, 0, False, False)
    # A missed punch (缺卡) alone is no proof of presence; with leave on record it is excused.
    absent = not present and not words & LEAVE and bool(words & (ABSENT | MISSED))
    return Day(present, late, absent, True)


class _Columns:
    """Where each field sits, found from the header row (names from config or aliases)."""

    def __init__(self, header: Sequence[object], config: Mapping[str, Any]) -> None:
        names = [_norm(h) for h in header]
        self.index: dict[str, int] = {}
        for key, aliases in ALIASES.items():
            wanted = str(config.get(f"{key}_column") or "")
            choices = [_norm(a) for a in (wanted.split(",") if wanted else aliases)]
            found = next((names.index(c) for c in choices if c and c in names), None)
            if found is not None:
                self.index[key] = found

    @property
    def usable(self) -> bool:
        has_data = bool({"status", "checkin", "checkout"} & self.index.keys())
        return "employee" in self.index and "date" in self.index and has_data

    def get(self, row: Sequence[object], key: str) -> object:
        i = self.index.get(key)
        return row[i] if i is not None and i < len(row) else None


def _take(rows: Iterator[Any], n: int) -> list[Any]:
    return list(islice(rows, n))


def _decoder_name(raw: IO[bytes], wanted: str) -> str:
    """UTF-8 (BOM or not) unless a byte says otherwise; then GB18030, the superset of
    GBK/GB2312 that Chinese time clocks write. One streaming pass, then rewind."""
    if wanted and wanted != "auto":
        return wanted
    decoder = codecs.getincrementaldecoder("utf-8")()
    name = "utf-8-sig"
    try:
        while chunk := raw.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        name = "gb18030"
    raw.seek(0)
    return name


def _csv_rows(raw: IO[bytes], config: Mapping[str, Any]) -> Iterator[Sequence[object]]:
    text = io.TextIOWrapper(
        raw, encoding=_decoder_name(raw, config.get("encoding", "")), newline=""
    )
    try:
        sample = text.read(8192)
        text.seek(0)
        try:
            dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;")
        except csv.Error:
            dialect = csv.excel
        yield from csv.reader(text, dialect)
    finally:
        text.detach()  # the caller owns (and closes) the underlying file


def _xlsx_rows(raw: IO[bytes], config: Mapping[str, Any]) -> Iterator[Sequence[object]]:
    from openpyxl import load_workbook  # imported here: only XLSX users need it

    book = load_workbook(raw, read_only=True, data_only=True)
    try:
        sheet_name = config.get("sheet")
        if sheet_name and sheet_name not in book.sheetnames:
            raise ConnectorError(f"no sheet named {sheet_name!r} (have {book.sheetnames})")
        sheet = book[sheet_name] if sheet_name else book.worksheets[0]
        yield from sheet.iter_rows(values_only=True)
    finally:
        book.close()


def _rows(raw: IO[bytes], config: Mapping[str, Any], name: str) -> Iterator[Sequence[object]]:
    magic = raw.read(8)
    raw.seek(0)
    if magic.startswith(b"PK\x03\x04"):  # XLSX is a zip, whatever the file is called
        return _xlsx_rows(raw, config)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise ConnectorError(f"{name} is a legacy .xls workbook: save it as .xlsx or CSV")
    return _csv_rows(raw, config)


class TimeclockFile(Connector):
    """Daily attendance facts from a time-clock export file."""

    name = "timeclock_file"
    title = "Time-clock export (考勤机导出文件)"
    version = "1.0"
    kind = "attendance"
    metrics = ATTENDANCE_METRICS
    accepts_upload = True  # config["upload"] (bytes) + config["upload_name"]
    config_fields = (
        ConfigField("export_url", "url", description="Where to download the export; leave "
                    "empty to upload the file instead"),
        ConfigField("late_after", default="09:00", description="Check-in after this is late "
                    "(used when the file has times but no status)"),
        ConfigField("workdays", default="1,2,3,4,5", description="ISO weekdays (1 = Monday) "
                    "on which a row with no status and no times counts as absent"),
        ConfigField("encoding", default="auto", choices=("auto", "utf-8-sig", "gb18030"),
                    description="CSV text encoding; auto tells UTF-8 from GBK/GB18030"),
        ConfigField("sheet", description="XLSX sheet name (default: the first sheet)"),
        ConfigField("employee_column", description="Header of the employee number column "
                    "(comma-separated choices); default 工号/员工编号/employee_no/Employee ID..."),
        ConfigField("date_column", description="Header of the date column; default 日期/date"),
        ConfigField("status_column", description="Header of the status column; default 状态/"
                    "考勤结果/status (正常, 迟到, 旷工/缺勤, 请假, 休息...)"),
        ConfigField("checkin_column", description="Check-in time header; default 上班时间/签到"),
        ConfigField("checkout_column", description="Check-out time header; default 下班时间/签退"),
    )  # fmt: skip

    async def fetch(
        self,
        session: aiohttp.ClientSession,
        config: Mapping[str, Any],
        since: str | None,
        period: Period,
    ) -> AsyncIterator[Record]:
        # ``since`` is ignored: a file is a snapshot; stable source_ids make re-imports
        # update the same facts.
        upload = config.get("upload")
        with tempfile.TemporaryFile() as spool:
            if upload is not None:
                name = str(config.get("upload_name") or "upload")
                data = upload.encode() if isinstance(upload, str) else bytes(upload)
                raw: IO[bytes] = io.BytesIO(data)
            elif config.get("export_url"):
                name = str(config["export_url"]).split("?")[0].rsplit("/", 1)[-1] or "export"
                await _download(session, str(config["export_url"]), spool)
                raw = spool
            else:
                raise ConnectorError("no file: set export_url or upload a file")
            rows = await asyncio.to_thread(_rows, raw, config, name)
            try:
                async for record in _records(rows, config, period, name):
                    yield record
            finally:
                close = getattr(rows, "close", None)
                if close:  # finishes the generator: closes the workbook or text wrapper
                    await asyncio.to_thread(close)

    async def test_connection(
        self, session: aiohttp.ClientSession, config: Mapping[str, Any]
    ) -> None:
        url = config.get("export_url")
        if not url:
            return  # uploads need no connection
        async with session.get(str(url)) as response:
            raise_for_status(response)


async def _download(session: aiohttp.ClientSession, url: str, spool: IO[bytes]) -> None:
    async with session.get(url) as response:
        raise_for_status(response)
        if response.content.at_eof():
            # A session middleware (the engine's retry layer) already read the body.
            spool.write(await response.read())
        else:
            async for chunk in response.content.iter_chunked(CHUNK):
                spool.write(chunk)  # a local temp file: fast enough not to need a thread
    spool.seek(0)


def _settings(config: Mapping[str, Any]) -> tuple[time, set[int]]:
    try:
        late_after = _parse_time(config.get("late_after") or "09:00") or time(9)
        workdays = {int(d) for d in SPLIT.split(str(config.get("workdays") or "1,2,3,4,5")) if d}
    except ValueError as exc:
        raise ConnectorError(f"bad late_after/workdays setting: {exc}") from exc
    return late_after, workdays


def _judge(cols: _Columns, row: Sequence[object], late_after: time, workdays: set[int],
           day: date) -> Day:  # fmt: skip
    status = _cell_text(cols.get(row, "status"))
    if status:  # the clock's own verdict wins (it knows flexible hours and leave)
        return _from_status(status)
    checkin = _parse_time(cols.get(row, "checkin"))
    checkout = _parse_time(cols.get(row, "checkout"))
    working = day.isoweekday() in workdays
    if checkin is None and checkout is None:
        return Day(False, 0, working, working)
    late = 1 if checkin is not None and checkin > late_after else 0
    return Day(True, late, False, working)


async def _header(
    rows: Iterator[Sequence[object]], config: Mapping[str, Any], name: str
) -> tuple[_Columns, list[str], list[Sequence[object]], int]:
    """The header is the first of the top rows naming the needed columns: exports often
    put a title and the date range above it. Returns the columns, the header cells, the
    data rows already read and the header's row number."""
    head = await asyncio.to_thread(_take, rows, PEEK_ROWS)
    for number, row in enumerate(head, start=1):
        cols = _Columns(row, config)
        if cols.usable:
            return cols, [_cell_text(h) for h in row], head[number:], number
    raise ConnectorError(
        f"{name}: no header row with an employee, a date and a status or time column in "
        f"the first {PEEK_ROWS} rows; set employee_column/date_column/status_column"
    )


async def _records(
    rows: Iterator[Sequence[object]], config: Mapping[str, Any], period: Period, name: str
) -> AsyncIterator[Record]:
    late_after, workdays = _settings(config)
    cols, header, batch, number = await _header(rows, config, name)
    seen: set[tuple[str, date]] = set()  # one row per person-day; a second one is an error
    while batch:
        for row in batch:
            number += 1
            if not any(_cell_text(c) for c in row):
                continue  # blank line
            raw: dict[str, Any] = {
                h or f"col{i + 1}": _cell_text(v)
                for i, (h, v) in enumerate(zip(header, row, strict=False))
            }
            raw |= {"_row": number, "_file": name}
            employee = _cell_text(cols.get(row, "employee"))
            try:
                day = _parse_date(cols.get(row, "date"))
            except ValueError as exc:  # no day to judge the period by: surface it anyway
                yield _bad(employee, period.start, raw, str(exc))
                continue
            if day not in period:
                continue
            try:
                if not employee:
                    raise ValueError("no employee number")
                if (employee, day) in seen:
                    raise ValueError(f"second row for {employee} on {day.isoformat()}")
                verdict = _judge(cols, row, late_after, workdays, day)
            except ValueError as exc:
                yield _bad(employee, day, raw, str(exc))
                continue
            seen.add((employee, day))
            for record in day_records(
                "timeclock",
                employee,
                day,
                present=verdict.present,
                late=verdict.late,
                absent=verdict.absent,
                working=verdict.working,
                raw=raw,
            ):
                yield record
        batch = await asyncio.to_thread(_take, rows, BATCH)


def _bad(employee: str, day: date, raw: dict[str, Any], reason: str) -> Record:
    """A row the engine must quarantine: the value is deliberately not a number."""
    raw["_error"] = reason
    message = f"#error: row {raw['_row']}: {reason}"
    source_id = f"timeclock:error:{raw['_file']}:{raw['_row']}"
    return Record(employee, PRESENT_DAYS.key, day, message, source_id, raw=raw)


@hookimpl
def jixiao_register_connectors() -> list[type[Connector]]:
    return [TimeclockFile]
