"""Helpers for sync tests: a misbehaving loopback source and GraphQL shortcuts."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from schema.ids import decode
from server.events import sync_events
from server.sync.http import RetryPolicy

CREATE = """mutation($i: CreateConnectorConfigInput!) { createConnectorConfig(input: $i) {
  id connector name settings secretsSet matchBy enabled } }"""
SYNC = """mutation($c: ID!, $s: Date!, $e: Date!) { syncConnector(configId: $c, period: {start: $s, end: $e}) { id status } }"""
RUN = "query($id: ID!) { syncRun(id: $id) { status fetched stored rejected error } }"
FACTS = """query($e: ID!) { metricFacts(employeeId: $e, period: {start: "2026-11-01", end: "2026-11-30"}) {
  metric periodStart value sourceId } }"""
QUARANTINE = "query($c: ID!) { quarantine(configId: $c) { edges { node { employeeKey reason sourceId value } } } }"
RUN_LIMIT = 20.0  # seconds a test waits for a sync run to end
FAST = RetryPolicy(
    attempts=4, base_delay=0.01, max_delay=0.05, read_timeout=0.5, connect_timeout=0.5
)


def item(employee: str, day: str, value: Any, ident: str, metric: str = "sample.hours") -> dict:
    return {"employee": employee, "day": day, "value": value, "id": ident, "metric": metric}


class Source:
    """A loopback records API whose misbehaviour each test chooses."""

    def __init__(self, pages: list[list[dict]]) -> None:
        self.pages = pages
        self.hits: list[int] = []
        self.script: dict[int, list[str]] = {}  # page -> what to do on successive hits
        self.reached = asyncio.Event()  # set at the first authorized request

    def app(self) -> web.Application:
        async def records(request: web.Request) -> web.StreamResponse:
            if request.headers.get("Authorization") != "Bearer s3cret-token":
                return web.json_response({"error": "bad token"}, status=401)
            page = int(request.query["page"])
            self.hits.append(page)
            self.reached.set()
            plan = self.script.get(page, [])
            action = plan.pop(0) if plan else "ok"
            if action == "500":
                return web.json_response({"error": "boom"}, status=500)
            if action == "429":
                return web.json_response(
                    {"error": "slow down"}, status=429, headers={"Retry-After": "1"}
                )
            if action == "slow":
                await asyncio.sleep(2)
            body = {
                "items": self.pages[page - 1],
                "next": page + 1 if page < len(self.pages) else None,
            }
            if action == "drop":
                response = web.StreamResponse(
                    headers={"Content-Type": "application/json", "Content-Length": "5000"}
                )
                await response.prepare(request)
                await response.write(b'{"items": [')
                request.transport.close()
                return response
            return web.json_response(body)

        app = web.Application()
        app.router.add_get("/records", records)
        return app


async def configure(api, sandbox, base_url: str, **settings: Any) -> str:
    result = await api.gql(
        CREATE,
        {
            "i": {
                "connector": "sample_paged",
                "name": "打卡机",
                "settings": {"base_url": base_url, **settings},
                "secrets": {"token": "s3cret-token"},
            }
        },
        as_user=sandbox.user("admin"),
    )
    assert "errors" not in result, result
    return result["data"]["createConnectorConfig"]["id"]


async def sync(api, sandbox, config_id: str, user: str = "admin") -> dict:
    started = await api.gql(
        SYNC, {"c": config_id, "s": "2026-11-01", "e": "2026-11-30"}, as_user=sandbox.user(user)
    )
    assert "errors" not in started, started
    return await finished(api, sandbox, started["data"]["syncConnector"]["id"], user)


async def finished(api, sandbox, run_id: str, user: str = "admin") -> dict[str, Any]:
    """The run (as ``user`` reads it) once it has ended, awaited on the engine's progress
    events: listening starts before the first read, so an end in between is not missed."""
    key = decode(run_id, "SyncRun")

    async def read() -> dict[str, Any]:
        answer = await api.gql(RUN, {"id": run_id}, as_user=sandbox.user(user))
        return answer["data"]["syncRun"]

    async with sync_events.subscribe(sandbox.company_id) as queue, asyncio.timeout(RUN_LIMIT):
        run = await read()
        while _going(run["status"]):
            event = await queue.get()
            if event.run_id == key and not _going(event.status):
                run = await read()
    return run


def _going(status: Any) -> bool:
    """Running, as the API (an enum) or the engine's event says it."""
    return str(getattr(status, "value", status)).lower() == "running"
