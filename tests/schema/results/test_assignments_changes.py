"""updateAssignment (a patch guarded by the revision read), who changes assignments once
evaluation has started, and who reads which assignments."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from schema.ids import decode
from server.db import using
from server.models import Assignment, AuditEntry
from server.org_tree import forget
from tests.schema.plans.planning import step
from tests.schema.results.support import active_plan
from tests.schema.results.test_assignments import SATISFACTION, answer, assign, by_user, keys

UPDATE = """mutation($id: ID!, $r: Int!, $p: AssignmentPatch!) {
  updateAssignment(id: $id, revision: $r, patch: $p) {
    id revision indicators { key name weight target personal } } }"""
MINE = """query($p: ID) { myAssignments(planId: $p) { id employee { username }
  plan { name } indicators { name } } }"""
PAGE = """query($p: ID!, $d: ID, $f: Int!, $a: String) {
  assignments(planId: $p, departmentId: $d, first: $f, after: $a) {
    edges { cursor node { id revision employee { username } department { name }
      assignedBy { username } plan { name } indicators { name planWeight } } }
    pageInfo { hasNextPage endCursor } } }"""
ONE = "query($id: ID!) { assignment(id: $id) { id employee { username } } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on Assignment { revision } } }"


async def assigned(api: Any, make_company: Any) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """An active sales plan assigned to its department with the defaults."""
    s = await make_company()
    plan = await active_plan(api, s)
    return s, plan, by_user(answer(await assign(api, s, plan))["assigned"])


async def update(api: Any, s: Any, user: str, id: str, revision: int, patch: Any, **kw: Any) -> Any:
    variables = {"id": id, "r": revision, "p": patch}
    return await api.gql(UPDATE, variables, as_user=s.user(user), **kw)


def reason(result: dict[str, Any]) -> tuple[str, str]:
    ext = result["errors"][0]["extensions"]
    return ext["code"], ext["reason"]


async def test_a_patch_keeps_what_it_does_not_name(api, make_company) -> None:
    s, plan, people = await assigned(api, make_company)
    revenue, customers = keys(plan)
    staff = people["staff"]
    patch = {
        "overrides": [{"indicatorKey": revenue, "weight": "50"}],
        "addPersonalIndicators": [SATISFACTION],
    }
    result = await update(api, s, "mgr", staff["id"], 1, patch)
    assert "errors" not in result, result
    patched = result["data"]["updateAssignment"]
    assert patched["revision"] == 2
    weights = [(i["weight"], i["target"], i["personal"]) for i in patched["indicators"]]
    assert weights == [("50", "10", False), ("40", "4", False), ("10", "90", True)]
    personal = patched["indicators"][2]["key"]
    # Remove the personal one and give its weight back: revision 3.
    back = {"overrides": [{"indicatorKey": revenue, "weight": "60"}], "removeKeys": [personal]}
    result = await update(api, s, "mgr", staff["id"], 2, back)
    assert result["data"]["updateAssignment"]["revision"] == 3
    assert [i["key"] for i in result["data"]["updateAssignment"]["indicators"]] == [
        revenue,
        customers,
    ]
    # Checked as a whole, named by field.
    heavy = await update(
        api, s, "mgr", staff["id"], 3, {"overrides": [{"indicatorKey": customers, "weight": "50"}]}
    )
    assert reason(heavy) == ("BAD_USER_INPUT", "WEIGHTS_NOT_100")
    assert heavy["errors"][0]["extensions"]["field"] == "patch"
    gone = await update(api, s, "mgr", staff["id"], 3, {"removeKeys": ["nope"]})
    assert reason(gone) == ("BAD_USER_INPUT", "UNKNOWN_INDICATOR")
    empty = await update(api, s, "mgr", staff["id"], 3, {})
    assert reason(empty) == ("BAD_USER_INPUT", "NOTHING_TO_UPDATE")
    with using(api.runtime.db):
        entries = await AuditEntry.filter(
            object_id=decode(staff["id"], "Assignment"), action="assignment.update"
        ).order_by("created_at")
    assert [(e.before["revision"], e.after["revision"]) for e in entries] == [(1, 2), (2, 3)]
    assert entries[0].after["indicators"]["客户满意度 Satisfaction"]["personal"] is True
    assert entries[0].before["indicators"]["客户满意度 Satisfaction"] is None


async def test_a_stale_revision_conflicts_and_of_two_concurrent_edits_one_lands(
    api, make_company
) -> None:
    s, plan, people = await assigned(api, make_company)
    revenue, customers = keys(plan)
    staff = people["staff"]
    await api.token(s.user("perf"))
    patches = [
        {"overrides": [{"indicatorKey": revenue, "target": "11"}]},
        {"overrides": [{"indicatorKey": customers, "target": "5"}]},
    ]
    results = await asyncio.gather(
        update(api, s, "mgr", staff["id"], 1, patches[0]),
        update(api, s, "perf", staff["id"], 1, patches[1]),
    )
    landed = [r for r in results if "errors" not in r]
    refused = [r for r in results if "errors" in r]
    assert len(landed) == 1 and len(refused) == 1, results
    assert reason(refused[0]) == ("CONFLICT", "STALE_VERSION")
    assert landed[0]["data"]["updateAssignment"]["revision"] == 2
    stale = await update(api, s, "mgr", staff["id"], 1, patches[0], lang="zh")
    assert reason(stale) == ("CONFLICT", "STALE_VERSION")
    assert "当前为第 2 次修订" in stale["errors"][0]["message"]
    with using(api.runtime.db):
        row = await Assignment.get(id=decode(staff["id"], "Assignment"))
    assert row.revision == 2


async def test_once_evaluation_started_only_the_performance_admin_amends(api, make_company) -> None:
    s, plan, people = await assigned(api, make_company)
    revenue, _ = keys(plan)
    started = await step(api, plan["id"], "START_EVALUATION", s.user("perf"))
    assert started["data"]["transitionPlan"]["state"] == "EVALUATING", started
    patch = {"overrides": [{"indicatorKey": revenue, "target": "8"}]}
    refused = await update(api, s, "mgr", people["staff"]["id"], 1, patch)
    assert reason(refused) == ("FORBIDDEN", "FORBIDDEN")
    again = await assign(api, s, plan)
    assert reason(again) == ("FORBIDDEN", "FORBIDDEN")
    amended = await update(api, s, "perf", people["staff"]["id"], 1, patch)
    assert amended["data"]["updateAssignment"]["indicators"][0]["target"] == "8"
    everyone = answer(await assign(api, s, plan, "perf"))
    assert everyone["rejected"] == [] and len(everyone["assigned"]) == 2
    # The admin's amendment is audited under his name.
    with using(api.runtime.db):
        actors = await AuditEntry.filter(
            object_id=decode(people["staff"]["id"], "Assignment"), action="assignment.update"
        ).values_list("actor_id", flat=True)
    assert set(actors) == {decode(s.ids["perf"], "Employee")}
    finalized = await step(api, plan["id"], "FINALIZE", s.user("perf"))
    assert "errors" not in finalized, finalized
    late = await update(api, s, "perf", people["staff"]["id"], 2, patch)
    assert reason(late) == ("CONFLICT", "RESULTS_FINALIZED")


async def test_who_reads_which_assignments(api, make_company) -> None:
    s, plan, people = await assigned(api, make_company)
    mine = await api.gql(MINE, {"p": plan["id"]}, as_user=s.user("staff"))
    (own,) = mine["data"]["myAssignments"]
    assert own["employee"]["username"] == s.user("staff")
    assert own["plan"]["name"] == "销售一部 2026-12 绩效计划"
    all_mine = await api.gql(MINE, {}, as_user=s.user("staff"))
    assert [a["id"] for a in all_mine["data"]["myAssignments"]] == [own["id"]]
    nothing = await api.gql(MINE, {}, as_user=s.user("worker"))
    assert nothing["data"]["myAssignments"] == []
    hidden = await api.gql(PAGE, {"p": plan["id"], "f": 10}, as_user=s.user("worker"))
    assert reason(hidden) == ("NOT_FOUND", "NOT_FOUND")
    page = await api.gql(PAGE, {"p": plan["id"], "f": 10}, as_user=s.user("vpa"))
    names = [e["node"]["employee"]["username"] for e in page["data"]["assignments"]["edges"]]
    assert names == [s.user("mgr"), s.user("staff")]
    node = page["data"]["assignments"]["edges"][0]["node"]
    assert node["assignedBy"]["username"] == s.user("mgr")
    assert node["department"]["name"] == "销售一部"
    assert [i["planWeight"] for i in node["indicators"]] == ["60", "40"]
    # The employee sees his own only, one by one too; another's is NOT_FOUND.
    as_staff = await api.gql(PAGE, {"p": plan["id"], "f": 10}, as_user=s.user("staff"))
    assert len(as_staff["data"]["assignments"]["edges"]) == 1
    other = await api.gql(ONE, {"id": people["mgr"]["id"]}, as_user=s.user("staff"))
    assert reason(other) == ("NOT_FOUND", "NOT_FOUND")
    found = await api.gql(NODE, {"id": people["mgr"]["id"]}, as_user=s.user("vpa"))
    assert found["data"]["node"]["revision"] == 1
    outside = await api.gql(
        PAGE, {"p": plan["id"], "d": s.ids["plant"], "f": 10}, as_user=s.user("perf")
    )
    assert outside["data"]["assignments"]["edges"] == []


async def test_a_page_follows_its_cursor_at_a_constant_statement_count(
    api, make_company, caplog
) -> None:
    s, plan, _ = await assigned(api, make_company)
    token = await api.token(s.user("vpa"))
    forget(s.company_id)  # a fresh chart now cannot expire mid-test

    async def page(first: int, after: str | None = None) -> tuple[dict[str, Any], int]:
        caplog.clear()
        response = await api.post(PAGE, {"p": plan["id"], "f": first, "a": after}, token=token)
        body = response.json()
        assert "errors" not in body, body
        count = sum(
            1
            for r in caplog.records
            if r.name == "tortoise.db_client"
            and r.msg == "%s: %s"
            and '"outbox_event"' not in str(r.args[0])
        )
        return body["data"]["assignments"], count

    caplog.set_level(logging.DEBUG, logger="tortoise.db_client")
    await page(1)  # warm the org chart cache
    one, small = await page(1)
    assert one["pageInfo"]["hasNextPage"] is True
    rest, _ = await page(5, one["pageInfo"]["endCursor"])
    assert [e["node"]["employee"]["username"] for e in rest["edges"]] == [s.user("staff")]
    assert rest["pageInfo"]["hasNextPage"] is False
    _, full = await page(2)
    assert small == full, (small, full)
