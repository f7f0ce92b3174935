"""Requests refused before anything runs, with a GraphQL-shaped 400 and never a 500.

Bodies that are not UTF-8, JSON nested too deep (in the body or in GET's ``variables``),
numbers too long to convert, and documents with several operations but no
``operationName`` (the spec's "Must provide operation name" error, with nothing executed).
"""

from __future__ import annotations

import pytest

from schema.request_json import MAX_JSON_DEPTH
from tests.schema.test_http_conformance import (
    GQL,
    JSON,
    assert_error_body,
    media_type,
    post_raw,
)
from tests.schema.wsclient import fresh_token

NOT_UTF8 = b'{"query":"{me{id}}"}\xff'
MUST_NAME = "Must provide operation name if query contains multiple operations."
LOGOUT_FIRST = "mutation B { logout } query A { me { name } }"


def nested(depth: int) -> str:
    """A JSON array nested ``depth`` levels deep."""
    return "[" * depth + "]" * depth


def body_with_variables(variables: str) -> str:
    return '{"query": "{ __typename }", "variables": {"v": ' + variables + "}}"


@pytest.mark.parametrize("accept", [GQL, JSON])
async def test_a_body_that_is_not_utf8_is_400(api, accept: str) -> None:
    response = await post_raw(api, NOT_UTF8, accept=accept)
    assert response.status_code == 400, response.text
    assert media_type(response) == accept
    payload = assert_error_body(response)
    assert "UTF-8" in payload["errors"][0]["message"]
    assert "data" not in payload


@pytest.mark.parametrize("depth", [100_000, 1_000, 300, MAX_JSON_DEPTH])
async def test_variables_nested_too_deep_are_400(api, depth: int) -> None:
    # The variables object itself is one level, so MAX_JSON_DEPTH - 1 arrays fit and no more.
    response = await post_raw(api, body_with_variables(nested(depth)))
    assert response.status_code == 400, response.text
    payload = assert_error_body(response)
    assert f"{MAX_JSON_DEPTH} levels" in payload["errors"][0]["message"]


async def test_nesting_up_to_the_limit_is_accepted(api) -> None:
    # The body: {"variables": {"v": [[...]]}} is 2 + depth levels deep.
    within = await post_raw(api, body_with_variables(nested(MAX_JSON_DEPTH - 2)))
    assert within.status_code == 200, within.text
    assert within.json() == {"data": {"__typename": "Query"}}
    beyond = await post_raw(api, body_with_variables(nested(MAX_JSON_DEPTH - 1)))
    assert beyond.status_code == 400, beyond.text
    assert_error_body(beyond)


@pytest.mark.parametrize("depth", [5_000, 300])
async def test_get_variables_nested_too_deep_are_400(api, depth: int) -> None:
    response = await api.client.get(
        "/graphql",
        params={"query": "{ __typename }", "variables": '{"v": ' + nested(depth) + "}"},
        headers={"Accept": GQL},
    )
    assert response.status_code == 400, response.text
    assert media_type(response) == GQL
    assert_error_body(response)


async def test_a_number_too_long_to_convert_is_400(api) -> None:
    response = await post_raw(api, body_with_variables("1" * 5000))
    assert response.status_code == 400, response.text
    assert_error_body(response)


async def test_parse_errors_follow_accept_language(api) -> None:
    request = api.client.build_request(
        "POST",
        "/graphql",
        content=NOT_UTF8,
        headers={"content-type": JSON, "accept-language": "zh"},
    )
    response = await api.client.send(request)
    assert response.status_code == 400, response.text
    assert assert_error_body(response)["errors"][0]["message"].startswith("请求无效")


# --- several operations, no operationName ---------------------------------------------------


async def test_several_operations_without_a_name_run_nothing(api, make_company) -> None:
    sandbox = await make_company()
    token = await fresh_token(api, sandbox.user("staff"))
    for accept, status in ((JSON, 200), (GQL, 400)):
        response = await api.post(LOGOUT_FIRST, token=token, headers={"Accept": accept})
        assert response.status_code == status, response.text
        payload = assert_error_body(response)
        assert [e["message"] for e in payload["errors"]] == [MUST_NAME]
        assert payload.get("data") is None
    # Still signed in: the mutation did not run.
    me = await api.gql("{ me { name } }", token=token)
    assert me["data"]["me"]["name"] == "STAFF 测试", me
    # Naming the operation picks it.
    picked = await api.client.post(
        "/graphql",
        json={"query": LOGOUT_FIRST, "operationName": "A"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert picked.json() == {"data": {"me": {"name": "STAFF 测试"}}}


async def test_several_operations_without_a_name_over_get(api, make_company) -> None:
    sandbox = await make_company()
    token = await fresh_token(api, sandbox.user("staff"))
    headers = {"Accept": GQL, "Authorization": f"Bearer {token}"}
    response = await api.client.get(
        "/graphql",
        params={"query": "query A { me { name } } query B { __typename }"},
        headers=headers,
    )
    assert response.status_code == 400, response.text
    assert [e["message"] for e in assert_error_body(response)["errors"]] == [MUST_NAME]
    # A mutation first: GET never runs mutations (405), and nothing else runs either.
    response = await api.client.get("/graphql", params={"query": LOGOUT_FIRST}, headers=headers)
    assert response.status_code in (400, 405), response.text
    assert_error_body(response)
    assert (await api.gql("{ me { name } }", token=token))["data"]["me"]["name"]
