"""Collected facts end to end: file import, progress, the actual-value lookup, schedules."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
import pytest
from httpx_ws import aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport

from plugins.contract import Period
from schema.app import create_app
from server.events import KINDS, FactsChanged
from server.metrics import ActualStatus, actual_for, aggregate
from server.outbox import head, read_after
from tests.plugins.loopback import serve
from tests.plugins.syncing import Source, configure, finished, item, sync

CSV = "工号,姓名,日期,状态\nT0007,员工,2026-11-02,正常\nT0007,员工,2026-11-03,迟到\nT0008,工人,2026-11-02,旷工\nT0007,员工,某天,正常\n"
IMPORT = """mutation($c: ID!, $b: String!) { importFile(configId: $c, fileName: "kaoqin.csv", contentBase64: $b,
  period: {start: "2026-11-01", end: "2026-11-30"}) { id status } }"""


async def test_time_clock_file_import_through_the_api(api, make_company) -> None:
    sandbox = await make_company()
    admin = sandbox.user("admin")
    created = await api.gql(
        """mutation { createConnectorConfig(input: {connector: "timeclock_file", name: "考勤机"}) { id } }""",
        as_user=admin,
    )
    config_id = created["data"]["createConnectorConfig"]["id"]
    started = await api.gql(
        IMPORT,
        {"c": config_id, "b": base64.b64encode(CSV.encode("gb18030")).decode()},
        as_user=admin,
    )
    run = await finished(api, sandbox, started["data"]["importFile"]["id"])
    assert run["status"] == "SUCCEEDED" and run["rejected"] == 1 and run["stored"] == 12, run
    facts = await api.gql(
        """query($e: ID!) { metricFacts(employeeId: $e, metric: "attendance.late_count",
      period: {start: "2026-11-01", end: "2026-11-30"}) { periodStart value } }""",
        {"e": sandbox.ids["staff"]},
        as_user=sandbox.user("perf"),
    )
    assert [(f["periodStart"], f["value"]) for f in facts["data"]["metricFacts"]] == [
        ("2026-11-02", "0"),
        ("2026-11-03", "1"),
    ]
    it_only = await api.gql(
        """query($e: ID!) { metricFacts(employeeId: $e, period: {start: "2026-11-01",
      end: "2026-11-30"}) { value } }""",
        {"e": sandbox.ids["staff"]},
        as_user=admin,
    )
    assert it_only["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    bad = await api.gql(IMPORT, {"c": config_id, "b": "not base64!"}, as_user=admin)
    assert bad["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "INVALID_FORMAT",
        "field": "contentBase64",
    }


async def test_import_is_refused_for_connectors_without_files(api, make_company, sample) -> None:
    sandbox = await make_company()
    config_id = await configure(api, sandbox, "http://127.0.0.1:9")
    refused = await api.gql(
        IMPORT,
        {"c": config_id, "b": base64.b64encode(b"x").decode()},
        as_user=sandbox.user("admin"),
    )
    assert refused["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "UPLOAD_UNSUPPORTED",
        "field": "configId",
    }


async def test_progress_subscription_follows_a_run_to_its_end(api, make_company, sample) -> None:
    sandbox = await make_company()
    source = Source(
        [[item("T0007", "2026-11-02", 8, "p1")], [item("T0007", "2026-11-03", 8, "p2")]]
    )
    source.script = {1: ["slow"]}
    api.runtime.engine.policy = api.runtime.engine.policy.__class__(read_timeout=5, base_delay=0.01)
    token = await api.token(sandbox.user("admin"))
    async with serve(source.app()) as url:
        config_id = await configure(api, sandbox, url)
        started = await api.gql(
            """mutation($c: ID!) { syncConnector(configId: $c, period: {start: "2026-11-01",
          end: "2026-11-30"}) { id } }""",
            {"c": config_id},
            token=token,
        )
        run_id = started["data"]["syncConnector"]["id"]
        app = create_app(runtime=api.runtime)
        async with (
            httpx.AsyncClient(
                transport=ASGIWebSocketTransport(app), base_url="http://test"
            ) as client,
            aconnect_ws("/graphql", client, subprotocols=["graphql-transport-ws"]) as ws,
        ):
            await ws.send_json(
                {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
            )
            assert json.loads(await ws.receive_text())["type"] == "connection_ack"
            await ws.send_json(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {
                        "query": "subscription($r: ID!) { syncProgress(runId: $r) { status fetched stored } }",
                        "variables": {"r": run_id},
                    },
                }
            )
            updates = []
            while True:
                message = json.loads(await asyncio.wait_for(ws.receive_text(), 10))
                if message["type"] == "complete":
                    break
                assert message["type"] == "next", message
                updates.append(message["payload"]["data"]["syncProgress"])
    assert updates[0]["status"] == "RUNNING"
    assert updates[-1] == {"status": "SUCCEEDED", "fetched": 2, "stored": 2}


async def test_facts_changed_event_names_metrics_and_span(api, make_company, sample) -> None:
    sandbox = await make_company()
    with api.runtime.db:
        from server.models import Company

        company = await Company.get(slug=sandbox.slug)
        before = await head()
    async with serve(Source([[item("T0007", "2026-11-02", 8, "e1")]]).app()) as url:
        await sync(api, sandbox, await configure(api, sandbox, url))
    with api.runtime.db:  # written to the outbox with the run's end
        (stored,) = await read_after(before, company_id=company.id, kinds=[KINDS[FactsChanged]])
    event = stored.event
    assert isinstance(event, FactsChanged)
    assert event.metrics == frozenset({"sample.hours"})
    assert (event.start, event.end) == (date(2026, 11, 1), date(2026, 11, 30))


@pytest.mark.parametrize(
    ("how", "expected"), [("sum", "14"), ("avg", "7"), ("last", "6"), ("min", "6"), ("max", "8")]
)
def test_aggregations(how: str, expected: str) -> None:
    values = [(date(2026, 11, 2), Decimal(8)), (date(2026, 11, 3), Decimal(6))]
    assert aggregate(values, how) == Decimal(expected)
    assert aggregate([], how) is None


async def test_actual_for_reads_the_span(api, make_company, sample) -> None:
    sandbox = await make_company()
    pages = [
        [
            item("T0007", "2026-11-02", 8, "x1"),
            item("T0007", "2026-11-03", 7.5, "x2"),
            item("T0007", "2026-11-03", 90, "r1", "sample.rate"),
            item("T0007", "2026-11-04", 100, "r2", "sample.rate"),
        ]
    ]
    async with serve(Source(pages).app()) as url:
        await sync(api, sandbox, await configure(api, sandbox, url))
    with api.runtime.db:
        from server.models import Employee

        staff = await Employee.get(username=sandbox.user("staff"))
        registry = api.runtime.metrics
        month = (staff.company_id, staff.id)
        nov = (date(2026, 11, 1), date(2026, 11, 30))
        hours = await actual_for(registry, *month, "sample.hours", *nov)
        assert (hours.value, hours.facts, hours.aggregation) == (Decimal("15.5"), 2, "sum")
        day = await actual_for(
            registry, *month, "sample.hours", date(2026, 11, 3), date(2026, 11, 3)
        )
        assert day.value == Decimal("7.5")
        assert (await actual_for(registry, *month, "sample.rate", *nov)).value == Decimal(95)
        october = (date(2026, 10, 1), date(2026, 10, 31))
        empty = await actual_for(registry, *month, "sample.hours", *october)
        assert (empty.value, empty.status) == (None, ActualStatus.NO_DATA)
        # A metric no installed connector declares is a clear answer, not a KeyError.
        unknown = await actual_for(registry, *month, "no.such.metric", *nov)
        assert (unknown.value, unknown.status) == (None, ActualStatus.SOURCE_MISSING)


async def test_scheduled_configs_run_when_due(api, make_company, sample) -> None:
    sandbox = await make_company()
    async with serve(Source([[item("T0007", "2026-11-02", 8, "s1")]]).app()) as url:
        config_id = await configure(api, sandbox, url)
        await api.gql(
            """mutation($id: ID!) { updateConnectorConfig(id: $id, input: {scheduleMinutes: 60}) { id } }""",
            {"id": config_id},
            as_user=sandbox.user("admin"),
        )
        with api.runtime.db:
            engine = api.runtime.engine
            now = datetime.now(UTC)
            started = await engine.run_due(
                now, lambda _c: Period(date(2026, 11, 1), date(2026, 11, 30))
            )
            mine = [r for r in started if str(r.config_id) in str(base64.b64decode(config_id))]
            assert len(mine) == 1 and mine[0].trigger == "schedule"
            await asyncio.gather(*[t for t in list(engine._running.values())])
            again = await engine.run_due(
                now, lambda _c: Period(date(2026, 11, 1), date(2026, 11, 30))
            )
            assert not [r for r in again if str(r.config_id) in str(base64.b64decode(config_id))]
