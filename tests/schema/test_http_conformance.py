"""GraphQL over HTTP (https://graphql.github.io/graphql-over-http/draft/) on /graphql.

The same behaviours the npm ``graphql-http`` audit checks (tools/graphql-http-audit), asserted
here directly: media-type negotiation from ``Accept``, 4xx for requests that fail before
execution under ``application/graphql-response+json`` (200 kept for ``application/json``),
405 for mutations over GET, 415 for bodies that are not JSON, and a GraphQL-shaped JSON body
without any traceback for every failure.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from schema.http import negotiate_media_type

GQL = "application/graphql-response+json"
JSON = "application/json"

SYNTAX_ERROR = "{"
VALIDATION_ERROR = "{ 8f31403dfe404bccbb0e835f2629c6a7 }"
UNKNOWN_FIELD = "{ thisFieldDoesNotExist }"
COERCION_ERROR = ("query Type($name: String!) { __type(name: $name) { name } }", {"name": None})


def media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip()


def assert_error_body(response: httpx.Response, *, code: str | None = "BAD_USER_INPUT") -> dict:
    """A JSON body with ``errors[0].message`` and nothing that looks like a stack trace."""
    assert media_type(response) in (GQL, JSON), response.headers
    text = response.text
    assert "Traceback" not in text and 'File "' not in text, text
    payload = response.json()
    assert isinstance(payload.get("errors"), list) and payload["errors"], payload
    first = payload["errors"][0]
    assert isinstance(first.get("message"), str) and first["message"].strip(), payload
    if code is not None:
        assert first.get("extensions", {}).get("code") == code, payload
    return payload


async def post_raw(
    api, content: bytes | str | None, *, accept: str | None = JSON, content_type: str | None = JSON
) -> httpx.Response:
    """POST exactly these bytes; ``None`` headers are left out entirely (httpx adds */*)."""
    request = api.client.build_request("POST", "/graphql", content=content)
    for name, value in (("accept", accept), ("content-type", content_type)):
        if value is None:
            request.headers.pop(name, None)
        else:
            request.headers[name] = value
    return await api.client.send(request)


async def post(api, body: dict[str, Any], *, accept: str | None) -> httpx.Response:
    return await post_raw(api, json.dumps(body), accept=accept, content_type=JSON)


# --- media type negotiation -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (GQL, GQL),
        (f"{GQL}; charset=utf-8", GQL),
        (f"{GQL}, {JSON};q=0.9", GQL),
        (f"{JSON};q=0.9, {GQL}", GQL),
        (JSON, JSON),
        (f"{GQL};q=0.5, {JSON}", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        (None, JSON),
        ("text/html", JSON),
        (f"{JSON};q=0, */*", GQL),
    ],
)
async def test_response_media_type_follows_accept(api, accept: str | None, expected: str) -> None:
    response = await post(api, {"query": "{ __typename }"}, accept=accept)
    assert response.status_code == 200, response.text
    assert media_type(response) == expected, response.headers
    assert response.json() == {"data": {"__typename": "Query"}}
    assert negotiate_media_type(accept) == expected


async def test_utf8_request_and_response(api) -> None:
    body = json.dumps({"query": '{ __type(name: "Run🏃Swim🏊") { name } }'}, ensure_ascii=False)
    response = await post_raw(api, body.encode("utf-8"), content_type=f"{JSON}; charset=utf-8")
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"__type": None}}
    assert "utf-8" in response.headers["content-type"].lower()


# --- requests that fail before execution ----------------------------------------------------


@pytest.mark.parametrize(
    ("query", "variables"),
    [(SYNTAX_ERROR, None), (VALIDATION_ERROR, None), (UNKNOWN_FIELD, None), COERCION_ERROR],
    ids=["syntax", "invalid-token", "validation", "variable-coercion"],
)
async def test_request_errors_are_400_without_data_for_graphql_response_json(
    api, query: str, variables: dict | None
) -> None:
    body: dict[str, Any] = {"query": query}
    if variables is not None:
        body["variables"] = variables
    response = await post(api, body, accept=GQL)
    assert response.status_code == 400, response.text
    assert media_type(response) == GQL
    payload = assert_error_body(response)
    assert "data" not in payload, payload
    assert "locations" in payload["errors"][0] or variables is not None


@pytest.mark.parametrize(
    ("query", "variables"),
    [(SYNTAX_ERROR, None), (VALIDATION_ERROR, None), (UNKNOWN_FIELD, None), COERCION_ERROR],
    ids=["syntax", "invalid-token", "validation", "variable-coercion"],
)
async def test_request_errors_stay_200_for_application_json(
    api, query: str, variables: dict | None
) -> None:
    body: dict[str, Any] = {"query": query}
    if variables is not None:
        body["variables"] = variables
    response = await post(api, body, accept=JSON)
    assert response.status_code == 200, response.text
    assert media_type(response) == JSON
    payload = assert_error_body(response)
    assert payload["data"] is None


@pytest.mark.parametrize("accept", [GQL, JSON])
async def test_execution_errors_are_200_with_data(api, accept: str) -> None:
    # `me` needs a signed-in caller: a field error raised during execution
    response = await post(api, {"query": "{ __typename me { name } }"}, accept=accept)
    assert response.status_code == 200, response.text
    assert media_type(response) == accept
    payload = assert_error_body(response, code="UNAUTHENTICATED")
    assert "data" in payload
    assert payload["errors"][0]["path"] == ["me"]


async def test_signed_in_query_is_200_with_graphql_response_json(api) -> None:
    token = await api.token("gm@demo")
    response = await api.post("{ me { name } }", token=token, headers={"Accept": GQL})
    assert response.status_code == 200, response.text
    assert media_type(response) == GQL
    assert response.json()["data"]["me"]["name"]
    assert "errors" not in response.json()


# --- invalid request parameters and bodies --------------------------------------------------


@pytest.mark.parametrize("accept", [GQL, JSON, None])
@pytest.mark.parametrize(
    "content",
    ['{ "not a JSON', "", "5", '"a string"', "null"],
    ids=["truncated", "empty", "number", "string", "null"],
)
async def test_malformed_or_non_object_body_is_400(api, content: str, accept: str | None) -> None:
    response = await post_raw(api, content, accept=accept)
    assert response.status_code == 400, response.text
    assert media_type(response) == (accept or JSON)
    assert_error_body(response)


@pytest.mark.parametrize("accept", [GQL, JSON])
@pytest.mark.parametrize(
    "body",
    [
        {},
        {"notquery": "{ __typename }"},
        {"query": None},
        {"query": ""},
        {"query": {"obj": "ect"}},
        {"query": 0},
        {"query": False},
        {"query": ["array"]},
        {"query": "{ __typename }", "operationName": {"obj": "ect"}},
        {"query": "{ __typename }", "operationName": 0},
        {"query": "{ __typename }", "operationName": False},
        {"query": "{ __typename }", "operationName": ["array"]},
        {"query": "{ __typename }", "variables": "string"},
        {"query": "{ __typename }", "variables": 0},
        {"query": "{ __typename }", "variables": ["array"]},
        {"query": "{ __typename }", "extensions": "string"},
        {"query": "{ __typename }", "extensions": False},
        {"query": "{ __typename }", "extensions": ["array"]},
        {"query": "query A { __typename }", "operationName": "B"},
    ],
)
async def test_missing_or_ill_typed_parameters_are_400(api, body: dict, accept: str) -> None:
    response = await post(api, body, accept=accept)
    assert response.status_code == 400, response.text
    assert media_type(response) == accept
    payload = assert_error_body(response)
    assert "data" not in payload


@pytest.mark.parametrize("accept", [GQL, JSON])
@pytest.mark.parametrize("parameter", ["variables", "operationName", "extensions"])
async def test_null_optional_parameters_are_fine(api, parameter: str, accept: str) -> None:
    response = await post(api, {"query": "{ __typename }", parameter: None}, accept=accept)
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_operation_name_and_maps_are_accepted(api) -> None:
    response = await post(
        api,
        {
            "query": (
                "query Q($name: String!) { __type(name: $name) { name } } query R { __typename }"
            ),
            "operationName": "Q",
            "variables": {"name": "Query"},
            "extensions": {"some": "value"},
        },
        accept=GQL,
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"__type": {"name": "Query"}}}


@pytest.mark.parametrize("accept", [GQL, JSON])
@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain",
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
        "application/graphql",
        "multipart/form-data; boundary=x",
        "application/json; charset=latin1",
    ],
)
async def test_unsupported_content_type_is_415(api, content_type: str | None, accept: str) -> None:
    response = await post_raw(
        api, '{"query": "{ __typename }"}', accept=accept, content_type=content_type
    )
    assert response.status_code == 415, response.text
    assert media_type(response) == accept
    assert_error_body(response)


async def test_json_content_type_is_case_insensitive_with_charset(api) -> None:
    response = await post_raw(
        api, '{"query": "{ __typename }"}', content_type="Application/JSON; Charset=UTF-8"
    )
    assert response.status_code == 200, response.text


async def test_http_error_message_follows_accept_language(api) -> None:
    request = api.client.build_request(
        "POST", "/graphql", content="{", headers={"content-type": JSON, "accept-language": "zh"}
    )
    response = await api.client.send(request)
    assert response.status_code == 400
    assert assert_error_body(response)["errors"][0]["message"].startswith("请求无效")


# --- GET ------------------------------------------------------------------------------------


@pytest.mark.parametrize("accept", [GQL, JSON, "*/*"])
async def test_queries_work_over_get(api, accept: str) -> None:
    response = await api.client.get(
        "/graphql",
        params={
            "query": "query Type($name: String!) { __type(name: $name) { name } }",
            "variables": '{"name": "Query"}',
        },
        headers={"Accept": accept},
    )
    assert response.status_code == 200, response.text
    assert media_type(response) == (GQL if accept == GQL else JSON)
    assert response.json() == {"data": {"__type": {"name": "Query"}}}


@pytest.mark.parametrize("accept", [GQL, JSON])
@pytest.mark.parametrize(
    "query",
    [
        "mutation { __typename }",
        'mutation { login(username: "gm@demo", password: "x") { accessToken } }',
    ],
)
async def test_mutations_over_get_are_405(api, query: str, accept: str) -> None:
    response = await api.client.get("/graphql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 405, response.text
    assert response.headers["allow"] == "POST"
    assert media_type(response) == accept
    payload = assert_error_body(response)
    assert "data" not in payload


async def test_get_request_errors_follow_the_media_type(api) -> None:
    for accept, status in ((GQL, 400), (JSON, 200)):
        response = await api.client.get(
            "/graphql", params={"query": VALIDATION_ERROR}, headers={"Accept": accept}
        )
        assert response.status_code == status, (accept, response.text)
        assert_error_body(response)
    missing = await api.client.get("/graphql", headers={"Accept": GQL})
    assert missing.status_code == 400
    assert_error_body(missing)
    bad_variables = await api.client.get(
        "/graphql",
        params={"query": "{ __typename }", "variables": "{nope"},
        headers={"Accept": GQL},
    )
    assert bad_variables.status_code == 400
    assert_error_body(bad_variables)


async def test_graphiql_still_served_to_browsers(api) -> None:
    response = await api.client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert media_type(response) == "text/html"
    assert "graphiql" in response.text.lower()


async def test_other_methods_are_405(api) -> None:
    head = await api.client.head("/graphql", params={"query": "{ __typename }"})
    assert head.status_code == 405
    assert {m.strip() for m in head.headers["allow"].split(",")} >= {"GET", "POST"}
    put = await api.client.put("/graphql", json={"query": "{ __typename }"})
    assert put.status_code == 405
    assert "Traceback" not in put.text


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_subscriptions_over_http_are_refused_with_a_clear_400(api, method: str) -> None:
    query = "subscription { __typename }"
    if method == "GET":
        response = await api.client.get("/graphql", params={"query": query})
    else:
        response = await api.client.post("/graphql", json={"query": query})
    assert response.status_code == 400, response.text
    payload = assert_error_body(response)
    assert "websocket" in payload["errors"][0]["message"]
    assert "data" not in payload
