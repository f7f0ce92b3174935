"""Size caps checked before any parsing: the request body and the GraphQL document.

A short query padded with a megabyte of whitespace or comments has few tokens, so the token
limit never sees it; it must be refused by size (``JIXIAO_MAX_QUERY_BYTES``, 100 kB by default)
over POST, GET and websockets, and bodies by ``JIXIAO_MAX_BODY_BYTES`` (1 MB) without being
buffered whole. Documents too long to be worth caching are not kept in the parse and
validation caches.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from httpx_ws import WebSocketDisconnect

from schema.app import create_app
from schema.caching import CACHED_DOCUMENTS, MAX_CACHED_QUERY_CHARS
from server.settings import Settings, SettingsError
from tests.schema.test_http_conformance import GQL, JSON, assert_error_body, media_type, post_raw
from tests.schema.wsclient import connect, next_message, subscribe

MAX_QUERY = 100_000  # the documented defaults
MAX_BODY = 1_000_000
MEGABYTE = 1_000_000


def padded(padding: str, size: int) -> str:
    """``{ __typename }`` padded to about ``size`` characters with ``padding``."""
    return "query Padded { __typename " + padding * (size // len(padding)) + "\n}"


def body(query: str) -> str:
    return json.dumps({"query": query})


def cache_sizes() -> tuple[int, int]:
    """Entries in the parse and validation caches (module-level LRU caches, by maxsize)."""
    from strawberry.extensions.parser_cache import _get_parse_cache
    from strawberry.extensions.validation_cache import _get_validate_cache

    parse = _get_parse_cache(CACHED_DOCUMENTS).cache_info().currsize
    validate = _get_validate_cache(CACHED_DOCUMENTS).cache_info().currsize
    return parse, validate


def test_the_limits_are_settings() -> None:
    assert (Settings().max_query_bytes, Settings().max_body_bytes) == (MAX_QUERY, MAX_BODY)
    env = {"JIXIAO_MAX_QUERY_BYTES": "5000", "JIXIAO_MAX_BODY_BYTES": "20000"}
    settings = Settings.from_env(env)
    assert (settings.max_query_bytes, settings.max_body_bytes) == (5000, 20000)
    with pytest.raises(SettingsError, match="MAX_BODY_BYTES"):
        Settings.from_env({"JIXIAO_MAX_BODY_BYTES": "0"}).validate()


@pytest.mark.parametrize("padding", [" ", "# padding comment\n"], ids=["whitespace", "comment"])
@pytest.mark.parametrize("size", [MEGABYTE, 2 * MAX_QUERY], ids=["1MB", "200kB"])
async def test_padded_documents_are_refused(api, padding: str, size: int) -> None:
    response = await post_raw(api, body(padded(padding, size)), accept=GQL)
    assert response.status_code == 413, response.text[:500]
    assert media_type(response) == GQL
    message = assert_error_body(response)["errors"][0]["message"]
    # The body limit for the megabyte, the document limit for the rest: each names its limit.
    assert f"{MAX_BODY} bytes" in message or f"at most {MAX_QUERY} bytes" in message, message


async def test_the_document_limit_is_named_in_the_callers_language(api) -> None:
    response = await post_raw(api, body(padded(" ", 2 * MAX_QUERY)))
    assert response.status_code == 413
    english = assert_error_body(response)["errors"][0]["message"]
    assert english.startswith("The GraphQL document is ") and f"{MAX_QUERY} bytes" in english
    request = api.client.build_request(
        "POST",
        "/graphql",
        content=body(padded(" ", 2 * MAX_QUERY)),
        headers={"content-type": JSON, "accept-language": "zh-CN"},
    )
    chinese = assert_error_body(await api.client.send(request))["errors"][0]["message"]
    assert "GraphQL 文档" in chinese and str(MAX_QUERY) in chinese


async def test_a_body_declared_over_the_limit_is_413(api) -> None:
    content = json.dumps({"query": "{ __typename }", "variables": {"pad": "x" * MAX_BODY}})
    response = await post_raw(api, content, accept=GQL)
    assert response.status_code == 413, response.text[:500]
    assert str(MAX_BODY) in assert_error_body(response)["errors"][0]["message"]


async def test_a_streamed_body_is_not_read_past_the_limit(api) -> None:
    """No Content-Length (chunked): the body is counted as it arrives and dropped at the limit."""
    chunk = b" " * 65_536
    sent = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal sent
        yield b'{"query": "{ __typename }"'
        for _ in range(200):  # 13 MB if it were all read
            sent += 1
            yield chunk
        yield b"}"

    request = api.client.build_request(
        "POST", "/graphql", content=endless(), headers={"content-type": JSON}
    )
    assert "content-length" not in request.headers
    response = await api.client.send(request)
    assert response.status_code == 413, response.text[:500]
    assert_error_body(response)
    assert sent <= MAX_BODY // len(chunk) + 2, sent


async def test_websocket_documents_are_capped(api) -> None:
    token = await api.token("gm@demo")
    async with connect(api, token) as ws:
        await subscribe(ws, "big", padded(" ", 2 * MAX_QUERY))
        refused = await next_message(ws)
        await subscribe(ws, "small", "query Small { __typename }")
        answered = await next_message(ws)
    assert refused["id"] == "big" and refused["type"] == "error", refused
    assert refused["payload"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "QUERY_TOO_LARGE",
    }
    assert f"at most {MAX_QUERY} bytes" in refused["payload"][0]["message"]
    assert answered == {"id": "small", "type": "next", "payload": {"data": {"__typename": "Query"}}}


@asynccontextmanager
async def small_limits(api) -> AsyncIterator[httpx.AsyncClient]:
    """The app built with JIXIAO_MAX_QUERY_BYTES=300 and JIXIAO_MAX_BODY_BYTES=600."""
    settings = dataclasses.replace(api.runtime.settings, max_query_bytes=300, max_body_bytes=600)
    app = create_app(settings=settings, runtime=api.runtime)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_configured_limits_apply(api) -> None:
    async with small_limits(api) as client:
        fits = await client.post("/graphql", json={"query": padded(" ", 250)})
        assert fits.json() == {"data": {"__typename": "Query"}}
        over = await client.post("/graphql", json={"query": padded(" ", 400)})
        assert over.status_code == 413 and "at most 300 bytes" in over.text
        too_big = await client.post(
            "/graphql", json={"query": "{ __typename }", "variables": {"p": "x" * 700}}
        )
        assert too_big.status_code == 413 and "600 bytes" in too_big.text


async def test_get_documents_and_query_strings_are_capped(api) -> None:
    # With the small limits: httpx itself refuses URLs as long as the default limits.
    async with small_limits(api) as client:
        fits = await client.get("/graphql", params={"query": padded(" ", 250)})
        assert fits.json() == {"data": {"__typename": "Query"}}
        response = await client.get(
            "/graphql", params={"query": padded(" ", 400)}, headers={"Accept": GQL}
        )
        assert response.status_code == 413, response.text
        assert media_type(response) == GQL
        assert "at most 300 bytes" in assert_error_body(response)["errors"][0]["message"]
        long_url = {"query": "{ __typename }", "variables": json.dumps({"pad": "x" * 700})}
        response = await client.get("/graphql", params=long_url, headers={"Accept": GQL})
        assert response.status_code == 414, response.text
        assert "600 bytes" in assert_error_body(response)["errors"][0]["message"]


async def test_large_allowed_documents_work_but_are_not_cached(api) -> None:
    token = await api.token("gm@demo")
    for n in range(3):
        # Distinct documents, each far over the cache threshold and under the document limit.
        # Long comment lines: each is one token, so the token limit is not what is tested.
        query = padded(f"# comment {n} {'x' * 1000}\n", MAX_QUERY // 2)
        assert MAX_CACHED_QUERY_CHARS < len(query) < MAX_QUERY
        before = cache_sizes()
        response = await api.post(query, token=token)
        assert response.json() == {"data": {"__typename": "Query"}}, response.text[:300]
        assert cache_sizes() == before
    # An ordinary document still is cached.
    before = cache_sizes()
    response = await api.post(f"query Small {{ __typename }} # {uuid.uuid4()}", token=token)
    assert response.json() == {"data": {"__typename": "Query"}}
    after = cache_sizes()
    assert after[0] > before[0] or before[0] == CACHED_DOCUMENTS


async def test_a_websocket_message_over_the_body_limit_closes_with_4400(api) -> None:
    token = await api.token("gm@demo")
    async with connect(api, token) as ws:
        await ws.send_text('{"type": "ping", "payload": {"pad": "' + "x" * MAX_BODY + '"}}')
        with pytest.raises(WebSocketDisconnect) as closed:
            await next_message(ws)
    assert closed.value.code == 4400
