"""Generic REST/JSON connector for a CRM or MES, with a sales and a production preset.

One implementation (``RestJsonConnector``) is driven entirely by config: where the list sits
in the response, which item fields hold the employee, the date, the id and each metric, how
to authenticate and how to page. The presets (``rest_sales``, ``rest_production``) change
only the name, kind, metrics and default field values. docs/connectors/rest-and-erp.md has
the tenant-facing description and an example config.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncGenerator, AsyncIterator, Iterator, Mapping
from contextlib import aclosing
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import aiohttp
from yarl import URL

from plugins import hookimpl
from plugins.contract import ConfigField, Connector, ConnectorError, MetricSpec, Period, Record

PAGINATION = ("none", "page", "cursor", "link")
AUTH = ("none", "bearer", "api_key_header", "api_key_query")


def _fields(**defaults: Any) -> tuple[ConfigField, ...]:
    """The config fields; presets pass other defaults (the only thing they change)."""
    d: dict[str, Any] = {
        "path": "",
        "records_path": "data",
        "employee_field": "employee",
        "date_field": "date",
        "id_field": "id",
        "metrics_map": {},
        **defaults,
    }
    return (
        ConfigField("base_url", "url", required=True, description="e.g. https://crm.example.com"),
        ConfigField("path", default=d["path"], description="e.g. /api/v1/deals"),
        ConfigField(
            "query",
            "object",
            default={},
            description="Extra query parameters; string values may use {start}, {end} "
            "(ISO dates of the period) and {since} (the incremental cursor, '' when none).",
        ),
        ConfigField("records_path", default=d["records_path"], description='"" = the body'),
        ConfigField("employee_field", default=d["employee_field"], description="Dot path."),
        ConfigField(
            "employee_map",
            "object",
            default={},
            description="Optional: source value → employee key (e.g. a line code → its lead's "
            "employee number). Values not in the map are passed on unchanged.",
        ),
        ConfigField("date_field", default=d["date_field"], description="ISO date or datetime."),
        ConfigField("id_field", default=d["id_field"], description='"" = employee + day'),
        ConfigField("updated_field", description="Optional dot path to a last-modified value."),
        ConfigField("metrics_map", "object", default=d["metrics_map"], description="key → path"),
        ConfigField("pagination", default="none", choices=PAGINATION),
        ConfigField("page_param", default="page"),
        ConfigField("size_param", default="page_size"),
        ConfigField("page_size", "integer", default=100),
        ConfigField("first_page", "integer", default=1),
        ConfigField("cursor_param", default="cursor"),
        ConfigField("next_cursor_path", default="next_cursor"),
        ConfigField("next_link_path", default="next", description="Same origin only."),
        ConfigField("auth", default="none", choices=AUTH),
        ConfigField("token", secret=True, description="Bearer token or API key."),
        ConfigField("api_key_name", default="X-API-Key", description="Header or query name."),
        ConfigField("max_pages", "integer", default=1000, description="Safety cap per run."),
    )


def _get_path(obj: Any, path: str) -> Any:
    """``a.b.0.c`` into nested dicts and lists; None when any step is missing."""
    if not path:
        return obj
    for step in path.split("."):
        if isinstance(obj, Mapping):
            obj = obj.get(step)
        elif isinstance(obj, list) and step.isdigit() and int(step) < len(obj):
            obj = obj[int(step)]
        else:
            return None
    return obj


def _number(value: Any) -> Decimal | None:
    """A finite Decimal, or None when the value is not a number (bools are not numbers)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        text = str(value)
    elif isinstance(value, str):
        # Chinese and English systems both group thousands with commas: "1,234.50".
        text = value.replace(",", "").strip()
    else:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _day(value: Any) -> date | None:
    """The date part of an ISO date or datetime, in the offset the source gave.

    Deliberately no conversion to the tenant's zone: "2024-05-31T23:30:00+08:00" is May 31,
    as the source system (set up for the same tenant) showed it.
    """
    try:
        return datetime.fromisoformat(value.strip()).date() if isinstance(value, str) else None
    except ValueError:
        return None


def _order_key(value: Any) -> tuple[int, Any]:
    """Comparable form of an ``updated_field`` value: instant, then number, then text."""
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
            return (2, moment if moment.tzinfo else moment.replace(tzinfo=UTC))
        except ValueError:
            pass
    number = _number(value)
    return (1, number) if number is not None else (0, str(value))


def _stable_id(item: Any) -> str:
    blob = json.dumps(item, sort_keys=True, default=str, ensure_ascii=False)
    return "sha1:" + hashlib.sha1(blob.encode()).hexdigest()[:16]


class RestJsonConnector(Connector):
    """Shared implementation; not registered itself (it declares no metrics)."""

    title = "REST/JSON"
    config_fields = _fields()

    def __init__(self) -> None:
        self._cursor: str | None = None
        self._cursor_key: tuple[int, Any] | None = None

    def settings(self, config: Mapping[str, Any]) -> dict[str, Any]:
        """Config with defaults applied; None means "not set" ("" is a real value here)."""
        s = {
            f.name: f.default if config.get(f.name) is None else config[f.name]
            for f in self.config_fields
        }
        if not s["base_url"]:
            raise ConnectorError("base_url is required")
        if s["pagination"] not in PAGINATION or s["auth"] not in AUTH:
            raise ConnectorError(f"unknown pagination {s['pagination']!r} or auth {s['auth']!r}")
        for key in ("query", "employee_map", "metrics_map"):
            if not isinstance(s[key], Mapping):
                raise ConnectorError(f"{key} must be an object")
        known = {m.key for m in self.metrics}
        unknown = sorted(set(s["metrics_map"]) - known)
        if unknown or not s["metrics_map"]:
            raise ConnectorError(
                f"metrics_map must map some of {sorted(known)}; unknown: {unknown or 'none'}"
            )
        for key in ("page_size", "first_page", "max_pages"):
            if not str(s[key]).lstrip("-").isdigit():
                raise ConnectorError(f"{key} must be an integer, not {s[key]!r}")
            s[key] = int(s[key])
        return s

    async def fetch(
        self,
        session: aiohttp.ClientSession,
        config: Mapping[str, Any],
        since: str | None,
        period: Period,
    ) -> AsyncIterator[Record]:
        s = self.settings(config)
        self._cursor, self._cursor_key = since, None if since is None else _order_key(since)
        async for items in self._pages(session, s, since, period):
            for item in items:
                self._track(item, s)
                for record in self._records(item, s, period):
                    yield record

    def next_cursor(self) -> str | None:
        return self._cursor

    async def test_connection(
        self, session: aiohttp.ClientSession, config: Mapping[str, Any]
    ) -> None:
        s = self.settings(config)
        today = datetime.now(UTC).date()
        async with aclosing(self._pages(session, s, None, Period(today, today))) as pages:
            async for _page in pages:
                return  # the first page resolved records_path to a list: reachable and readable

    def _track(self, item: Any, s: Mapping[str, Any]) -> None:
        """Keep the largest ``updated_field`` seen, for ``next_cursor``."""
        if not s["updated_field"]:
            return
        value = _get_path(item, s["updated_field"])
        if value in (None, ""):
            return
        key = _order_key(value)
        if self._cursor_key is None or key > self._cursor_key:
            self._cursor, self._cursor_key = str(value), key

    def _records(self, item: Any, s: Mapping[str, Any], period: Period) -> Iterator[Record]:
        """One Record per mapped metric; malformed items come out with ``raw["_error"]``."""
        metrics: Mapping[str, str] = s["metrics_map"]
        if not isinstance(item, Mapping):
            yield from self._bad(item, "item is not an object", metrics, "", period.start, None)
            return
        employee = _get_path(item, s["employee_field"])
        raw_day = _get_path(item, s["date_field"])
        day = _day(raw_day)
        item_id = _get_path(item, s["id_field"]) if s["id_field"] else None
        key = "" if employee in (None, "") else str(employee)
        key = str(s["employee_map"].get(key, key))
        if day is None:
            why = f"{s['date_field']!r} is missing or not an ISO date: {raw_day!r}"
            yield from self._bad(item, why, metrics, key, period.start, item_id)
            return
        if day not in period:
            return  # a source that ignores {start}/{end} still only yields the period
        if not key:
            yield from self._bad(
                item, f"{s['employee_field']!r} is missing", metrics, "", day, item_id
            )
            return
        if s["id_field"] and item_id in (None, ""):
            yield from self._bad(item, f"{s['id_field']!r} is missing", metrics, key, day, None)
            return
        source_id = str(item_id) if s["id_field"] else f"{key}|{day.isoformat()}"
        for metric, path in metrics.items():
            value = _get_path(item, path)
            if value is None:
                continue  # the source does not report this metric for this item
            number = _number(value)
            if number is None:
                raw = {**item, "_error": f"{path!r} is not a number: {value!r}"}
                text = value if isinstance(value, str) else json.dumps(value, default=str)
                yield Record(key, metric, day, text, source_id, raw=raw)
            else:
                yield Record(key, metric, day, number, source_id)

    @staticmethod
    def _bad(
        item: Any, why: str, metrics: Mapping[str, str], key: str, day: date, item_id: Any
    ) -> Iterator[Record]:
        """The engine quarantines these: the value is not a number, the reason is in raw."""
        raw = {**item} if isinstance(item, Mapping) else {"item": item}
        raw["_error"] = why
        source_id = _stable_id(item) if item_id in (None, "") else str(item_id)
        for metric in metrics:
            yield Record(key, metric, day, "", source_id, raw=raw)

    async def _pages(
        self,
        session: aiohttp.ClientSession,
        s: Mapping[str, Any],
        since: str | None,
        period: Period,
    ) -> AsyncGenerator[list[Any], None]:
        """Each page's record list, following the configured pagination."""
        url = URL(s["base_url"].rstrip("/") + "/" + s["path"].lstrip("/"))
        origin = url.origin()
        fills = {"{start}": period.start, "{end}": period.end, "{since}": since or ""}
        params: dict[str, str] = {}
        for name, value in (s["query"] or {}).items():
            text = value if isinstance(value, str) else json.dumps(value)
            for placeholder, filled in fills.items():
                text = text.replace(placeholder, str(filled))
            params[str(name)] = text
        headers: dict[str, str] = {}
        if s["auth"] != "none" and not s["token"]:
            raise ConnectorError(f"auth {s['auth']!r} needs a token")
        if s["auth"] == "bearer":
            headers["Authorization"] = f"Bearer {s['token']}"
        elif s["auth"] == "api_key_header":
            headers[s["api_key_name"]] = s["token"]
        elif s["auth"] == "api_key_query":
            params[s["api_key_name"]] = s["token"]
        mode, page, seen = s["pagination"], s["first_page"], set()
        previous: list[Any] | None = None
        for _ in range(s["max_pages"]):
            sent = dict(params)
            if mode == "page":
                sent[s["page_param"]] = str(page)
                sent[s["size_param"]] = str(s["page_size"])
            body = await _get_json(session, url.update_query(sent), headers)
            items = _get_path(body, s["records_path"])
            if not isinstance(items, list):
                where = s["records_path"] or "the response body"
                raise ConnectorError(f"records_path {where!r} is not a list in the response")
            if mode == "page" and items and items == previous:
                raise ConnectorError(f"the API ignores {s['page_param']!r}: page {page} repeats")
            yield items
            if mode == "none" or (mode == "page" and not items):
                return
            if mode == "page":
                page, previous = page + 1, items
                continue
            step = _get_path(body, s["next_cursor_path" if mode == "cursor" else "next_link_path"])
            if step in (None, ""):
                return
            if str(step) in seen:
                raise ConnectorError(f"pagination loops: {mode} {step!r} came back")
            seen.add(str(step))
            if mode == "cursor":
                params[s["cursor_param"]] = str(step)
                continue
            target = url.join(URL(str(step)))
            if target.origin() != origin:
                # A next link elsewhere would carry our credentials to another host.
                raise ConnectorError(
                    f"refusing to follow a next link to another origin: {target.origin()}"
                )
            # The link carries the page's own query; of our params only the API key stays.
            url = target
            keep = s["api_key_name"] if s["auth"] == "api_key_query" else None
            params = {k: v for k, v in params.items() if k == keep}
        raise ConnectorError(
            f"stopped after max_pages={s['max_pages']} pages; raise it or narrow the query"
        )


async def _get_json(session: aiohttp.ClientSession, url: URL, headers: Mapping[str, str]) -> Any:
    async with session.get(url, headers=headers) as resp:
        if resp.status in (401, 403):
            raise ConnectorError(
                f"{url.host} refused the credentials (HTTP {resp.status}); check auth and token"
            )
        resp.raise_for_status()  # the engine retries 5xx, 429 and timeouts
        try:
            return await resp.json(content_type=None)
        except ValueError as exc:
            raise ConnectorError(f"{url.host}{url.path} did not answer JSON") from exc


class RestSalesConnector(RestJsonConnector):
    """CRM deals/orders: revenue, new customers and orders per salesperson."""

    name = "rest_sales"
    title = "REST/JSON CRM — sales (通用 CRM 接口)"
    kind = "sales"
    metrics = (
        MetricSpec("sales.revenue", "Revenue (销售额)", "CNY", "sum"),
        MetricSpec("sales.new_customers", "New customers (新客户)", "count", "sum"),
        MetricSpec("sales.orders", "Orders (订单数)", "count", "sum"),
    )
    config_fields = _fields(
        path="/api/v1/deals",
        employee_field="owner.employee_no",
        date_field="closed_at",
        metrics_map={
            "sales.revenue": "amount",
            "sales.new_customers": "new_customers",
            "sales.orders": "orders",
        },
    )


class RestProductionConnector(RestJsonConnector):
    """MES output per employee or per line (map line codes with ``employee_map``)."""

    name = "rest_production"
    title = "REST/JSON MES — production (通用 MES 接口)"
    kind = "production"
    metrics = (
        MetricSpec("production.output", "Output (产量)", "units", "sum"),
        MetricSpec("production.defects", "Defects (不良数)", "count", "sum"),
        MetricSpec("production.defect_rate", "Defect rate (不良率)", "%", "avg"),
    )
    config_fields = _fields(
        path="/api/v1/output",
        employee_field="line",
        date_field="date",
        id_field="",
        metrics_map={
            "production.output": "output",
            "production.defects": "defects",
            "production.defect_rate": "defect_rate",
        },
    )


@hookimpl
def jixiao_register_connectors() -> list[type[Connector]]:
    return [RestSalesConnector, RestProductionConnector]
