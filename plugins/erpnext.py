"""ERPNext / Frappe: each salesperson's allocated share of submitted Sales Invoices.

API facts this relies on (links in docs/connectors/rest-and-erp.md):

* ``GET /api/resource/{DocType}`` lists documents as ``{"data": [...]}``; ``fields`` and
  ``filters`` are JSON-encoded query parameters, filters are ``[field, operator, value]``
  lists, paging is ``limit_start`` / ``limit_page_length`` (default page length 20).
* Token auth is the header ``Authorization: token <api_key>:<api_secret>``.
* A child-table field in ``fields`` is written ``<table fieldname>.<child field>``, e.g.
  ``sales_team.sales_person``; Frappe left-joins the child table (``parenttype`` and
  ``parent``), so the list has one row per invoice *and* Sales Team row. That streams page by
  page in one request each, instead of one request per invoice for ``/api/resource/.../name``.
* ``Sales Team.allocated_amount`` is computed by ERPNext from the *net* or the
  commission-eligible amount, so the share is computed here: ``amount_field`` ×
  ``allocated_percentage`` / 100, in the company currency (``base_*`` fields).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from contextlib import suppress
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import aiohttp
from yarl import URL

from plugins import hookimpl
from plugins.contract import ConfigField, Connector, ConnectorError, MetricSpec, Period, Record

INVOICE_ORDER = "`tabSales Invoice`.`name` asc, `tabSales Team`.`idx` asc"
CENT = Decimal("0.01")


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


class ERPNextConnector(Connector):
    name = "erpnext"
    title = "ERPNext / Frappe — sales invoices (销售发票)"
    kind = "erp"
    metrics = (
        MetricSpec(
            "erp.invoice_amount",
            "Invoiced amount (开票金额)",
            "CNY",
            "sum",
            "The salesperson's allocated share of submitted invoices, company currency.",
        ),
        MetricSpec(
            "erp.invoice_count",
            "Invoices (发票数)",
            "count",
            "sum",
            "1 per invoice per salesperson on its Sales Team; returns and cancellations 0.",
        ),
    )
    config_fields = (
        ConfigField("base_url", "url", required=True, description="e.g. https://erp.example.com"),
        ConfigField("api_key", required=True, description="API key of the integration user"),
        ConfigField("api_secret", required=True, secret=True),
        ConfigField("company", description="Only this company's invoices and employees"),
        ConfigField("page_size", "integer", default=500),
        ConfigField(
            "amount_field",
            default="base_grand_total",
            choices=("base_grand_total", "base_net_total"),
            description="Invoice total that is split: with tax (grand) or without (net)",
        ),
    )

    def __init__(self) -> None:
        self._cursor: str | None = None

    def next_cursor(self) -> str | None:
        return self._cursor

    async def fetch(
        self,
        session: aiohttp.ClientSession,
        config: Mapping[str, Any],
        since: str | None,
        period: Period,
    ) -> AsyncIterator[Record]:
        self._cursor = since
        amount_field = config.get("amount_field") or "base_grand_total"
        if amount_field not in ("base_grand_total", "base_net_total"):
            raise ConnectorError(f"amount_field {amount_field!r} is not supported")
        keys = await self._salesperson_keys(session, config)
        # Incremental runs also take cancelled invoices, so that their earlier facts are
        # overwritten with 0 (same source_id); a full run needs only submitted ones.
        docstatus = ["docstatus", "=", 1] if since is None else ["docstatus", "in", [1, 2]]
        filters: list[list[Any]] = [
            docstatus,
            ["posting_date", "between", [period.start.isoformat(), period.end.isoformat()]],
        ]
        if config.get("company"):
            filters.append(["company", "=", config["company"]])
        if since:
            filters.append(["modified", ">", since])
        fields = ["name", "posting_date", "docstatus", "is_return", "modified", amount_field]
        fields += ["sales_team.sales_person", "sales_team.allocated_percentage"]
        rows = self._list(session, config, "Sales Invoice", fields, filters, INVOICE_ORDER)
        async for row in rows:
            modified = str(row.get("modified") or "")
            # Frappe's "YYYY-MM-DD HH:MM:SS.ffffff" sorts as text.
            if modified and (self._cursor is None or modified > self._cursor):
                self._cursor = modified
            if not row.get("sales_person"):
                continue  # no Sales Team on this invoice: nobody to credit
            for record in self._records(row, keys, amount_field, period):
                yield record

    def _records(
        self,
        row: Mapping[str, Any],
        keys: Mapping[str, str | None],
        amount_field: str,
        period: Period,
    ) -> list[Record]:
        """Both metrics for one invoice × salesperson row; malformed rows carry ``_error``."""
        person = str(row["sales_person"])
        source_id = f"{row.get('name')}:{person}"
        day = _date(row.get("posting_date"))
        total = _decimal(row.get(amount_field))
        share = _decimal(row.get("allocated_percentage"))
        key = keys.get(person)
        if day is None or key is None or total is None or share is None:
            if day is None:
                error = f"posting_date is not a date: {row.get('posting_date')!r}"
            elif key is None:
                error = (
                    f"Sales Person {person!r} is not linked to an Employee that has an "
                    "employee number or company e-mail"
                )
            else:
                error = f"{amount_field} or allocated_percentage is not a number"
            raw = {**row, "_error": error}
            return [
                Record(key or "", m.key, day or period.start, "", source_id, raw=raw)
                for m in self.metrics
            ]
        live = row.get("docstatus") == 1
        amount = (total * share / 100).quantize(CENT) if live else Decimal("0.00")
        count = 1 if live and not row.get("is_return") else 0
        return [
            Record(key, "erp.invoice_amount", day, amount, source_id),
            Record(key, "erp.invoice_count", day, count, source_id),
        ]

    async def _salesperson_keys(
        self, session: aiohttp.ClientSession, config: Mapping[str, Any]
    ) -> dict[str, str | None]:
        """Sales Person name → the employee key (employee number, else company e-mail)."""
        employees: dict[str, str] = {}
        fields = ["name", "employee_number", "company_email"]
        async for emp in self._list(session, config, "Employee", fields, [], "name asc"):
            key = str(emp.get("employee_number") or "").strip()
            key = key or str(emp.get("company_email") or "").strip()
            if key:
                employees[str(emp["name"])] = key
        people: dict[str, str | None] = {}
        fields = ["name", "employee"]
        async for person in self._list(session, config, "Sales Person", fields, [], "name asc"):
            people[str(person["name"])] = employees.get(str(person.get("employee") or ""))
        return people

    async def employees(
        self, session: aiohttp.ClientSession, config: Mapping[str, Any]
    ) -> AsyncIterator[dict[str, Any]]:
        """Employee master data, page by page, for syncing the org from ERPNext."""
        fields = ["name", "employee_name", "employee_number", "company_email", "user_id"]
        fields += ["department", "date_of_joining", "status"]
        filters = [["company", "=", config["company"]]] if config.get("company") else []
        async for emp in self._list(session, config, "Employee", fields, filters, "name asc"):
            yield {
                "erp_id": emp.get("name"),
                "employee_number": emp.get("employee_number") or "",
                "name": emp.get("employee_name") or "",
                "email": emp.get("company_email") or "",
                "user_id": emp.get("user_id") or "",
                "department": emp.get("department") or "",
                "date_of_joining": _date(emp.get("date_of_joining")),
                "status": emp.get("status") or "",
            }

    async def test_connection(
        self, session: aiohttp.ClientSession, config: Mapping[str, Any]
    ) -> None:
        body = await self._get(session, config, "api/method/frappe.auth.get_logged_user", {})
        user = body.get("message") if isinstance(body, Mapping) else None
        if not user or user == "Guest":
            raise ConnectorError("ERPNext did not accept the API key and secret (no user)")

    async def _list(
        self,
        session: aiohttp.ClientSession,
        config: Mapping[str, Any],
        doctype: str,
        fields: list[str],
        filters: list[list[Any]],
        order_by: str,
    ) -> AsyncIterator[dict[str, Any]]:
        """All rows of a list query, ``page_size`` at a time, in a stable order."""
        size = int(config.get("page_size") or 500)
        start = 0
        while True:
            params = {
                "fields": json.dumps(fields),
                "filters": json.dumps(filters),
                "order_by": order_by,
                "limit_start": str(start),
                "limit_page_length": str(size),
            }
            body = await self._get(session, config, f"api/resource/{doctype}", params)
            rows = body.get("data") if isinstance(body, Mapping) else None
            if not isinstance(rows, list):
                raise ConnectorError(f"ERPNext answered {doctype} without a data list")
            for row in rows:
                yield row
            if len(rows) < size:  # Frappe returns exactly limit_page_length while more remain
                return
            start += size

    async def _get(
        self,
        session: aiohttp.ClientSession,
        config: Mapping[str, Any],
        path: str,
        params: Mapping[str, str],
    ) -> Any:
        if not (config.get("base_url") and config.get("api_key") and config.get("api_secret")):
            raise ConnectorError("base_url, api_key and api_secret are required")
        url = URL(str(config["base_url"]).rstrip("/") + "/").join(URL(path))
        auth = {"Authorization": f"token {config['api_key']}:{config['api_secret']}"}
        async with session.get(url.update_query(params), headers=auth) as resp:
            if resp.status in (401, 403):
                raise ConnectorError(
                    f"ERPNext refused the API key/secret (HTTP {resp.status}); check that the "
                    "key belongs to an enabled user with read access to Sales Invoice, "
                    "Sales Person and Employee"
                )
            if resp.status in (400, 404, 417):
                # Frappe explains refusals (unknown field, bad filter) in "exception".
                detail = await resp.text()
                with suppress(ValueError, AttributeError):
                    detail = str(json.loads(detail).get("exception") or detail)
                raise ConnectorError(
                    f"ERPNext refused {url.path} (HTTP {resp.status}): {detail[:300]}"
                )
            resp.raise_for_status()  # 5xx, 429, ...: the engine retries
            try:
                return await resp.json(content_type=None)
            except ValueError as exc:
                raise ConnectorError(f"ERPNext {url.path} did not answer JSON") from exc


@hookimpl
def jixiao_register_connectors() -> list[type[Connector]]:
    return [ERPNextConnector]
