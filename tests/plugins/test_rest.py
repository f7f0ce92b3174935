"""The generic REST/JSON connector against real aiohttp servers on 127.0.0.1."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from plugins.contract import Connector, ConnectorError, Period, Record
from plugins.rest import RestProductionConnector, RestSalesConnector, jixiao_register_connectors
from tests.plugins.loopback import serve

MAY = Period(date(2024, 5, 1), date(2024, 5, 31))


async def collect(
    connector: Connector, config: dict[str, Any], since: str | None = None
) -> list[Record]:
    async with aiohttp.ClientSession() as session:
        return [r async for r in connector.fetch(session, config, since, MAY)]


def deal(n: int, closed_at: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"D{n}",
        "owner": {"employee_no": f"E{n % 2}", "name": "张三"},
        "closed_at": closed_at,
        "amount": "1000.50",
        "new_customers": 1,
        "orders": 2,
        **extra,
    }


DEALS = [
    deal(1, "2024-05-01"),
    deal(2, "2024-04-30T12:00:00"),  # April: outside the period
    deal(3, "2024-05-31T23:30:00+08:00"),  # the source's own offset decides the day
    deal(4, "2024-06-01T00:10:00+08:00"),  # June there, although still May 31 in UTC
    deal(5, "2024-05-15 09:00:00", amount=12.5),
]


async def test_page_pagination_bearer_placeholders_and_nested_paths() -> None:
    seen: list[dict[str, str]] = []

    async def deals(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != "Bearer s3cret":
            return web.json_response({"error": "unauthorized"}, status=401)
        seen.append(dict(request.query))
        page, size = int(request.query["p"]), int(request.query["n"])
        return web.json_response({"data": {"items": DEALS[(page - 1) * size : page * size]}})

    app = web.Application()
    app.router.add_get("/api/v1/deals", deals)
    async with serve(app) as base:
        config = {
            "base_url": base,
            "query": {"from": "{start}", "to": "{end}", "status": "won"},
            "records_path": "data.items",
            "pagination": "page",
            "page_param": "p",
            "size_param": "n",
            "page_size": 2,
            "auth": "bearer",
            "token": "s3cret",
        }
        records = await collect(RestSalesConnector(), config)
        with pytest.raises(ConnectorError, match="refused the credentials"):
            await collect(RestSalesConnector(), {**config, "token": "wrong"})

    # Every page was asked for, up to the empty one that ends the list.
    assert [q["p"] for q in seen] == ["1", "2", "3", "4"]
    assert {(q["from"], q["to"], q["status"], q["n"]) for q in seen} == {
        ("2024-05-01", "2024-05-31", "won", "2")
    }
    by_deal = {(r.source_id, r.metric): r for r in records}
    assert sorted({r.source_id for r in records}) == ["D1", "D3", "D5"]
    assert len(records) == 9
    first = by_deal["D1", "sales.revenue"]
    assert (first.employee_key, first.day, first.value) == (
        "E1",
        date(2024, 5, 1),
        Decimal("1000.50"),
    )
    assert by_deal["D3", "sales.orders"].day == date(2024, 5, 31)
    assert by_deal["D3", "sales.orders"].value == Decimal(2)
    assert by_deal["D5", "sales.revenue"].value == Decimal("12.5")
    assert all(r.raw == {} for r in records)


async def test_cursor_pagination_api_key_header_since_and_next_cursor() -> None:
    pages = {
        "": ([deal(1, "2024-05-02", updated_at="2024-05-02T10:00:00+08:00")], "c2"),
        "c2": ([deal(2, "2024-05-03", updated_at="2024-05-03T09:00:00+00:00")], "c3"),
        "c3": ([deal(3, "2024-05-04", updated_at="2024-05-02T23:00:00Z")], None),
    }
    seen: list[dict[str, str]] = []

    async def deals(request: web.Request) -> web.Response:
        if request.headers.get("X-Token") != "k1":
            return web.json_response({}, status=403)
        seen.append(dict(request.query))
        items, following = pages[request.query.get("after", "")]
        return web.json_response({"results": items, "meta": {"next": following}})

    app = web.Application()
    app.router.add_get("/crm/deals", deals)
    async with serve(app) as base:
        config = {
            "base_url": base + "/crm/",
            "path": "deals",
            "query": {"modified_since": "{since}", "limit": 1},
            "records_path": "results",
            "updated_field": "updated_at",
            "pagination": "cursor",
            "cursor_param": "after",
            "next_cursor_path": "meta.next",
            "auth": "api_key_header",
            "api_key_name": "X-Token",
            "token": "k1",
        }
        connector = RestSalesConnector()
        records = await collect(connector, config, since="2024-05-01T00:00:00+08:00")
        # 2024-05-03T09:00Z is the latest instant, whatever the offsets say.
        assert connector.next_cursor() == "2024-05-03T09:00:00+00:00"
        seen.clear()
        pages.update({"": ([], None)})
        assert await collect(connector, config, since="2024-05-03T09:00:00+00:00") == []
        assert connector.next_cursor() == "2024-05-03T09:00:00+00:00"  # kept when nothing new

    assert len(records) == 9
    assert seen == [{"modified_since": "2024-05-03T09:00:00+00:00", "limit": "1"}]


async def test_link_pagination_same_origin_with_api_key_in_query() -> None:
    seen: list[dict[str, str]] = []

    async def deals(request: web.Request) -> web.Response:
        if request.query.get("apikey") != "q1":
            return web.json_response({}, status=401)
        seen.append(dict(request.query))
        page = int(request.query.get("page", "1"))
        following = {1: "/deals?page=2", 2: f"{request.url.origin()}/deals?page=3"}.get(page)
        return web.json_response(
            {"items": [deal(page, "2024-05-10")], "links": {"next": following}}
        )

    app = web.Application()
    app.router.add_get("/deals", deals)
    async with serve(app) as base:
        config = {
            "base_url": base,
            "path": "/deals",
            "query": {"to": "{end}"},
            "records_path": "items",
            "pagination": "link",
            "next_link_path": "links.next",
            "auth": "api_key_query",
            "api_key_name": "apikey",
            "token": "q1",
        }
        records = await collect(RestSalesConnector(), config)

    # The first request carries our query; the following ones the link's own query (+ key).
    assert seen == [
        {"to": "2024-05-31", "apikey": "q1"},
        {"page": "2", "apikey": "q1"},
        {"page": "3", "apikey": "q1"},
    ]
    assert sorted({r.source_id for r in records}) == ["D1", "D2", "D3"]


async def test_next_link_to_another_origin_is_refused() -> None:
    foreign_hits: list[str] = []

    async def foreign(request: web.Request) -> web.Response:
        foreign_hits.append(str(request.url))
        return web.json_response({"items": []})

    other = web.Application()
    other.router.add_get("/steal", foreign)
    async with serve(other) as elsewhere:

        async def deals(request: web.Request) -> web.Response:
            return web.json_response({"items": [], "next": f"{elsewhere}/steal"})

        app = web.Application()
        app.router.add_get("/deals", deals)
        async with serve(app) as base:
            config = {
                "base_url": base,
                "path": "/deals",
                "records_path": "items",
                "pagination": "link",
                "auth": "bearer",
                "token": "secret",
            }
            with pytest.raises(ConnectorError, match="another origin"):
                await collect(RestSalesConnector(), config)
    assert foreign_hits == []


async def test_malformed_items_are_yielded_with_an_error() -> None:
    items: list[Any] = [
        deal(1, "2024-05-01", amount="1,234.50"),  # thousands separator: fine
        deal(2, "2024-05-02", amount="abc"),
        deal(3, "2024-05-03", owner={"name": "nobody"}),
        deal(4, "yesterday"),
        "not an object",
        {**deal(5, "2024-05-05"), "id": None},
        deal(6, "2024-05-06", orders=None),  # no value for one metric: just not reported
    ]

    async def deals(request: web.Request) -> web.Response:
        return web.json_response(items)

    app = web.Application()
    app.router.add_get("/deals", deals)
    async with serve(app) as base:
        config = {"base_url": base, "path": "/deals", "records_path": ""}
        records = await collect(RestSalesConnector(), config)

    good = [r for r in records if "_error" not in r.raw]
    bad = [r for r in records if "_error" in r.raw]
    assert {(r.source_id, r.metric) for r in good} == {
        ("D1", "sales.revenue"),
        ("D1", "sales.new_customers"),
        ("D1", "sales.orders"),
        ("D2", "sales.new_customers"),
        ("D2", "sales.orders"),
        ("D6", "sales.revenue"),
        ("D6", "sales.new_customers"),
    }
    assert next(r for r in good if r.metric == "sales.revenue").value == Decimal("1234.50")
    errors = {(r.source_id, r.metric): r for r in bad}
    assert errors["D2", "sales.revenue"].value == "abc"
    assert "not a number" in errors["D2", "sales.revenue"].raw["_error"]
    assert errors["D3", "sales.orders"].employee_key == ""
    assert "is missing" in errors["D3", "sales.orders"].raw["_error"]
    assert "not an ISO date" in errors["D4", "sales.orders"].raw["_error"]
    assert len([r for r in bad if r.raw.get("item") == "not an object"]) == 3
    assert len([r for r in bad if "'id' is missing" in r.raw["_error"]]) == 3
    assert all(not isinstance(r.value, Decimal) for r in bad)
    # Quarantined records keep a stable source_id so a re-run replaces, not duplicates.
    assert len({r.source_id for r in bad}) == 5


async def test_production_preset_per_line_with_employee_map() -> None:
    rows = [
        {"line": "L1", "date": "2024-05-02", "output": 1200, "defects": 6, "defect_rate": 0.5},
        {"line": "L9", "date": "2024-05-02", "output": 800, "defects": 0, "defect_rate": None},
        {"line": "L1", "date": "2024-06-02", "output": 1, "defects": 1, "defect_rate": 100},
    ]

    async def output(request: web.Request) -> web.Response:
        return web.json_response(rows)

    app = web.Application()
    app.router.add_get("/api/v1/output", output)
    async with serve(app) as base:
        config = {"base_url": base, "records_path": "", "employee_map": {"L1": "T0007"}}
        records = await collect(RestProductionConnector(), config)

    got = {(r.employee_key, r.metric, r.source_id): r.value for r in records}
    assert got == {
        ("T0007", "production.output", "T0007|2024-05-02"): Decimal(1200),
        ("T0007", "production.defects", "T0007|2024-05-02"): Decimal(6),
        ("T0007", "production.defect_rate", "T0007|2024-05-02"): Decimal("0.5"),
        ("L9", "production.output", "L9|2024-05-02"): Decimal(800),
        ("L9", "production.defects", "L9|2024-05-02"): Decimal(0),
    }


async def test_test_connection_checks_records_path_and_credentials() -> None:
    async def deals(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != "Bearer ok":
            return web.json_response({}, status=401)
        return web.json_response({"data": {"items": []}, "total": 0})

    app = web.Application()
    app.router.add_get("/deals", deals)
    config = {"base_url": "", "path": "/deals", "records_path": "data.items", "auth": "bearer"}
    async with serve(app) as base, aiohttp.ClientSession() as session:
        config.update(base_url=base, token="ok")
        await RestSalesConnector().test_connection(session, config)
        with pytest.raises(ConnectorError, match="'total' is not a list"):
            await RestSalesConnector().test_connection(session, {**config, "records_path": "total"})
        with pytest.raises(ConnectorError, match="refused the credentials"):
            await RestSalesConnector().test_connection(session, {**config, "token": "bad"})


async def test_safety_cap_and_config_errors() -> None:
    calls: list[str] = []

    async def endless(request: web.Request) -> web.Response:
        calls.append(request.query.get("cursor", ""))
        return web.json_response({"data": [], "next_cursor": f"c{len(calls)}"})

    app = web.Application()
    app.router.add_get("/deals", endless)
    async with serve(app) as base:
        config = {"base_url": base, "path": "/deals", "pagination": "cursor", "max_pages": 3}
        with pytest.raises(ConnectorError, match="max_pages=3"):
            await collect(RestSalesConnector(), config)
        assert calls == ["", "c1", "c2"]
        with pytest.raises(ConnectorError, match=r"unknown: \['sales\.profit'\]"):
            await collect(RestSalesConnector(), {**config, "metrics_map": {"sales.profit": "x"}})
        with pytest.raises(ConnectorError, match="needs a token"):
            await collect(RestSalesConnector(), {**config, "auth": "bearer"})


def test_presets_declare_their_metrics_and_secret() -> None:
    assert jixiao_register_connectors() == [RestSalesConnector, RestProductionConnector]
    assert (RestSalesConnector.name, RestSalesConnector.kind) == ("rest_sales", "sales")
    assert (RestProductionConnector.name, RestProductionConnector.kind) == (
        "rest_production",
        "production",
    )
    specs = {m.key: (m.unit, m.aggregation) for m in RestProductionConnector.metrics}
    assert specs["production.defect_rate"] == ("%", "avg")
    assert {m.key for m in RestSalesConnector.metrics} == {
        "sales.revenue",
        "sales.new_customers",
        "sales.orders",
    }
    fields = {f.name: f for f in RestSalesConnector.config_fields}
    assert fields["token"].secret and not fields["base_url"].secret
    assert fields["pagination"].choices == ("none", "page", "cursor", "link")
