"""Time-clock export connector: CSV (UTF-8/BOM, GBK) and XLSX, uploaded or downloaded."""

from __future__ import annotations

import io
from datetime import date, datetime, time
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from openpyxl import Workbook

from plugins.contract import ConnectorError, Period, Record
from plugins.timeclock_file import TimeclockFile, jixiao_register_connectors
from tests.plugins.loopback import serve

MAY = Period(date(2024, 5, 1), date(2024, 5, 31))
METRICS = ("present_days", "late_count", "absent_days", "rate")


async def collect(config: dict[str, Any], period: Period = MAY) -> list[Record]:
    async with aiohttp.ClientSession() as session:
        return [r async for r in TimeclockFile().fetch(session, config, None, period)]


def good(records: list[Record]) -> dict[tuple[str, date], tuple[Any, ...]]:
    """(employee, day) -> (present, late, absent, rate) of the rows that parsed."""
    out: dict[tuple[str, date], dict[str, Any]] = {}
    for r in records:
        if "_error" not in r.raw:
            out.setdefault((r.employee_key, r.day), {})[r.metric] = r.value
    return {k: tuple(v.get(f"attendance.{m}") for m in METRICS) for k, v in out.items()}


def bad(records: list[Record]) -> list[Record]:
    return [r for r in records if "_error" in r.raw]


def upload(text: str, codec: str, name: str = "kaoqin.csv", **extra: Any) -> dict[str, Any]:
    return {"upload": text.encode(codec), "upload_name": name, **extra}


STATUS_CSV = """工号,姓名,日期,状态
T0001,张三,2024-05-06,正常
T0001,张三,2024/5/7,迟到
T0001,张三,2024.05.08,旷工
T0001,张三,2024年5月9日,事假
T0001,张三,20240511,休息
T0002,李四,2024-05-06,"迟到,早退"
T0002,李四,2024-05-07,缺卡
"""


async def test_utf8_bom_csv_with_status_column() -> None:
    records = await collect(upload(STATUS_CSV, "utf-8-sig"))
    got = good(records)
    assert got[("T0001", date(2024, 5, 6))] == (1, 0, 0, 1.0)
    assert got[("T0001", date(2024, 5, 7))] == (1, 1, 0, 1.0)
    assert got[("T0001", date(2024, 5, 8))] == (0, 0, 1, 0.0)
    assert got[("T0001", date(2024, 5, 9))] == (0, 0, 0, 0.0)  # leave: not present, not absent
    assert got[("T0001", date(2024, 5, 11))] == (0, 0, 0, None)  # rest day: no rate
    assert got[("T0002", date(2024, 5, 6))] == (1, 1, 0, 1.0)
    assert got[("T0002", date(2024, 5, 7))] == (0, 0, 1, 0.0)
    assert bad(records) == []
    ids = [r.source_id for r in records]
    assert "timeclock:T0001:2024-05-07:attendance.late_count" in ids and len(set(ids)) == len(ids)
    first = next(r for r in records if r.day == date(2024, 5, 6))
    assert first.raw["姓名"] == "张三" and first.raw["_row"] == 2


async def test_utf8_without_bom_and_tab_separated() -> None:
    records = await collect(
        upload(STATUS_CSV.replace(",", "\t").replace('"迟到\t早退"', "迟到"), "utf-8")
    )
    assert good(records)[("T0001", date(2024, 5, 7))] == (1, 1, 0, 1.0)


GBK_TIMES = """考勤报表 2024年05月
统计区间,2024-05-01 至 2024-05-31
员工编号,姓名,部门,考勤日期,上班时间,下班时间
1001,王五,装配车间,2024-05-06,08:58,18:01
1001,王五,装配车间,2024-05-07,09:01:30,18:00
1001,王五,装配车间,2024-05-08,,
1001,王五,装配车间,2024-05-09,,17:30
1001,王五,装配车间,2024-05-11,,
1001,王五,装配车间,2024-05-12,10:00,15:00
"""


async def test_gbk_csv_with_times_a_title_above_the_header_and_late_after() -> None:
    config = upload(GBK_TIMES, "gbk", late_after="09:00")
    records = await collect(config)
    got = good(records)
    assert got[("1001", date(2024, 5, 6))] == (1, 0, 0, 1.0)
    assert got[("1001", date(2024, 5, 7))] == (1, 1, 0, 1.0)  # 09:01:30 is after 09:00
    assert got[("1001", date(2024, 5, 8))] == (0, 0, 1, 0.0)  # Wednesday, no punches
    assert got[("1001", date(2024, 5, 9))] == (1, 0, 0, 1.0)  # checked out only
    assert got[("1001", date(2024, 5, 11))] == (0, 0, 0, None)  # Saturday, no punches
    assert got[("1001", date(2024, 5, 12))] == (1, 1, 0, None)  # Sunday overtime: no rate
    assert bad(records) == []
    assert next(iter(records)).raw["_row"] == 4  # physical row numbers, title lines counted

    later = await collect({**config, "late_after": "09:05"})
    assert good(later)[("1001", date(2024, 5, 7))] == (1, 0, 0, 1.0)
    gb18030 = await collect(upload(GBK_TIMES, "gb18030", encoding="gb18030"))
    assert good(gb18030) == got


def xlsx_bytes() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Attendance"
    sheet.append(["Employee ID", "Name", "Date", "Check In", "Check Out", "Status"])
    sheet.append([1001, "Wang", datetime(2024, 5, 6), time(8, 59), time(18, 0), None])
    sheet.append([1001, "Wang", datetime(2024, 5, 7), time(9, 30), time(18, 0), None])
    sheet.append([1002, "Li", datetime(2024, 5, 6), None, None, "Leave"])
    sheet.append([1002, "Li", "2024-05-07", "08:30", "17:30", "Normal"])
    sheet.append([None, None, None, None, None, None])  # blank line: skipped
    sheet.append([1002, "Li", datetime(2024, 6, 3), time(8, 0), time(17, 0), None])  # June
    sheet.append([1003, "Zhao", "next Tuesday", time(8, 0), time(17, 0), None])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def test_xlsx_generated_with_openpyxl() -> None:
    # Named .csv on purpose: the content, not the name, decides the format.
    records = await collect({"upload": xlsx_bytes(), "upload_name": "export.csv"})
    got = good(records)
    assert got == {
        ("1001", date(2024, 5, 6)): (1, 0, 0, 1.0),
        ("1001", date(2024, 5, 7)): (1, 1, 0, 1.0),
        ("1002", date(2024, 5, 6)): (0, 0, 0, 0.0),
        ("1002", date(2024, 5, 7)): (1, 0, 0, 1.0),
    }
    [error] = bad(records)
    assert error.raw["_row"] == 8 and "next Tuesday" in error.raw["_error"]
    assert error.raw["Name"] == "Zhao"


async def test_rows_that_cannot_be_parsed_are_surfaced_with_reasons() -> None:
    text = STATUS_CSV + (
        "T0003,赵六,2024-13-45,正常\n"  # row 9: no such date
        "T0003,赵六,2024-05-06,摸鱼\n"  # row 10: unknown status
        ",无名,2024-05-06,正常\n"  # row 11: no employee number
        "T0001,张三,2024-05-06,正常\n"  # row 12: second row for the same person-day
        "T0003,赵六,2024-04-30,摸鱼\n"  # outside the period: not ours to judge
    )
    records = await collect(upload(text, "utf-8-sig"))
    errors = {r.raw["_row"]: r for r in bad(records)}
    assert sorted(errors) == [9, 10, 11, 12]
    assert "2024-13-45" in errors[9].raw["_error"] and errors[9].day == MAY.start
    assert "摸鱼" in errors[10].raw["_error"]
    assert errors[11].raw["_error"] == "no employee number"
    assert "second row" in errors[12].raw["_error"]
    for r in errors.values():
        assert isinstance(r.value, str) and r.value.startswith("#error: row ")
        assert r.metric == "attendance.present_days"
        assert r.raw["_file"] == "kaoqin.csv"
        with pytest.raises(ValueError):  # the engine must not be able to read a number
            float(r.value)
    assert len({r.source_id for r in errors.values()}) == 4
    assert ("T0001", date(2024, 5, 6)) in good(records)  # the good rows still count


async def test_bad_times_are_surfaced() -> None:
    text = "工号,日期,上班时间,下班时间\nA1,2024-05-06,25:00,18:00\nA1,2024-05-07,早上,18:00\n"
    errors = bad(await collect(upload(text, "utf-8")))
    assert [(r.raw["_row"], r.raw["_error"]) for r in errors] == [
        (2, "unreadable time '25:00': hour must be in 0..23"),
        (3, "unreadable time '早上': expected e.g. 08:59"),
    ]


async def test_only_rows_inside_the_period() -> None:
    records = await collect(upload(STATUS_CSV, "utf-8"), Period(date(2024, 5, 7), date(2024, 5, 8)))
    assert {r.day for r in records} == {date(2024, 5, 7), date(2024, 5, 8)}


async def test_many_rows_cross_batches_with_exact_row_numbers() -> None:
    lines = ["工号,日期,状态"] + [f"E{n:05d},2024-05-06,正常" for n in range(1, 3001)]
    lines[2500 - 1] = "E02499,2024-05-06,???"  # physical row 2500
    records = await collect(upload("\n".join(lines), "utf-8"))
    [error] = bad(records)
    assert error.raw["_row"] == 2500 and error.employee_key == "E02499"
    assert len(good(records)) == 2999


async def test_download_from_export_url() -> None:
    hits: list[str] = []

    async def export(request: web.Request) -> web.StreamResponse:
        hits.append(request.query.get("sig", ""))
        response = web.StreamResponse(headers={"Content-Type": "text/csv"})
        await response.prepare(request)
        body = GBK_TIMES.encode("gbk")
        for i in range(0, len(body), 50):  # dribble it out in small chunks
            await response.write(body[i : i + 50])
        await response.write_eof()
        return response

    app = web.Application()
    app.router.add_get("/exports/may.csv", export)
    async with serve(app) as base:
        config = {"export_url": f"{base}/exports/may.csv?sig=abc"}
        records = await collect(config)
        assert hits == ["abc"]
        assert good(records)[("1001", date(2024, 5, 7))] == (1, 1, 0, 1.0)
        async with aiohttp.ClientSession() as session:
            await TimeclockFile().test_connection(session, config)
            with pytest.raises(aiohttp.ClientResponseError) as caught:
                await TimeclockFile().test_connection(
                    session, {"export_url": f"{base}/nope?sig=abc"}
                )
            assert caught.value.status == 404 and "sig=abc" not in str(caught.value)
        with pytest.raises(aiohttp.ClientResponseError):
            await collect({"export_url": f"{base}/missing.csv"})


async def test_download_when_a_session_middleware_already_read_the_body() -> None:
    async def export(request: web.Request) -> web.Response:
        return web.Response(body=GBK_TIMES.encode("gbk"), content_type="text/csv")

    async def reading(
        request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
    ) -> aiohttp.ClientResponse:
        response = await handler(request)
        await response.read()  # as the sync engine's retry middleware does
        return response

    app = web.Application()
    app.router.add_get("/may.csv", export)
    async with serve(app) as base, aiohttp.ClientSession(middlewares=(reading,)) as session:
        records = [
            r
            async for r in TimeclockFile().fetch(
                session, {"export_url": f"{base}/may.csv"}, None, MAY
            )
        ]
    assert good(records)[("1001", date(2024, 5, 7))] == (1, 1, 0, 1.0)


async def test_unusable_files_raise_connector_error() -> None:
    with pytest.raises(ConnectorError, match="no header row"):
        await collect(upload("a,b,c\n1,2,3\n", "utf-8"))
    with pytest.raises(ConnectorError, match=r"legacy \.xls"):
        await collect(
            {"upload": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "upload_name": "old.xls"}
        )
    with pytest.raises(ConnectorError, match="export_url"):
        await collect({})
    with pytest.raises(ConnectorError, match="no sheet"):
        await collect({"upload": xlsx_bytes(), "sheet": "Sheet9"})


async def test_custom_column_names() -> None:
    text = "Badge,Day,Result\nB7,2024-05-06,迟到\n"
    records = await collect(
        upload(text, "utf-8", employee_column="Badge", date_column="Day", status_column="Result")
    )
    assert good(records) == {("B7", date(2024, 5, 6)): (1, 1, 0, 1.0)}


def test_registration() -> None:
    assert jixiao_register_connectors() == [TimeclockFile]
    assert TimeclockFile.name == "timeclock_file" and TimeclockFile.kind == "attendance"
    assert TimeclockFile.accepts_upload is True
