"""The ERPNext connector against a small Frappe REST look-alike on 127.0.0.1.

The fake implements what the connector relies on, as Frappe does it: ``/api/resource/{DocType}``
with JSON ``fields`` and ``filters``, ``limit_start`` / ``limit_page_length`` paging (default
20), child-table fields (``sales_team.sales_person``) as a left join with one row per child
row, the ``Authorization: token key:secret`` check, and ``frappe.auth.get_logged_user``.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from plugins.contract import ConnectorError, Period, Record
from plugins.erpnext import INVOICE_ORDER, ERPNextConnector, jixiao_register_connectors
from tests.plugins.loopback import serve

MAY = Period(date(2024, 5, 1), date(2024, 5, 31))
TOKEN = "token key1:secret1"
CO = "Jixiao Co"

EMPLOYEES = [
    {"name": "HR-EMP-0001", "employee_number": "T0001", "company_email": "zs@corp.example.com"},
    {"name": "HR-EMP-0002", "employee_number": "", "company_email": "lisi@corp.example.com"},
    {"name": "HR-EMP-0003", "employee_number": "T0003", "company_email": None},
    {"name": "HR-EMP-0004", "employee_number": None, "company_email": None},
    {"name": "HR-EMP-0005", "employee_number": "T0005", "company": "Other Co"},
]
for _i, _e in enumerate(EMPLOYEES, start=1):
    _e.setdefault("company", CO)
    _e.update(employee_name=f"员工{_i}", user_id=f"u{_i}@corp.example.com", status="Active")
    _e.update(department="销售部 - JC", date_of_joining=f"2020-0{_i}-01")

SALES_PERSONS = [
    {"name": "Sales Team", "employee": None},  # the tree's root group
    {"name": "张三", "employee": "HR-EMP-0001"},
    {"name": "李四", "employee": "HR-EMP-0002"},
    {"name": "王五", "employee": "HR-EMP-0003"},
    {"name": "赵六", "employee": "HR-EMP-0004"},
]


def invoice(n: int, day: str, status: int, total: str, team: list[tuple[str, float]], **kw: Any):
    return {
        "name": f"ACC-SINV-2024-{n:05d}",
        "posting_date": day,
        "docstatus": status,
        "is_return": 0,
        "company": CO,
        "base_grand_total": float(total),
        "base_net_total": float(Decimal(total) / Decimal("1.13")),
        "modified": f"2024-05-{n + 10:02d} 10:00:00.000000",
        "sales_team": [
            {"idx": i, "sales_person": p, "allocated_percentage": pct}
            for i, (p, pct) in enumerate(team, start=1)
        ],
        **kw,
    }


INVOICES = [
    invoice(1, "2024-05-03", 1, "11300", [("张三", 60), ("李四", 40)]),
    invoice(2, "2024-05-10", 1, "5000", [("王五", 100)]),
    invoice(3, "2024-05-12", 0, "999", [("张三", 100)]),  # draft
    invoice(4, "2024-04-28", 1, "777", [("张三", 100)]),  # April
    invoice(5, "2024-05-15", 2, "3000", [("王五", 100)]),  # cancelled
    invoice(6, "2024-05-16", 1, "100", []),  # nobody on the Sales Team
    invoice(7, "2024-05-17", 1, "-1130", [("张三", 100)], is_return=1),  # credit note
    invoice(8, "2024-05-18", 1, "888", [("王五", 100)], company="Other Co"),
    invoice(9, "2024-05-19", 1, "200", [("赵六", 100)]),  # no employee key
]


def matches(row: dict[str, Any], condition: list[Any]) -> bool:
    field, op, value = condition
    have = row.get(field)
    if op == "=":
        return have == value
    if op == "in":
        return have in value
    if op == ">":
        return str(have) > str(value)
    if op == "between":
        return value[0] <= str(have) <= value[1]
    raise ValueError(op)


class FakeFrappe:
    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.app = web.Application()
        self.app.router.add_get("/api/resource/{doctype}", self.resource)
        self.app.router.add_get("/api/method/frappe.auth.get_logged_user", self.logged_user)

    @staticmethod
    def refused(request: web.Request) -> web.Response | None:
        if request.headers.get("Authorization") == TOKEN:
            return None
        body = {"exc_type": "AuthenticationError", "exception": "Invalid API key"}
        return web.json_response(body, status=401)

    async def logged_user(self, request: web.Request) -> web.Response:
        return self.refused(request) or web.json_response({"message": "api@corp.example.com"})

    async def resource(self, request: web.Request) -> web.Response:
        if refused := self.refused(request):
            return refused
        doctype = request.match_info["doctype"]
        self.requests.append((doctype, dict(request.query)))
        fields = json.loads(request.query.get("fields", '["name"]'))
        filters = json.loads(request.query.get("filters", "[]"))
        start = int(request.query.get("limit_start", "0"))
        length = int(request.query.get("limit_page_length", "20"))
        source = {"Employee": EMPLOYEES, "Sales Person": SALES_PERSONS, "Sales Invoice": INVOICES}
        try:
            rows = [r for r in source[doctype] if all(matches(r, f) for f in filters)]
        except ValueError as exc:
            return web.json_response({"exception": f"unknown operator {exc}"}, status=417)
        if any(f.startswith("sales_team.") for f in fields):
            # Left join on the child table: one row per Sales Team row, or one with nulls.
            rows = [
                {**r, **child}
                for r in rows
                for child in (r["sales_team"] or [{"sales_person": None}])
            ]
        keys = [f.split(".", 1)[-1] for f in fields]
        page = rows[start : start + length]
        return web.json_response({"data": [{k: r.get(k) for k in keys} for r in page]})


def config(base: str, **extra: Any) -> dict[str, Any]:
    return {"base_url": base, "api_key": "key1", "api_secret": "secret1", **extra}


async def run(connector: ERPNextConnector, cfg: dict[str, Any], since: str | None = None):
    async with aiohttp.ClientSession() as session:
        return [r async for r in connector.fetch(session, cfg, since, MAY)]


def values(records: list[Record]) -> dict[tuple[str, str, str], Any]:
    return {(r.source_id, r.employee_key, r.metric): r.value for r in records if not r.raw}


async def test_full_run_splits_invoices_by_allocation_and_resolves_employees() -> None:
    fake = FakeFrappe()
    connector = ERPNextConnector()
    async with serve(fake.app) as base:
        records = await run(connector, config(base, company=CO, page_size=2))

    assert values(records) == {
        ("ACC-SINV-2024-00001:张三", "T0001", "erp.invoice_amount"): Decimal("6780.00"),
        ("ACC-SINV-2024-00001:张三", "T0001", "erp.invoice_count"): 1,
        ("ACC-SINV-2024-00001:李四", "lisi@corp.example.com", "erp.invoice_amount"): Decimal(
            "4520.00"
        ),
        ("ACC-SINV-2024-00001:李四", "lisi@corp.example.com", "erp.invoice_count"): 1,
        ("ACC-SINV-2024-00002:王五", "T0003", "erp.invoice_amount"): Decimal("5000.00"),
        ("ACC-SINV-2024-00002:王五", "T0003", "erp.invoice_count"): 1,
        ("ACC-SINV-2024-00007:张三", "T0001", "erp.invoice_amount"): Decimal("-1130.00"),
        ("ACC-SINV-2024-00007:张三", "T0001", "erp.invoice_count"): 0,
    }
    assert {r.day for r in records if r.source_id.endswith("00001:张三")} == {date(2024, 5, 3)}
    broken = [r for r in records if r.raw]
    assert [(r.source_id, r.employee_key, r.value) for r in broken] == [
        ("ACC-SINV-2024-00009:赵六", "", ""),
        ("ACC-SINV-2024-00009:赵六", "", ""),
    ]
    assert "赵六" in broken[0].raw["_error"]
    assert connector.next_cursor() == "2024-05-19 10:00:00.000000"

    invoice_queries = [q for doctype, q in fake.requests if doctype == "Sales Invoice"]
    # 6 joined rows (two for invoice 1, a null one for invoice 6) in pages of 2, then empty.
    assert [q["limit_start"] for q in invoice_queries] == ["0", "2", "4", "6"]
    assert {q["limit_page_length"] for q in invoice_queries} == {"2"}
    assert json.loads(invoice_queries[0]["filters"]) == [
        ["docstatus", "=", 1],
        ["posting_date", "between", ["2024-05-01", "2024-05-31"]],
        ["company", "=", CO],
    ]
    assert "sales_team.sales_person" in json.loads(invoice_queries[0]["fields"])
    assert invoice_queries[0]["order_by"] == INVOICE_ORDER
    # Master data is read once per run, paged like everything else.
    employee_starts = [q["limit_start"] for d, q in fake.requests if d == "Employee"]
    assert employee_starts == ["0", "2", "4"]
    assert [d for d, _ in fake.requests].count("Sales Person") == 3


async def test_incremental_run_filters_on_modified_and_zeroes_cancelled() -> None:
    fake = FakeFrappe()
    connector = ERPNextConnector()
    async with serve(fake.app) as base:
        cfg = config(base, company=CO, amount_field="base_net_total")
        records = await run(connector, cfg, since="2024-05-14 00:00:00")

    got = values(records)
    assert got["ACC-SINV-2024-00005:王五", "T0003", "erp.invoice_amount"] == Decimal("0.00")
    assert got["ACC-SINV-2024-00005:王五", "T0003", "erp.invoice_count"] == 0
    assert got["ACC-SINV-2024-00007:张三", "T0001", "erp.invoice_amount"] == Decimal("-1000.00")
    assert {r.source_id.split(":")[0][-1] for r in records} == {"5", "7", "9"}
    assert connector.next_cursor() == "2024-05-19 10:00:00.000000"
    sent = json.loads(next(q for d, q in fake.requests if d == "Sales Invoice")["filters"])
    assert ["docstatus", "in", [1, 2]] in sent
    assert ["modified", ">", "2024-05-14 00:00:00"] in sent

    # Nothing newer: the cursor stays where it was instead of resetting to a full run.
    async with serve(FakeFrappe().app) as base:
        assert await run(connector, config(base), since="2024-06-01 00:00:00") == []
    assert connector.next_cursor() == "2024-06-01 00:00:00"


async def test_employees_are_paged_and_filtered_by_company() -> None:
    fake = FakeFrappe()
    async with serve(fake.app) as base, aiohttp.ClientSession() as session:
        cfg = config(base, company=CO, page_size=2)
        people = [e async for e in ERPNextConnector().employees(session, cfg)]

    assert [p["erp_id"] for p in people] == [f"HR-EMP-000{i}" for i in range(1, 5)]
    assert people[1] == {
        "erp_id": "HR-EMP-0002",
        "employee_number": "",
        "name": "员工2",
        "email": "lisi@corp.example.com",
        "user_id": "u2@corp.example.com",
        "department": "销售部 - JC",
        "date_of_joining": date(2020, 2, 1),
        "status": "Active",
    }
    assert [q["limit_start"] for _, q in fake.requests] == ["0", "2", "4"]
    assert {q["filters"] for _, q in fake.requests} == {json.dumps([["company", "=", CO]])}


async def test_wrong_token_is_a_clear_connector_error() -> None:
    fake = FakeFrappe()
    async with serve(fake.app) as base, aiohttp.ClientSession() as session:
        await ERPNextConnector().test_connection(session, config(base))
        bad = config(base, api_secret="wrong")
        with pytest.raises(ConnectorError, match=r"refused the API key/secret \(HTTP 401\)"):
            await ERPNextConnector().test_connection(session, bad)
        with pytest.raises(ConnectorError, match="HTTP 401"):
            await run(ERPNextConnector(), bad)
        with pytest.raises(ConnectorError, match="required"):
            await ERPNextConnector().test_connection(session, {"base_url": base})
    assert fake.requests == []


def test_registration_and_declared_fields() -> None:
    assert jixiao_register_connectors() == [ERPNextConnector]
    assert (ERPNextConnector.name, ERPNextConnector.kind) == ("erpnext", "erp")
    specs = {m.key: (m.unit, m.aggregation) for m in ERPNextConnector.metrics}
    assert specs == {"erp.invoice_amount": ("CNY", "sum"), "erp.invoice_count": ("count", "sum")}
    secret = {f.name for f in ERPNextConnector.config_fields if f.secret}
    assert secret == {"api_secret"}
