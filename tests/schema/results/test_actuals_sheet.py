"""The actuals XLSX round trip: download a department's sheet through a signed link, fill it
with openpyxl, upload it; good rows land, bad rows come back by sheet row, in en and zh, and
the same upload again (same client key) changes nothing.
"""

from __future__ import annotations

import base64
import io
import zipfile
from typing import Any

from openpyxl import load_workbook

from schema.ids import decode
from server.models import Actual, ActualRevision, Employee
from tests.schema.results.support import active_plan

INDICATORS: list[dict[str, Any]] = [
    {"name": "销售额 Revenue", "weight": "40", "target": "10", "dataSource": "sales.revenue"},
    {"name": "新客户数 New customers", "weight": "30", "target": "4", "unit": "个"},
    {"name": "退货率 Returns", "weight": "20", "target": "2", "unit": "%", "direction": "LOWER"},
    {
        "name": "团队协作 Teamwork",
        "weight": "10",
        "qualitative": True,
        "scoring": {"kind": "RATING"},
    },
]
ASSIGN = """mutation Assign($p: ID!, $d: ID!) { assignDepartment(planId: $p, departmentId: $d) {
  rejected { code message } } }"""
LINK = """query Link($p: ID!, $d: ID!) { actualsSheetLink(planId: $p, departmentId: $d) {
  url expiresAt } }"""
UPLOAD = """mutation Upload($p: ID!, $c: String!, $k: String) {
  uploadActualsSheet(planId: $p, contentBase64: $c, clientKey: $k) {
    accepted { row employeeNumber indicatorKey }
    rejected { row employeeNumber indicatorKey cell code reason message }
    skipped replayed } }"""


async def sheet_plan(api: Any, sandbox: Any) -> dict[str, Any]:
    """An ACTIVE plan over 销售一部 with its people (mgr T0006, staff T0007) assigned."""
    plan = await active_plan(api, sandbox, indicators=INDICATORS)
    assigned = await api.gql(
        ASSIGN, {"p": plan["id"], "d": sandbox.ids["sales"]}, as_user=sandbox.user("mgr")
    )
    assert "errors" not in assigned, assigned
    assert assigned["data"]["assignDepartment"]["rejected"] == [], assigned
    return plan


async def download(api: Any, sandbox: Any, plan: dict, lang: str = "en", user: str = "mgr") -> Any:
    link = await api.gql(
        LINK, {"p": plan["id"], "d": sandbox.ids["sales"]}, as_user=sandbox.user(user), lang=lang
    )
    assert "errors" not in link, link
    got = await api.client.get(link["data"]["actualsSheetLink"]["url"])
    assert got.status_code == 200, got.text
    return load_workbook(io.BytesIO(got.content))


def encoded(book: Any) -> str:
    out = io.BytesIO()
    book.save(out)
    return base64.b64encode(out.getvalue()).decode()


async def upload(
    api: Any, sandbox: Any, plan: dict, content: str, key: str | None, lang: str, user: str = "mgr"
) -> dict[str, Any]:
    return await api.gql(
        UPLOAD, {"p": plan["id"], "c": content, "k": key}, as_user=sandbox.user(user), lang=lang
    )


async def test_the_xlsx_round_trip_with_bad_rows(api, make_company, db) -> None:
    sandbox = await make_company()
    plan = await sheet_plan(api, sandbox)
    keys = {i["name"]: i["key"] for i in plan["indicators"]}
    customers, returns = keys["新客户数 New customers"], keys["退货率 Returns"]

    zh = await download(api, sandbox, plan, lang="zh")
    assert [c.value for c in zh.worksheets[0][1]] == [
        "工号",
        "姓名",
        "指标键",
        "指标",
        "单位",
        "目标值",
        "当前值",
        "新值",
        "备注",
    ]
    book = await download(api, sandbox, plan)
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]][7] == "New value"
    assert sheet.column_dimensions["C"].hidden
    assert sheet.protection.sheet and not sheet["H2"].protection.locked
    meta = book["jixiao"]
    assert meta.sheet_state == "veryHidden"
    assert meta["B2"].value == str(decode(plan["id"], "Plan"))
    # one row per person x manual, non-qualitative indicator; no connector, no rating
    assert [tuple(c.value for c in row)[:7] for row in sheet.iter_rows(min_row=2)] == [
        ("T0006", "MGR 测试", customers, "新客户数 New customers", "个", 4, None),
        ("T0006", "MGR 测试", returns, "退货率 Returns", "%", 2, None),
        ("T0007", "STAFF 测试", customers, "新客户数 New customers", "个", 4, None),
        ("T0007", "STAFF 测试", returns, "退货率 Returns", "%", 2, None),
    ]

    sheet["H2"], sheet["I2"] = 5, "季度冲刺"
    sheet["H3"] = "abc"
    sheet["H4"] = " 3 "
    # row 5 stays empty: skipped
    sheet.append(["T0008", "worker", customers, None, None, None, None, 1])  # not his to enter
    sheet.append(["T0007", "staff", None, None, None, None, None, 2])  # no key
    sheet.append(["T0007", "staff", "no-such-key", None, None, None, None, 2])
    sheet.append(["T0007", "staff", keys["销售额 Revenue"], None, None, None, None, 9])
    sheet.append(["T0007", "staff", returns, None, None, None, None, "=1+2"])  # never computed
    content = encoded(book)

    first = await upload(api, sandbox, plan, content, "sheet-1", "zh")
    answer = first["data"]["uploadActualsSheet"]
    assert [(a["row"], a["employeeNumber"]) for a in answer["accepted"]] == [
        (2, "T0006"),
        (4, "T0007"),
    ]
    assert (answer["skipped"], answer["replayed"]) == (1, False)
    rejected = {r["row"]: r for r in answer["rejected"]}
    assert [(row, r["cell"], r["reason"]) for row, r in rejected.items()] == [
        (3, "H3", "SHEET_NOT_A_NUMBER"),
        (6, "A6", "SHEET_UNKNOWN_EMPLOYEE"),
        (7, "C7", "SHEET_MISSING_KEY"),
        (8, "C8", "UNKNOWN_INDICATOR"),
        (9, "C9", "ACTUAL_FROM_CONNECTOR"),
        (10, "H10", "SHEET_FORMULA"),
    ]
    assert rejected[3]["message"] == "H3：“abc”不是数字。"
    assert rejected[6]["message"] == "A6：没有工号为“T0008”的员工。"
    assert rejected[8]["message"].startswith("C8")
    assert all(r["code"] == "BAD_USER_INPUT" for r in rejected.values())

    # the good rows landed, with the note
    staff = await Employee.get(username=sandbox.user("staff"))
    mgr = await Employee.get(username=sandbox.user("mgr"))
    landed = {
        (a.employee_id, a.indicator_key): (a.value, a.note, a.source)
        for a in await Actual.filter(plan_id=decode(plan["id"], "Plan"))
    }
    assert landed == {
        (mgr.id, customers): (5, "季度冲刺", "manual"),
        (staff.id, customers): (3, "", "manual"),
    }
    revisions = await ActualRevision.filter(actual__plan_id=decode(plan["id"], "Plan")).count()

    # the same sheet again with the same key: nothing changes, the same answer (in English)
    again = (await upload(api, sandbox, plan, content, "sheet-1", "en"))["data"]
    assert again["uploadActualsSheet"]["replayed"] is True
    assert again["uploadActualsSheet"]["accepted"] == answer["accepted"]
    en = {r["row"]: r["message"] for r in again["uploadActualsSheet"]["rejected"]}
    assert en[3] == "H3: “abc” is not a number."
    assert en[6] == "A6: no employee has the number “T0008”."
    assert en[7].startswith("C7 is empty")
    assert en[10].startswith("H10 holds a formula without a computed value")
    assert await ActualRevision.filter(actual__plan_id=decode(plan["id"], "Plan")).count() == (
        revisions
    )

    # the next download shows the current values
    fresh = (await download(api, sandbox, plan)).worksheets[0]
    assert [row[6].value for row in fresh.iter_rows(min_row=2)] == [5, None, 3, None]


async def test_a_formula_counts_with_the_value_excel_saved(api, make_company, db) -> None:
    """A sheet saved by Excel keeps each formula's computed value: that value is recorded."""
    sandbox = await make_company()
    plan = await sheet_plan(api, sandbox)
    book = await download(api, sandbox, plan)
    book.worksheets[0]["H4"] = "=1+1"
    out = io.BytesIO()
    book.save(out)
    # What Excel writes: the formula with its cached value <v>2</v>.
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    patched = io.BytesIO()
    with zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item.filename, data.replace(b"<f>1+1</f><v />", b"<f>1+1</f><v>2</v>"))
    assert b"<v>2</v>" in zipfile.ZipFile(patched).read(
        next(n for n in source.namelist() if b"<f>1+1</f>" in source.read(n))
    )
    content = base64.b64encode(patched.getvalue()).decode()
    answer = (await upload(api, sandbox, plan, content, None, "en"))["data"]["uploadActualsSheet"]
    assert [a["row"] for a in answer["accepted"]] == [4]
    staff = await Employee.get(username=sandbox.user("staff"))
    assert [a.value for a in await Actual.filter(employee_id=staff.id)] == [2]
