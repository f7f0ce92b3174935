"""Over graphql-transport-ws, every error looks exactly as it does over HTTP.

Translated by the handshake's Accept-Language (or ``lang`` in connection_init), with
``extensions.code``; unexpected failures masked as INTERNAL and logged, for queries and for
subscription events alike. Documents with several operations need an operationName here too.
"""

from __future__ import annotations

import logging
import uuid

import pytest
from httpx_ws import WebSocketDisconnect

from schema.ids import encode
from server.events import org_events
from tests.schema.test_bad_input import DEEP, TOKENS
from tests.schema.wsclient import (
    connect,
    errors_of,
    fresh_token,
    next_message,
    run,
    subscribe,
    wait_for_subscribers,
)

SAME_AS_HTTP = [
    ("invalid id", '{ employee(id: "abc") { id } }', None),
    (
        "missing employee",
        "query($id: ID!) { employee(id: $id) { name } }",
        {"id": encode("Employee", uuid.UUID(int=7))},
    ),
    ("depth limit", DEEP, None),
    ("token limit", TOKENS, None),
    ("unknown field", "{ me { salary } }", None),
    ("syntax", "{ me { name ", None),
    (
        "variable coercion",
        "query($f: Int!) { employees(first: $f) { pageInfo { hasNextPage } } }",
        {"f": "ten"},
    ),
    ("unknown operation", "query A { __typename }", None),
    ("several operations", "query A { me { name } } query B { __typename }", None),
]
ORG_CHANGES = "subscription { orgChanges { action objectType objectId } }"
RENAME = "mutation($id: ID!, $n: String!) { updateEmployee(id: $id, input: {title: $n}) { id } }"


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize(
    ("name", "query", "variables"), SAME_AS_HTTP, ids=[c[0] for c in SAME_AS_HTTP]
)
async def test_errors_match_http(api, name: str, query: str, variables, lang: str) -> None:
    token = await api.token("gm@demo")
    operation_name = "B" if name == "unknown operation" else None
    body: dict = {"query": query, "variables": variables, "operationName": operation_name}
    response = await api.client.post(
        "/graphql",
        json=body,
        headers={"Authorization": f"Bearer {token}", "Accept-Language": lang},
    )
    over_http = response.json()["errors"]
    async with connect(api, token, headers={"Accept-Language": lang}) as ws:
        await ws.send_json({"id": "1", "type": "subscribe", "payload": body})
        message = await next_message(ws)
    assert message["id"] == "1" and message["type"] in ("error", "next"), message
    assert errors_of([message]) == over_http, name
    assert all(e["extensions"]["code"] in ("BAD_USER_INPUT", "NOT_FOUND") for e in over_http)


async def test_lang_in_connection_params(api) -> None:
    token = await api.token("gm@demo")
    async with connect(api, token, params={"lang": "zh"}) as ws:
        errors = errors_of(await run(ws, '{ employee(id: "abc") { id } }'))
    assert errors[0]["message"] == "id 不是有效的 ID。"
    assert errors[0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "INVALID_ID",
        "field": "id",
    }


async def test_unexpected_errors_are_masked_and_logged(api, monkeypatch, caplog) -> None:
    from server.services import employees

    async def broken(*args, **kwargs):
        raise RuntimeError("SELECT secret FROM employee -- boom")

    monkeypatch.setattr(employees, "get_employee", broken)
    token = await api.token("gm@demo")
    with caplog.at_level(logging.ERROR, logger="jixiao.errors"):
        async with connect(api, token, headers={"X-Request-ID": "ws-req-1"}) as ws:
            errors = errors_of(await run(ws, "{ me { name } }"))
    assert errors[0]["extensions"] == {
        "code": "INTERNAL",
        "reason": "INTERNAL",
        "requestId": "ws-req-1",
    }
    assert "secret" not in str(errors) and "boom" not in str(errors)
    assert any("ws-req-1" in r.getMessage() and r.exc_info for r in caplog.records)


async def test_unexpected_errors_in_subscription_events_are_masked(
    api, make_company, monkeypatch
) -> None:
    from server.services import org_feed

    def broken(*args, **kwargs):
        raise RuntimeError("policy table exploded: SELECT secret")

    sandbox = await make_company()
    async with connect(api, await api.token(sandbox.user("staff"))) as ws:
        await subscribe(ws, "1", ORG_CHANGES)
        await wait_for_subscribers(org_events, sandbox.company_id)
        monkeypatch.setattr(org_feed, "visible", broken)
        admin = await api.token(sandbox.user("admin"))
        done = await api.gql(RENAME, {"id": sandbox.ids["worker"], "n": "班长"}, token=admin)
        assert "errors" not in done
        message = await next_message(ws)
    errors = errors_of([message])
    assert errors and errors[0]["extensions"]["code"] == "INTERNAL", message
    assert "secret" not in str(message)


async def test_several_operations_without_a_name_run_nothing(api, make_company) -> None:
    sandbox = await make_company()
    token = await fresh_token(api, sandbox.user("staff"))
    async with connect(api, token) as ws:
        messages = await run(ws, "mutation B { logout } query A { me { name } }")
        assert messages[-1]["type"] == "error", messages
        errors = errors_of(messages)
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert errors[0]["message"].startswith("Must provide operation name")
    assert (await api.gql("{ me { name } }", token=token))["data"]["me"]["name"]


async def test_too_many_operations_on_one_connection(api) -> None:
    from schema.websocket import MAX_OPERATIONS

    token = await api.token("gm@demo")
    async with connect(api, token, headers={"Accept-Language": "zh"}) as ws:
        for n in range(MAX_OPERATIONS):
            await subscribe(ws, str(n), "subscription { orgChanges { action } }")
        await subscribe(ws, "over", "subscription { orgChanges { action } }")
        message = await next_message(ws)
    assert message["id"] == "over" and message["type"] == "error", message
    assert message["payload"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "TOO_MANY_OPERATIONS",
        "detail": f"At most {MAX_OPERATIONS} operations may run at once on one connection.",
    }
    assert message["payload"][0]["message"] == (
        f"请求无效：一个连接上最多同时运行 {MAX_OPERATIONS} 个操作。"
    )


async def test_a_message_nested_too_deep_closes_with_4400(api) -> None:
    token = await api.token("gm@demo")
    async with connect(api, token) as ws:
        await ws.send_text('{"type": "ping", "payload": ' + "[" * 100_000 + "]" * 100_000 + "}")
        with pytest.raises(WebSocketDisconnect) as closed:
            await next_message(ws)
    assert closed.value.code == 4400
