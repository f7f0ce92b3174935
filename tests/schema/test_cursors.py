"""Every connection's `after` takes only a cursor of exactly the shape it handed out.

Anything else, however it is malformed, is BAD_USER_INPUT naming the field: never INTERNAL.
"""

from __future__ import annotations

import base64
import json
import uuid

from server.db import using

ROW = str(uuid.uuid4())


def b64(raw: str | bytes) -> str:
    data = raw.encode() if isinstance(raw, str) else raw
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def js(value: object) -> str:
    return b64(json.dumps(value))


BAD_CURSORS = {
    "number as id": js(["a", 5]),
    "object as id": js(["a", {"x": 1}]),
    "list as key": js([["a"], ROW]),
    "number as key": js([5, ROW]),
    "null key": js([None, ROW]),
    "bool id": js(["a", True]),
    "one element": js(["a"]),
    "three elements": js(["a", ROW, "c"]),
    "empty list": js([]),
    "object": js({"key": "a", "id": ROW}),
    "bare string": js("a"),
    "bare number": js(5),
    "not a uuid": js(["a", "not-a-uuid"]),
    "deep nesting": b64("[" * 5000),
    "deep nesting closed": b64("[" * 5000 + "]" * 5000),
    "not base64": "!!!not base64!!!",
    "non-ascii": "é" * 8,
    "base64 of non-json": b64("hello, world"),
    "base64 of binary": b64(b"\xff\xfe\x00\x01"),
    "huge integer": b64("[" + "9" * 5000 + f', "{ROW}"]'),
    "huge float": b64('["a", 1e999999999]'),
    "huge float key": b64(f'[1e999999999, "{ROW}"]'),
    "NaN": b64(f'[NaN, "{ROW}"]'),
    "empty": "",
    "padding only": "====",
    "NUL in key": js(["a\x00b", ROW]),
    "very long": js(["x" * 20_000, ROW]),
}

# Sort keys the audit log cannot compare against its timestamps.
BAD_AUDIT_KEYS = {
    "not a date": js(["yesterday", ROW]),
    "date without zone": js(["2026-01-01T00:00:00", ROW]),
    "year zero": js(["0000-01-01T00:00:00+00:00", ROW]),
}


async def _connections(api, make_company) -> list[tuple[str, str, dict, str]]:
    """(name, query, variables, user) for every field that takes `after`."""
    from server.models import Company, ConnectorConfig

    sandbox = await make_company()
    with using(api.runtime.db):
        company = await Company.get(slug=sandbox.slug)
        config = await ConnectorConfig.create(company=company, connector="rest", name="cursors")
    from schema.ids import encode

    return [
        (
            "employees",
            "query($a: String) { employees(after: $a) { edges { cursor } } }",
            {},
            sandbox.user("gm"),
        ),
        (
            "department.employees",
            "query($d: ID!, $a: String) { department(id: $d) { employees(after: $a) "
            "{ edges { cursor } } } }",
            {"d": sandbox.ids["root"]},
            sandbox.user("gm"),
        ),
        (
            "auditLog",
            "query($a: String) { auditLog(after: $a) { edges { cursor } } }",
            {},
            sandbox.user("admin"),
        ),
        (
            "quarantine",
            "query($c: ID!, $a: String) { quarantine(configId: $c, after: $a) "
            "{ edges { cursor } } }",
            {"c": encode("ConnectorConfig", config.id)},
            sandbox.user("admin"),
        ),
    ]


async def test_every_bad_cursor_on_every_connection_is_bad_input(api, make_company) -> None:
    connections = await _connections(api, make_company)
    for name, query, variables, user in connections:
        token = await api.token(user)
        cursors = dict(BAD_CURSORS)
        if name == "auditLog":
            cursors |= BAD_AUDIT_KEYS
        for label, cursor in cursors.items():
            response = await api.post(query, {**variables, "a": cursor}, token=token)
            assert response.status_code == 200, (name, label, response.text)
            errors = response.json()["errors"]
            assert errors[0]["extensions"] == {
                "code": "BAD_USER_INPUT",
                "reason": "BAD_CURSOR",
                "field": "after",
            }, (
                name,
                label,
                errors,
            )


async def test_cursors_handed_out_still_work(api, make_company) -> None:
    connections = await _connections(api, make_company)
    for name, query, variables, user in connections[:3]:  # the new quarantine is empty
        token = await api.token(user)
        first_page = query.replace("after: $a", "first: 2, after: $a")
        page = (await api.post(first_page, {**variables, "a": None}, token=token)).json()
        assert "errors" not in page, (name, page)
        connection = page["data"].get("department", page["data"])
        edges = next(iter(connection.values()))["edges"]
        assert edges, name
        following = await api.post(query, {**variables, "a": edges[-1]["cursor"]}, token=token)
        assert "errors" not in following.json(), (name, following.text)
