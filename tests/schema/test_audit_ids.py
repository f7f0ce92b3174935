"""Audit entries name people and objects by global IDs, which the audit filter, `node` and
every other ID input take back; `actor` resolves the person as the directory shows them."""

from __future__ import annotations

import ast
from pathlib import Path

from schema import build_schema
from schema.audit import GRAPHQL_TYPES, WITHOUT_GRAPHQL_TYPE
from schema.ids import decode_any
from tests.schema.plans.planning import create

ENTRIES = """query($f: AuditFilterInput) { auditLog(first: 50, filter: $f) { edges { node {
  action objectType objectId actorId actor { id username } } } } }"""
UPDATE_EMP = """mutation($id: ID!, $i: UpdateEmployeeInput!) { updateEmployee(id: $id, input: $i) {
  title } }"""
NODE = "query($id: ID!) { node(id: $id) { __typename id } }"
ROOT = Path(__file__).resolve().parents[2]


def nodes(result: dict) -> list[dict]:
    assert "errors" not in result, result
    return [e["node"] for e in result["data"]["auditLog"]["edges"]]


async def test_actor_and_object_are_global_ids_that_round_trip(api, make_company) -> None:
    s = await make_company()
    admin = s.user("admin")
    await api.gql(UPDATE_EMP, {"id": s.ids["worker"], "i": {"title": "班组长"}}, as_user=admin)
    plan = await create(api, s)

    [update] = nodes(await api.gql(ENTRIES, {"f": {"action": "employee.update"}}, as_user=admin))
    assert update["objectId"] == s.ids["worker"] and update["actorId"] == s.ids["admin"]
    assert update["actor"] == {"id": s.ids["admin"], "username": admin}
    # Round trip: the entry's own IDs filter the log and resolve through node().
    by_actor = nodes(await api.gql(ENTRIES, {"f": {"actorId": update["actorId"]}}, as_user=admin))
    assert by_actor and {e["actorId"] for e in by_actor} == {s.ids["admin"]}
    by_object = nodes(
        await api.gql(ENTRIES, {"f": {"objectId": update["objectId"]}}, as_user=admin)
    )
    assert [e["action"] for e in by_object] == ["employee.update"]
    found = await api.gql(NODE, {"id": update["objectId"]}, as_user=admin)
    assert found["data"]["node"] == {"__typename": "Employee", "id": s.ids["worker"]}

    [created] = nodes(await api.gql(ENTRIES, {"f": {"action": "plan.create"}}, as_user=admin))
    assert created["objectId"] == plan["id"] and decode_any(created["objectId"])[0] == "Plan"
    assert created["actorId"] == s.ids["perf"] and created["actor"]["username"] == s.user("perf")
    hr_view = nodes(await api.gql(ENTRIES, {"f": {"objectId": plan["id"]}}, as_user=s.user("hrvp")))
    assert [e["action"] for e in hr_view] == ["plan.create"]


async def test_entries_without_actor_or_graphql_object_answer_null(api, make_company) -> None:
    s = await make_company()
    failed = await api.post(
        "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }",
        {"u": s.user("worker"), "p": "wrong-password!"},
    )
    assert failed.json()["errors"]
    token = await api.token(s.user("worker"))
    await api.gql("mutation { logout }", token=token)
    entries = nodes(await api.gql(ENTRIES, None, as_user=s.user("admin")))
    login_failed = next(e for e in entries if e["action"] == "auth.login_failed")
    assert login_failed["actorId"] is None and login_failed["actor"] is None
    assert login_failed["objectId"] == s.ids["worker"]
    logout = next(e for e in entries if e["action"] == "auth.logout")
    assert logout["objectType"] == "session" and logout["objectId"] is None
    assert logout["actorId"] == s.ids["worker"]


def recorded_object_types() -> set[str]:
    """The object types server/ writes to the log (5th argument of record_event, 3rd of
    record), read from the source so a new kind of entry cannot go unmapped."""
    found: set[str] = set()
    for path in (ROOT / "server").rglob("*.py"):
        if path == ROOT / "server" / "audit.py":
            continue  # record() hands its object type on to record_event()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                position = {"record": 2, "record_event": 4}.get(node.func.id)
                if position is not None and len(node.args) > position:
                    arg = node.args[position]
                    assert isinstance(arg, ast.Constant), f"{path}: object type not a literal"
                    found.add(arg.value)
    return found


def test_every_audited_object_type_maps_to_a_node_type() -> None:
    recorded = recorded_object_types()
    assert {"plan", "employee", "template", "session"} <= recorded
    assert recorded <= set(GRAPHQL_TYPES) | WITHOUT_GRAPHQL_TYPE
    schema = build_schema()
    for type_name in GRAPHQL_TYPES.values():
        definition = schema.get_type_by_name(type_name)
        assert definition is not None, type_name
        assert "Node" in {i.name for i in definition.interfaces}, type_name  # type: ignore[union-attr]
