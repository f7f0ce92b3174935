"""graphql-transport-ws: sign-in in connection_init, and changes only for those allowed to see them."""

from __future__ import annotations

import asyncio
import json
from contextlib import asynccontextmanager

import httpx
import pytest
from httpx_ws import WebSocketDisconnect, aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport

from schema.app import create_app
from server.events import org_events
from tests.schema.wsclient import wait_for_subscribers

SUBSCRIBE = "subscription { orgChanges { action objectType objectId } }"
RENAME = "mutation($id: ID!, $n: String!) { updateEmployee(id: $id, input: {title: $n}) { id } }"


@asynccontextmanager
async def raw_socket(api, headers: dict[str, str] | None = None):
    """A graphql-transport-ws socket on which nothing was sent yet."""
    app = create_app(runtime=api.runtime)
    async with (
        httpx.AsyncClient(transport=ASGIWebSocketTransport(app), base_url="http://test") as client,
        aconnect_ws(
            "/graphql", client, subprotocols=["graphql-transport-ws"], headers=headers or {}
        ) as ws,
    ):
        yield ws


@asynccontextmanager
async def subscribed(api, token: str | None):
    async with raw_socket(api) as ws:
        payload = {"authorization": f"Bearer {token}"} if token else {}
        await ws.send_json({"type": "connection_init", "payload": payload})
        yield ws


async def next_message(ws, wait: float = 3.0) -> dict:
    return json.loads(await asyncio.wait_for(ws.receive_text(), wait))


async def closed_at_once(ws, payload: dict) -> WebSocketDisconnect:
    """Send connection_init; the server must close the socket within a second."""
    await ws.send_json({"type": "connection_init", "payload": payload})
    with pytest.raises(WebSocketDisconnect) as closed:
        message = await next_message(ws, wait=1.0)
        raise AssertionError(f"expected the connection to be closed, got {message}")
    return closed.value


@pytest.mark.parametrize(
    "payload",
    [{}, {"authorization": ""}, {"lang": "en"}],
    ids=["empty", "blank", "no token"],
)
async def test_without_credentials_the_socket_closes_at_once_saying_sign_in(
    api, payload: dict
) -> None:
    """4401, which graphql-ws clients report at once; they retry 4403 for 30-45 s in silence."""
    async with raw_socket(api) as ws:
        closed = await closed_at_once(ws, payload)
    assert closed.code == 4401, closed
    assert closed.reason.startswith("Unauthorized: sign in first"), closed.reason
    assert "connection_init" in closed.reason


async def test_an_invalid_token_closes_at_once_saying_sign_in_again(api) -> None:
    async with raw_socket(api) as ws:
        closed = await closed_at_once(ws, {"authorization": "Bearer not-a-token"})
    assert closed.code == 4401
    assert "sign in again" in closed.reason


async def test_the_reason_follows_the_language(api) -> None:
    async with raw_socket(api, headers={"Accept-Language": "zh-CN"}) as ws:
        closed = await closed_at_once(ws, {})
    assert closed.code == 4401 and "请先登录" in closed.reason
    async with raw_socket(api) as ws:
        closed = await closed_at_once(ws, {"lang": "zh"})
    assert closed.code == 4401 and "请先登录" in closed.reason


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
        await wait_for_subscribers(org_events, mine.company_id)
        await wait_for_subscribers(org_events, other.company_id)
        done = await api.gql(RENAME, {"id": mine.ids["worker"], "n": "班长"}, token=admin_token)
        assert "errors" not in done
        event = await next_message(staff)
        assert event["type"] == "next"
        assert event["payload"]["data"]["orgChanges"] == {
            "action": "EMPLOYEE_UPDATE",
            "objectType": "EMPLOYEE",
            "objectId": mine.ids["worker"],
        }
        # A change in the stranger's own company comes after ours on the bus: if ours had
        # leaked, the stranger would hear it first.
        theirs = {"id": other.ids["worker"], "n": "班长"}
        done = await api.gql(RENAME, theirs, token=await api.token(other.user("admin")))
        assert "errors" not in done
        heard = await next_message(stranger)
        assert heard["payload"]["data"]["orgChanges"]["objectId"] == other.ids["worker"], heard


async def test_waiting_for_subscribers_ends_once_the_subscription_listens(
    api, make_company
) -> None:
    """The signal tests wait on instead of sleeping: not before the subscription is
    registered, and a change made right after it is heard."""
    sandbox = await make_company()
    company = sandbox.company_id
    waiting = asyncio.create_task(wait_for_subscribers(org_events, company))
    async with subscribed(api, await api.token(sandbox.user("staff"))) as ws:
        assert (await next_message(ws))["type"] == "connection_ack"
        assert not waiting.done() and org_events.subscriber_count(company) == 0  # not yet
        await ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
        await waiting
        assert org_events.subscriber_count(company) == 1
        admin = await api.token(sandbox.user("admin"))
        done = await api.gql(RENAME, {"id": sandbox.ids["staff"], "n": "组长"}, token=admin)
        assert "errors" not in done
        event = await next_message(ws)
    assert event["payload"]["data"]["orgChanges"]["objectId"] == sandbox.ids["staff"]
