"""The audit log speaks in enums: AuditAction and AuditObjectType out and, as filters, in;
the database keeps the `object.verb` words it always had."""

from __future__ import annotations

from schema.ids import decode
from tests.schema.plans.planning import create, step

FILTERED = """query($f: AuditFilterInput) { auditLog(first: 20, filter: $f) { edges { node {
  action objectType objectId } } } }"""
BY_ARGUMENTS = """query($t: AuditObjectType, $a: AuditAction) {
  auditLog(first: 20, objectType: $t, action: $a) { edges { node { action objectType } } } }"""


async def test_the_log_is_filtered_by_enum_values(api, make_company, db) -> None:
    from server.models import AuditEntry

    s = await make_company()
    plan = await create(api, s)
    submitted = await step(api, plan["id"], "SUBMIT", s.user("perf"))
    assert "errors" not in submitted, submitted
    hr = s.user("hrvp")

    found = await api.gql(
        FILTERED, {"f": {"objectType": "PLAN", "action": "PLAN_SUBMIT"}}, as_user=hr
    )
    assert [e["node"] for e in found["data"]["auditLog"]["edges"]] == [
        {"action": "PLAN_SUBMIT", "objectType": "PLAN", "objectId": plan["id"]}
    ]
    # the older arguments take the same enums
    created = await api.gql(BY_ARGUMENTS, {"t": "PLAN", "a": "PLAN_CREATE"}, as_user=hr)
    assert {
        (e["node"]["action"], e["node"]["objectType"]) for e in created["data"]["auditLog"]["edges"]
    } == {("PLAN_CREATE", "PLAN")}
    # an action of another object type matches nothing
    none = await api.gql(
        FILTERED, {"f": {"objectType": "EMPLOYEE", "action": "PLAN_SUBMIT"}}, as_user=hr
    )
    assert none["data"]["auditLog"]["edges"] == []

    rows = await AuditEntry.filter(object_id=str(decode(plan["id"], "Plan"))).values_list(
        "action", "object_type"
    )
    assert sorted(rows) == [("plan.create", "plan"), ("plan.submit", "plan")]
