"""Bad input of every kind gets a clean GraphQL error with a code; never a 500 or a traceback."""

from __future__ import annotations

import uuid

import pytest

from schema.ids import encode

DEEP = "{ me { " + "manager { " * 12 + "name" + " }" * 12 + " } }"
ALIASES = "{ " + " ".join(f"a{i}: me {{ name }}" for i in range(20)) + " }"
TOKENS = "{ me { " + " ".join(["name"] * 2100) + " } }"
CIRCULAR = """
query { me { ...A } }
fragment A on Employee { manager { ...B } }
fragment B on Employee { manager { ...A } }
"""

CASES = [
    ("malformed", "{ me { name ", None, "BAD_USER_INPUT"),
    ("unknown field", "{ me { salary } }", None, "BAD_USER_INPUT"),
    (
        "wrong variable type",
        "query($f: Int!) { employees(first: $f) { pageInfo { hasNextPage } } }",
        {"f": "ten"},
        "BAD_USER_INPUT",
    ),
    ("missing variable", "query($id: ID!) { employee(id: $id) { name } }", {}, "BAD_USER_INPUT"),
    ("garbage id", '{ employee(id: "not-an-id") { name } }', None, "BAD_USER_INPUT"),
    (
        "wrong id type",
        "query($id: ID!) { employee(id: $id) { name } }",
        {"id": encode("Department", uuid.uuid4())},
        "BAD_USER_INPUT",
    ),
    (
        "unknown id",
        "query($id: ID!) { employee(id: $id) { name } }",
        {"id": encode("Employee", uuid.uuid4())},
        "NOT_FOUND",
    ),
    (
        "oversize page",
        "{ employees(first: 101) { pageInfo { hasNextPage } } }",
        None,
        "BAD_USER_INPUT",
    ),
    (
        "negative page",
        "{ employees(first: -1) { pageInfo { hasNextPage } } }",
        None,
        "BAD_USER_INPUT",
    ),
    (
        "bad cursor",
        '{ employees(after: "zzz") { pageInfo { hasNextPage } } }',
        None,
        "BAD_USER_INPUT",
    ),
    ("deep query", DEEP, None, "BAD_USER_INPUT"),
    ("alias flood", ALIASES, None, "BAD_USER_INPUT"),
    ("token flood", TOKENS, None, "BAD_USER_INPUT"),
    ("circular fragments", CIRCULAR, None, "BAD_USER_INPUT"),
    ("empty document", "   ", None, "BAD_USER_INPUT"),
]


@pytest.mark.parametrize(("name", "query", "variables", "code"), CASES, ids=[c[0] for c in CASES])
async def test_bad_input_is_a_clean_error(api, name: str, query: str, variables, code: str) -> None:
    token = await api.token("gm@demo")
    response = await api.post(query, variables, token=token)
    assert response.status_code < 500, response.text
    body = response.json()
    assert body.get("data") is None or all(v is None for v in body["data"].values())
    errors = body["errors"]
    assert errors and all(e["extensions"]["code"] == code for e in errors), body
    text = response.text
    assert "Traceback" not in text and 'File \\"' not in text and "SELECT" not in text


async def test_invalid_json_body_is_not_a_500(api) -> None:
    response = await api.client.post(
        "/graphql", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert 400 <= response.status_code < 500
    assert "Traceback" not in response.text


async def test_validation_errors_name_the_field(api, make_company) -> None:
    sandbox = await make_company()
    query = """mutation($d: ID!) { createEmployee(input: {username: "x y", name: "A",
      employeeNumber: "E1", departmentId: $d}) { id } }"""
    result = await api.gql(query, {"d": sandbox.ids["sales"]}, as_user=sandbox.user("admin"))
    error = result["errors"][0]
    assert error["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "INVALID_FORMAT",
        "field": "username",
    }
    assert "username" in error["message"]


async def test_unexpected_errors_are_masked(api, monkeypatch) -> None:
    from server.services import employees

    async def broken(*args, **kwargs):
        raise RuntimeError("SELECT secret FROM employee -- boom")

    monkeypatch.setattr(employees, "get_employee", broken)
    result = await api.gql("{ me { name } }", as_user="gm@demo")
    error = result["errors"][0]
    assert error["extensions"]["code"] == "INTERNAL"
    assert "secret" not in error["message"] and "boom" not in error["message"]
    assert error["extensions"]["requestId"]


async def test_nul_characters_are_refused_before_reaching_the_database(api) -> None:
    token = await api.token("gm@demo")
    for query, variables in (
        ("query($s: String) { employees(search: $s) { edges { node { id } } } }", {"s": "a\x00b"}),
        ('{ employees(search: "a\\u0000b") { edges { node { id } } } }', None),
        (
            "query($f: AuditFilterInput) { auditLog(filter: $f) { edges { node { id } } } }",
            {"f": {"action": "x\x00"}},
        ),
    ):
        response = await api.post(query, variables, token=token)
        assert response.status_code == 400, response.text
        assert "NUL" in response.json()["errors"][0]["message"]


async def test_forged_cursors_are_bad_input(api) -> None:
    import base64
    import json

    token = await api.token("gm@demo")
    for payload in (["a\x00", str(uuid.uuid4())], ["a", "not-a-uuid"], {"x": 1}, "plain"):
        cursor = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()
        result = (
            await api.post(
                "query($a: String) { employees(after: $a) { pageInfo { hasNextPage } } }",
                {"a": cursor},
                token=token,
            )
        ).json()
        assert result["errors"][0]["extensions"] == {
            "code": "BAD_USER_INPUT",
            "reason": "BAD_CURSOR",
            "field": "after",
        }, payload


async def test_a_repeated_bad_query_is_refused_the_same_way(api) -> None:
    """Documents are parsed and validated once and then cached: the second, cached round must
    answer exactly like the first, in the caller's language each time."""
    token = await api.token("gm@demo")
    for name, query, variables, code in CASES:
        first = (await api.post(query, variables, token=token)).json()
        again = (await api.post(query, variables, token=token)).json()
        assert again == first, name
        assert again["errors"][0]["extensions"]["code"] == code, name
    query = "{ me { salary } }"
    english = (await api.post(query, token=token, lang="en")).json()["errors"][0]["message"]
    chinese = (await api.post(query, token=token, lang="zh-CN")).json()["errors"][0]["message"]
    assert "salary" in english and "salary" in chinese
    assert english != chinese


async def test_a_cached_valid_query_still_checks_its_arguments(api) -> None:
    token = await api.token("gm@demo")
    query = "query($f: Int!) { employees(first: $f) { edges { node { name } } } }"
    ok = (await api.post(query, {"f": 3}, token=token)).json()
    assert len(ok["data"]["employees"]["edges"]) == 3
    refused = (await api.post(query, {"f": 101}, token=token)).json()
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
