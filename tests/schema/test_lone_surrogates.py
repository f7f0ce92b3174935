"""Lone UTF-16 surrogates ("\\ud800" in JSON) are refused at the edge, like NUL bytes.

They are not Unicode: encoding one for the database, a password hash or a log line raised
inside the resolver and answered INTERNAL, even to an unauthenticated ``login``, with a
traceback in the log. Now: a clean 400 (or an ``error`` message over a websocket) saying why,
and nothing logged at ERROR. The JSON is written by hand with ``\\ud800`` escapes: httpx
cannot encode the character itself.
"""

from __future__ import annotations

import logging

import pytest
from httpx_ws import WebSocketDisconnect

from tests.schema.test_http_conformance import GQL, JSON, assert_error_body, post_raw
from tests.schema.test_subscriptions import next_message, raw_socket
from tests.schema.wsclient import LOGIN, connect

LONE = "\\ud800"  # as written in JSON text
SEARCH = "query S($s: String) { employees(search: $s) { edges { node { id } } } }"


def login_body(username: str, password: str = "x") -> str:
    return (
        '{"query": "'
        + LOGIN
        + '", "variables": {"u": "'
        + username
        + '", "p": "'
        + password
        + '"}}'
    )


BODIES = {
    "login username": login_body(LONE),
    "login password": login_body("gm@demo", "pw" + LONE),
    "trailing low surrogate": login_body("a\\udc00"),
    "variable key": '{"query": "' + SEARCH + '", "variables": {"s' + LONE + '": "a"}}',
    "nested variable": '{"query": "' + SEARCH + '", "variables": {"s": ["' + LONE + '"]}}',
    "query text": '{"query": "{ __typename } # ' + LONE + '"}',
    "operation name": '{"query": "{ __typename }", "operationName": "A' + LONE + '"}',
    "extensions": '{"query": "{ __typename }", "extensions": {"k": "' + LONE + '"}}',
}


def assert_clean_refusal(response, caplog) -> None:
    assert response.status_code == 400, response.text
    payload = assert_error_body(response)
    assert "surrogate" in payload["errors"][0]["message"]
    assert "INTERNAL" not in response.text
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


@pytest.mark.parametrize("content", BODIES.values(), ids=BODIES.keys())
@pytest.mark.parametrize("accept", [GQL, JSON])
async def test_lone_surrogates_are_refused(api, caplog, content: str, accept: str) -> None:
    with caplog.at_level(logging.INFO):
        response = await post_raw(api, content, accept=accept)
    assert_clean_refusal(response, caplog)


async def test_a_surrogate_pair_is_fine(api) -> None:
    # The same escapes as a pair are one character (U+1F600): ordinary text.
    content = '{"query": "' + SEARCH + '", "variables": {"s": "\\ud83d\\ude00"}}'
    response = await post_raw(api, content)
    assert response.status_code == 200, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_refused_in_chinese_too(api) -> None:
    request = api.client.build_request(
        "POST",
        "/graphql",
        content=login_body(LONE),
        headers={"content-type": JSON, "accept-language": "zh-CN"},
    )
    response = await api.client.send(request)
    assert response.status_code == 400
    assert "代理项" in assert_error_body(response)["errors"][0]["message"]


async def test_get_parameters(api, caplog) -> None:
    with caplog.at_level(logging.INFO):
        response = await api.client.get(
            "/graphql",
            params={"query": SEARCH, "variables": '{"s": "' + LONE + '"}'},
            headers={"Accept": GQL},
        )
    assert_clean_refusal(response, caplog)


async def test_websocket_operations(api, caplog) -> None:
    token = await api.token("gm@demo")
    async with connect(api, token) as ws:
        with caplog.at_level(logging.INFO):
            await ws.send_text(
                '{"id": "1", "type": "subscribe", "payload": {"query": "' + SEARCH + '",'
                ' "variables": {"s": "' + LONE + '"}}}'
            )
            refused = await next_message(ws)
        # The connection stays usable.
        await ws.send_json({"id": "2", "type": "subscribe", "payload": {"query": "{ __typename }"}})
        answered = await next_message(ws)
    assert refused["id"] == "1" and refused["type"] == "error", refused
    assert refused["payload"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "TEXT_SURROGATE",
    }
    assert "surrogate" in refused["payload"][0]["message"]
    assert answered["id"] == "2" and answered["payload"] == {"data": {"__typename": "Query"}}
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_websocket_connection_init(api, caplog) -> None:
    with caplog.at_level(logging.INFO):
        async with raw_socket(api) as ws:
            await ws.send_text(
                '{"type": "connection_init", "payload": {"authorization": "Bearer ' + LONE + '"}}'
            )
            with pytest.raises(WebSocketDisconnect) as closed:
                await next_message(ws)
    assert closed.value.code == 4400
    assert "surrogate" in (closed.value.reason or "")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_nul_is_refused_over_websockets_too(api) -> None:
    token = await api.token("gm@demo")
    async with connect(api, token) as ws:
        await ws.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": SEARCH, "variables": {"s": "a\x00"}},
            }
        )
        refused = await next_message(ws)
    assert refused["type"] == "error" and "NUL" in refused["payload"][0]["message"], refused
