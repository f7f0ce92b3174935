"""Audit entries name people and objects by global IDs, which the audit filter, `node` and
every other ID input take back; `actor` resolves the person as the directory shows them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from schema import build_schema
from schema.audit import GRAPHQL_TYPES, WITHOUT_GRAPHQL_TYPE
from schema.ids import decode_any
from server.audit import Origin, record_event
from server.models import AuditEntry, Company
from server.vocabulary import AuditAction, AuditObjectType
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

    [update] = nodes(await api.gql(ENTRIES, {"f": {"action": "EMPLOYEE_UPDATE"}}, as_user=admin))
    assert update["objectId"] == s.ids["worker"] and update["actorId"] == s.ids["admin"]
    assert update["actor"] == {"id": s.ids["admin"], "username": admin}
    # Round trip: the entry's own IDs filter the log and resolve through node().
    by_actor = nodes(await api.gql(ENTRIES, {"f": {"actorId": update["actorId"]}}, as_user=admin))
    assert by_actor and {e["actorId"] for e in by_actor} == {s.ids["admin"]}
    by_object = nodes(
        await api.gql(ENTRIES, {"f": {"objectId": update["objectId"]}}, as_user=admin)
    )
    assert [e["action"] for e in by_object] == ["EMPLOYEE_UPDATE"]
    found = await api.gql(NODE, {"id": update["objectId"]}, as_user=admin)
    assert found["data"]["node"] == {"__typename": "Employee", "id": s.ids["worker"]}

    [created] = nodes(await api.gql(ENTRIES, {"f": {"action": "PLAN_CREATE"}}, as_user=admin))
    assert created["objectId"] == plan["id"] and decode_any(created["objectId"])[0] == "Plan"
    assert created["actorId"] == s.ids["perf"] and created["actor"]["username"] == s.user("perf")
    hr_view = nodes(await api.gql(ENTRIES, {"f": {"objectId": plan["id"]}}, as_user=s.user("hrvp")))
    assert [e["action"] for e in hr_view] == ["PLAN_CREATE"]


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
    login_failed = next(e for e in entries if e["action"] == "AUTH_LOGIN_FAILED")
    assert login_failed["actorId"] is None and login_failed["actor"] is None
    assert login_failed["objectId"] == s.ids["worker"]
    logout = next(e for e in entries if e["action"] == "AUTH_LOGOUT")
    assert logout["objectType"] == "SESSION" and logout["objectId"] is None
    assert logout["actorId"] == s.ids["worker"]


def audit_calls() -> list[tuple[Path, ast.expr, ast.expr]]:
    """Every record()/record_event() call in server/ with its action and object type
    arguments, read from the source."""
    found = []
    for path in (ROOT / "server").rglob("*.py"):
        if path == ROOT / "server" / "audit.py":
            continue  # record() hands its arguments on to record_event()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                position = {"record": 1, "record_event": 3}.get(node.func.id)
                if position is not None and len(node.args) > position + 1:
                    found.append((path, node.args[position], node.args[position + 1]))
    return found


def member(expr: ast.expr, enum: str) -> str | None:
    """``AuditObjectType.PLAN`` -> ``"PLAN"``; None for anything else."""
    if (
        isinstance(expr, ast.Attribute)
        and isinstance(expr.value, ast.Name)
        and expr.value.id == enum
    ):
        return expr.attr
    return None


def test_the_log_is_written_with_the_vocabulary_only() -> None:
    """Actions and object types are enum members where they are recorded, never strings
    (mypy checks the members' types), so a new kind of entry needs its member first."""
    calls = audit_calls()
    assert len(calls) >= 25
    types: set[str] = set()
    actions: set[str] = set()
    for path, action, object_type in calls:
        named = member(object_type, "AuditObjectType")
        assert named in AuditObjectType.__members__, f"{path}:{object_type.lineno}"
        types.add(named)
        assert not isinstance(action, ast.Constant | ast.JoinedStr), f"{path}:{action.lineno}"
        actions.add(member(action, "AuditAction") or "")
    assert {"PLAN", "EMPLOYEE", "TEMPLATE", "SESSION"} <= types
    assert {"PLAN_CREATE", "TEMPLATE_DELETE", "AUTH_LOGOUT"} <= actions
    assert actions <= {*AuditAction.__members__, ""}  # "": a variable of type AuditAction


async def test_a_string_outside_the_vocabulary_is_not_written(db) -> None:
    company = await Company.first()
    assert company is not None
    before = await AuditEntry.all().count()
    for action, object_type in (("plan.rename", "plan"), ("plan.update", "plans")):
        with pytest.raises(ValueError):
            await record_event(company.id, None, Origin(), action, object_type, "x")  # type: ignore[arg-type]
    assert await AuditEntry.all().count() == before


def test_every_audited_object_type_maps_to_a_node_type() -> None:
    assert set(GRAPHQL_TYPES) | WITHOUT_GRAPHQL_TYPE == set(AuditObjectType)
    assert not set(GRAPHQL_TYPES) & WITHOUT_GRAPHQL_TYPE
    schema = build_schema()
    for type_name in GRAPHQL_TYPES.values():
        definition = schema.get_type_by_name(type_name)
        assert definition is not None, type_name
        assert "Node" in {i.name for i in definition.interfaces}, type_name  # type: ignore[union-attr]
