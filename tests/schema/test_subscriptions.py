"""graphql-transport-ws: sign-in in connection_init, and changes only for those allowed to see them."""

from __future__ import annotations

import asyncio
import json
from contextlib import asynccontextmanager

import httpx
from httpx_ws import aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport

from schema.app import create_app

SUBSCRIBE = "subscription { orgChanges { action objectType objectId } }"
RENAME = "mutation($id: ID!, $n: String!) { updateEmployee(id: $id, input: {title: $n}) { id } }"


@asynccontextmanager
async def subscribed(api, token: str | None):
    app = create_app(runtime=api.runtime)
    async with (
        httpx.AsyncClient(transport=ASGIWebSocketTransport(app), base_url="http://test") as client,
        aconnect_ws("/graphql", client, subprotocols=["graphql-transport-ws"]) as ws,
    ):
        payload = {"authorization": f"Bearer {token}"} if token else {}
        await ws.send_json({"type": "connection_init", "payload": payload})
        yield ws


async def next_message(ws, wait: float = 3.0) -> dict:
    return json.loads(await asyncio.wait_for(ws.receive_text(), wait))


async def test_connection_without_a_token_is_rejected(api) -> None:
    async with subscribed(api, None) as ws:
        try:
            message = await next_message(ws)
        except Exception as exc:  # the server closes the socket with 4403
            assert "4403" in repr(exc) or "Forbidden" in repr(exc)
        else:
            raise AssertionError(f"expected the connection to be refused, got {message}")


async def test_changes_reach_the_company_and_not_other_tenants(api, make_company) -> None:
    mine = await make_company()
    other = await make_company()
    admin_token = await api.token(mine.user("admin"))
    async with (
        subscribed(api, await api.token(mine.user("staff"))) as staff,
        subscribed(api, await api.token(other.user("admin"))) as stranger,
    ):
        for ws in (staff, stranger):
            assert (await next_message(ws))["type"] == "connection_ack"
            await ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
        await asyncio.sleep(0.1)  # let both subscriptions register
        done = await api.gql(RENAME, {"id": mine.ids["worker"], "n": "班长"}, token=admin_token)
        assert "errors" not in done
        event = await next_message(staff)
        assert event["type"] == "next"
        assert event["payload"]["data"]["orgChanges"] == {
            "action": "employee.update",
            "objectType": "employee",
            "objectId": mine.ids["worker"],
        }
        try:
            leaked = await next_message(stranger, wait=0.5)
        except TimeoutError:
            leaked = None
        assert leaked is None
