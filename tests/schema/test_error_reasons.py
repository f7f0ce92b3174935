"""Every error carries a stable ``extensions.reason`` next to its code.

The reasons are ``server.errors.Reason``; docs/api.md lists them in a table, and every message
key a domain error is raised with has one. Through the real app: domain errors, GraphQL's own
refusals (limits included), HTTP-level refusals and masked bugs.
"""

from __future__ import annotations

import ast
import re
import uuid
from pathlib import Path
from typing import Any

from schema.ids import encode
from server.errors import ErrorCode, Reason, reason_for
from server.i18n import MESSAGES
from server.settings import PROJECT_ROOT
from tests.schema.plans.planning import CREATE, UPDATE, create, indicators, plan_input, step

RAISERS = {"DomainError", "Unauthenticated", "Forbidden", "BadInput", "Conflict"}


def documented() -> dict[str, str]:
    """Reason → code, from the table under docs/api.md's "Error reasons"."""
    text = (PROJECT_ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    section = text.split("## Error reasons", 1)[1]
    rows = re.findall(r"^\| `([A-Z0-9_]+)` \| ([A-Z_]+) \|", section, re.MULTILINE)
    return dict(rows)


def raised_keys() -> dict[str, list[str]]:
    """Every literal message key a domain error is raised with, in server/ and schema/."""
    keys: dict[str, list[str]] = {}
    for folder in ("server", "schema"):
        for path in sorted(Path(PROJECT_ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = getattr(func, "id", None) or getattr(func, "attr", None)
                if name not in RAISERS:
                    continue
                first = node.args[0] if node.args else None
                assert isinstance(first, ast.Constant), f"{path}:{node.lineno}: a literal key"
                keys.setdefault(first.value, []).append(f"{path.name}:{node.lineno}")
    return keys


def test_the_docs_list_every_reason_with_its_code() -> None:
    table = documented()
    assert list(table) == list(dict.fromkeys(table)), "a reason listed twice"
    assert set(table) == {r.value for r in Reason}
    assert set(table.values()) <= {c.value for c in ErrorCode}


def test_the_sdl_documents_codes_and_reasons_for_codegen() -> None:
    from graphql import GraphQLEnumType

    from schema import build_schema

    types = build_schema()._schema.type_map
    reasons, codes = types["ErrorReason"], types["ErrorCode"]
    assert isinstance(reasons, GraphQLEnumType) and isinstance(codes, GraphQLEnumType)
    assert list(reasons.values) == [r.value for r in Reason]
    assert list(codes.values) == [c.value for c in ErrorCode]


def test_every_raised_key_has_a_reason_and_a_message() -> None:
    keys = raised_keys()
    assert len(keys) > 40  # the scan finds the raise sites
    for key, sites in keys.items():
        assert key in MESSAGES, (key, sites)
        assert reason_for(key) is not Reason.INTERNAL, (key, sites)
    assert reason_for("not_found") is Reason.NOT_FOUND
    assert reason_for("weights_total") is Reason.WEIGHTS_NOT_100
    assert reason_for("query_cost") is Reason.QUERY_TOO_COSTLY


def extensions(payload: dict[str, Any]) -> dict[str, Any]:
    assert payload.get("errors"), payload
    return payload["errors"][0]["extensions"]


async def test_domain_errors_carry_their_reason(api, make_company) -> None:
    sandbox = await make_company()
    perf = sandbox.user("perf")
    assert extensions(await api.gql("{ me { name } }")) == {
        "code": "UNAUTHENTICATED",
        "reason": "UNAUTHENTICATED",
    }
    missing = encode("Plan", str(uuid.uuid4()))
    found = await api.gql("query($id: ID!) { plan(id: $id) { id } }", {"id": missing}, as_user=perf)
    assert extensions(found)["reason"] == "NOT_FOUND"

    heavy = indicators()
    heavy[0]["weight"] = "60"
    bad = await api.gql(
        CREATE, {"i": plan_input([sandbox.ids["plant"]], indicators=heavy)}, as_user=perf
    )
    assert extensions(bad)["code"] == "BAD_USER_INPUT"
    assert extensions(bad)["reason"] == "WEIGHTS_NOT_100"

    plan = await create(api, sandbox)
    stale = await api.gql(
        UPDATE, {"id": plan["id"], "v": 99, "i": {"name": "x"}, "c": ""}, as_user=perf
    )
    assert extensions(stale) == {"code": "CONFLICT", "reason": "STALE_VERSION"}
    illegal = await step(api, plan["id"], "FILE", perf)
    assert extensions(illegal)["reason"] == "ILLEGAL_TRANSITION"

    rows = await api.gql(
        """mutation($id: ID!, $c: [IndicatorChange!]!) {
          updateIndicators(planId: $id, expectedVersion: 1, changes: $c) { id } }""",
        {"id": plan["id"], "c": [{"key": "nope"}, {"key": "nope2"}]},
        as_user=perf,
    )
    ext = extensions(rows)
    assert ext["reason"] == "ROWS_INVALID"
    assert [r["reason"] for r in ext["rows"]] == ["UNKNOWN_INDICATOR", "UNKNOWN_INDICATOR"]


async def test_the_last_admin_reason(api, make_company) -> None:
    sandbox = await make_company()
    admin = sandbox.user("admin")
    me = await api.gql("{ me { roles { id role } } }", as_user=admin)
    (held,) = [r for r in me["data"]["me"]["roles"] if r["role"] == "ADMIN"]
    revoked = await api.gql(
        "mutation($id: ID!) { revokeRole(id: $id) { id } }", {"id": held["id"]}, as_user=admin
    )
    assert extensions(revoked) == {"code": "CONFLICT", "reason": "LAST_ADMIN"}


async def test_refused_documents_say_which_limit(api) -> None:
    token = await api.token("gm@demo")
    cases = {
        "{ me { nam } }": "INVALID_QUERY",
        "{": "INVALID_QUERY",
        "query A { me { name } } query B { me { name } }": "OPERATION_NAME_REQUIRED",
        "{ me " + "{ manager " * 11 + "{ name }" + " }" * 11 + " }": "QUERY_TOO_DEEP",
        "{ " + " ".join(f"a{i}: __typename" for i in range(16)) + " }": "TOO_MANY_ALIASES",
        "{ __typename " + "__typename " * 2000 + "}": "TOO_MANY_TOKENS",
        "{ a: departments { employees(first: 100) { edges { node { department {"
        " employees(first: 100) { edges { node { name } } } } } } } } }": "QUERY_TOO_COSTLY",
    }
    for document, reason in cases.items():
        ext = extensions(await api.gql(document, token=token))
        assert (ext["code"], ext["reason"]) == ("BAD_USER_INPUT", reason), document[:60]


async def test_http_refusals_carry_a_reason(api) -> None:
    client = api.client
    gql = {"Content-Type": "application/json", "Accept": "application/json"}
    not_json = await client.post("/graphql", content=b"{nope", headers=gql)
    assert not_json.status_code == 400
    assert extensions(not_json.json())["reason"] == "INVALID_REQUEST"
    by_get = await client.get(
        "/graphql", params={"query": "mutation { logout }"}, headers={"Accept": "application/json"}
    )
    assert by_get.status_code == 405
    assert extensions(by_get.json())["reason"] == "METHOD_NOT_ALLOWED"
    big = "{ __typename " + " " * 100_001 + "}"
    too_large = await client.post("/graphql", json={"query": big}, headers=gql)
    assert too_large.status_code == 413
    assert extensions(too_large.json())["reason"] == "QUERY_TOO_LARGE"
    nul = await client.post("/graphql", json={"query": "{ __typename }\u0000"}, headers=gql)
    assert extensions(nul.json())["reason"] == "TEXT_NUL"


async def test_a_bug_is_internal_with_its_reason(api, monkeypatch) -> None:
    from server.services import employees

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(employees, "get_employee", broken)
    response = await api.post(
        "{ me { name } }", token=await api.token("gm@demo"), headers={"X-Request-ID": "bug-1"}
    )
    assert extensions(response.json()) == {
        "code": "INTERNAL",
        "reason": "INTERNAL",
        "requestId": "bug-1",
    }
