"""The employee report as files, through ``employeeReportLink`` and ``GET /downloads/{token}``:
an XLSX openpyxl reads with the numbers in it, a printable HTML page with every text escaped.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

from tests.schema.results.test_employee_report import (
    MONTHS,
    STAFF_NAME,
    Scene,
    _month_end,
    make_scene,
)

LINK = """query Link($e: ID!, $s: Date!, $t: Date!, $f: ReportFormat!) {
  employeeReportLink(employeeId: $e, periodStart: $s, periodEnd: $t, format: $f) {
    url expiresAt } }"""


async def _link(scene: Scene, user: str, fmt: str, lang: str = "en", person: str = "staff") -> Any:
    start = MONTHS["dec"]
    variables = {
        "e": scene.id(person),
        "s": start.isoformat(),
        "t": _month_end(start).isoformat(),
        "f": fmt,
    }
    return await scene.api.gql(LINK, variables, as_user=scene.sandbox.user(user), lang=lang)


async def _download(scene: Scene, user: str, fmt: str, lang: str = "en") -> Any:
    found = await _link(scene, user, fmt, lang)
    assert "errors" not in found, found
    got = await scene.api.client.get(found["data"]["employeeReportLink"]["url"])
    assert got.status_code == 200, got.text
    return got


async def test_the_report_as_xlsx_holds_the_numbers(api, make_company, db) -> None:
    scene = await make_scene(api, make_company)
    got = await _download(scene, "mgr", "XLSX")
    assert got.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert got.headers["content-disposition"].startswith("attachment; ")
    assert "2026-12-01_2026-12-31" in got.headers["content-disposition"]
    book = load_workbook(io.BytesIO(got.content))
    assert book.sheetnames == ["Summary", "Indicators", "Trend"]
    summary = [[c for c in row if c is not None] for row in book["Summary"].values]
    assert ["Employee", STAFF_NAME] in summary
    plan_row = next(r for r in summary if r and r[0] == "销售一部 2026-12 绩效计划")
    assert plan_row[2:5] == [66, "Fail", "2 of 3"]
    assert any(r and str(r[0]).startswith("The total fell 28 points") for r in summary)
    lines = list(book["Indicators"].values)
    assert lines[0][:8] == (
        "Plan",
        "Indicator",
        "Unit",
        "Weight %",
        "Target",
        "Actual",
        "Completion %",
        "Score",
    )
    assert [row[1:8] for row in lines[1:]] == [
        ("销售额 Revenue", "万元", 60, 10, 6, 60, 60),
        ("新客户数 New customers", "个", 40, 4, 3, 75, 75),
    ]
    trend = [row for row in book["Trend"].values][1:]
    assert [(row[2], row[3]) for row in trend] == [
        (100, "Excellent"),
        (94, "Excellent"),
        (66, "Fail"),
    ]
    # a name that looks like a formula stays text
    assert all(cell.data_type != "f" for row in book["Summary"].iter_rows() for cell in row)

    zh = load_workbook(io.BytesIO((await _download(scene, "mgr", "XLSX", "zh")).content))
    assert zh.sheetnames == ["概要", "指标", "趋势"]
    assert ["员工", STAFF_NAME] in [[c for c in r if c is not None] for r in zh["概要"].values]


async def test_the_report_as_html_is_printable_and_escaped(api, make_company, db) -> None:
    scene = await make_scene(api, make_company)
    got = await _download(scene, "mgr", "HTML", "zh")
    assert got.headers["content-type"] == "text/html; charset=utf-8"
    assert got.headers["content-disposition"].startswith("inline; ")
    policy = got.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    page = got.text
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page
    assert "@media print" in page and "<link" not in page  # self-contained
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#x27;孙&#x27;)&lt;/script&gt; 孙婷" in page
    assert "绩效报告" in page and "不合格" in page and "第 2 名，共 3 人" in page
    assert "总分较上期" in page
    en = (await _download(scene, "mgr", "HTML", "en")).text
    assert '<html lang="en">' in en and "Performance report" in en and "2 of 3" in en
    # the employee's own page has no rank
    await scene.release("dec")
    own = (await _download(scene, "staff", "HTML")).text
    assert "Rank in the department" not in own and "66" in own


async def test_no_link_for_a_report_out_of_sight(api, make_company, db) -> None:
    scene = await make_scene(api, make_company)
    early = await _link(scene, "staff", "HTML")  # not yet published
    assert early["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    stranger = await _link(scene, "worker", "XLSX")
    assert stranger["errors"][0]["extensions"]["code"] == "NOT_FOUND"
