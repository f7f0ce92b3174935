"""A graphql-transport-ws client for tests: connect, run operations, sign in afresh."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol
from uuid import UUID

import httpx
from httpx_ws import AsyncWebSocketSession, aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport

from schema.app import create_app
from server.demo.load import DEMO_PASSWORD

SUBSCRIBE_LIMIT = 5.0  # seconds a test waits for its subscriptions to register
LOGIN = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }"


@asynccontextmanager
async def connect(
    api: Any,
    token: str,
    *,
    headers: dict[str, str] | None = None,
    params: dict[str, Any] | None = None,
) -> AsyncIterator[AsyncWebSocketSession]:
    """An acknowledged connection signed in with ``token`` (handshake ``headers``, extra
    connection ``params``)."""
    app = create_app(runtime=api.runtime)
    async with (
        httpx.AsyncClient(transport=ASGIWebSocketTransport(app), base_url="http://test") as client,
        aconnect_ws(
            "/graphql", client, subprotocols=["graphql-transport-ws"], headers=headers or {}
        ) as ws,
    ):
        payload = {"authorization": f"Bearer {token}", **(params or {})}
        await ws.send_json({"type": "connection_init", "payload": payload})
        ack = await next_message(ws)
        assert ack["type"] == "connection_ack", ack
        yield ws


async def next_message(ws: AsyncWebSocketSession, wait: float = 3.0) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(ws.receive_text(), wait))


async def subscribe(
    ws: AsyncWebSocketSession, op_id: str, query: str, variables: dict[str, Any] | None = None
) -> None:
    payload: dict[str, Any] = {"query": query}
    if variables is not None:
        payload["variables"] = variables
    await ws.send_json({"id": op_id, "type": "subscribe", "payload": payload})


class Listeners(Protocol):
    """Who listens to one kind of event, per company (server.events)."""

    async def until_subscribed(self, company_id: UUID, count: int = 1) -> None: ...


async def wait_for_subscribers(bus: Listeners, company_id: UUID, count: int = 1) -> None:
    """Until ``count`` subscriptions of the company listen on ``bus``: sending ``subscribe``
    only queues the request, and an event published before the server registers it is lost."""
    await asyncio.wait_for(bus.until_subscribed(company_id, count), SUBSCRIBE_LIMIT)


async def run(
    ws: AsyncWebSocketSession, query: str, variables: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Run one operation to its end: every message for it, up to ``complete`` or ``error``."""
    await subscribe(ws, "run", query, variables)
    messages = []
    while True:
        message = await next_message(ws)
        assert message.get("id") == "run", message
        messages.append(message)
        if message["type"] in ("complete", "error"):
            return messages


def errors_of(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The GraphQL errors an operation's messages carried (``error`` or ``next`` payloads)."""
    found: list[dict[str, Any]] = []
    for message in messages:
        if message["type"] == "error":
            found.extend(message["payload"])
        elif message["type"] == "next":
            found.extend(message["payload"].get("errors", []))
    return found


async def fresh_token(api: Any, username: str) -> str:
    """A new session of its own (``api.token`` shares one per user, which logout would end)."""
    response = await api.post(LOGIN, {"u": username, "p": DEMO_PASSWORD})
    payload = response.json()
    assert "errors" not in payload, payload
    return payload["data"]["login"]["accessToken"]
