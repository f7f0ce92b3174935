"""Who sees which assignments, actuals, evaluations and scores: one plan over two divisions.

The employee sees only his own (his score only once published); the manager his
department; each VP his division; HR, the performance admin and the GM everything; the
tenant admin (IT) none of it; another tenant nothing at all.
"""

from __future__ import annotations

from typing import Any

from tests.schema.plans.planning import CREATE, plan_input, step
from tests.schema.results.support import SALES_INDICATORS

ASSIGN = """mutation($p: ID!, $d: ID!) { assignDepartment(planId: $p, departmentId: $d) {
  assigned { id } rejected { reason } } }"""
RECORD = """mutation($p: ID!, $r: [ActualRowInput!]!) { recordActuals(planId: $p, rows: $r) {
  rejected { reason } } }"""
SELF = """mutation($a: ID!) { saveSelfEvaluation(assignmentId: $a, input: {overallComment: "ok"},
  submit: true) { state } }"""
LISTS = """query($p: ID!) {
  assignments(planId: $p) { edges { node { employee { username } } } }
  actuals(planId: $p) { edges { node { employeeId } } }
  evaluations(planId: $p) { edges { node { employee { username } } } }
  scores(planId: $p) { edges { node { employee { username } } } } }"""


async def matrix_plan(api: Any, s: Any) -> tuple[str, dict[str, str]]:
    """An active plan over 销售一部 and 装配车间, everyone assigned, new customers entered,
    self-evaluations submitted; returns the plan id and each person's assignment id."""
    data = plan_input(
        [s.ids["sales"], s.ids["plant"]], name="两部门计划", indicators=SALES_INDICATORS
    )
    created = await api.gql(CREATE, {"i": data}, as_user=s.user("perf"))
    plan = created["data"]["createPlan"]
    for action, user in (
        ("SUBMIT", "perf"),
        ("APPROVE", "hrvp"),
        ("APPROVE", "vpa"),
        ("APPROVE", "vpb"),
        ("FILE", "perf"),
        ("ACKNOWLEDGE", "gm"),
    ):
        done = await step(api, plan["id"], action, s.user(user))
        assert "errors" not in done, (action, done)
    assert done["data"]["transitionPlan"]["state"] == "ACTIVE"
    assignments: dict[str, str] = {}
    for department, user in (("sales", "mgr"), ("plant", "perf")):
        made = await api.gql(
            ASSIGN, {"p": plan["id"], "d": s.ids[department]}, as_user=s.user(user)
        )
        assert made["data"]["assignDepartment"]["rejected"] == [], made
    everyone = await api.gql(
        """query($p: ID!) { assignments(planId: $p) { edges { node { id employee { username } } } } }""",
        {"p": plan["id"]},
        as_user=s.user("perf"),
    )
    for edge in everyone["data"]["assignments"]["edges"]:
        assignments[edge["node"]["employee"]["username"].split("@")[0]] = edge["node"]["id"]
    assert set(assignments) == {"mgr", "staff", "worker"}
    customers = plan["indicators"][1]["key"]
    rows = [
        {"employeeId": s.ids[who], "indicatorKey": customers, "value": "3"}
        for who in ("mgr", "staff", "worker")
    ]
    recorded = await api.gql(RECORD, {"p": plan["id"], "r": rows}, as_user=s.user("perf"))
    assert recorded["data"]["recordActuals"]["rejected"] == [], recorded
    assert "errors" not in await step(api, plan["id"], "START_EVALUATION", s.user("perf"))
    for who in ("mgr", "staff", "worker"):
        submitted = await api.gql(SELF, {"a": assignments[who]}, as_user=s.user(who))
        assert submitted["data"]["saveSelfEvaluation"]["state"] == "SUBMITTED", submitted
    return plan["id"], assignments


async def seen(api: Any, s: Any, plan_id: str, user: str) -> dict[str, Any]:
    answer = await api.gql(LISTS, {"p": plan_id}, as_user=s.user(user))
    if answer.get("errors"):
        return {"error": answer["errors"][0]["extensions"]["code"]}
    people = {v: k for k, v in s.ids.items() if k in ("mgr", "staff", "worker")}
    data = answer["data"]

    def names(edges: list[dict[str, Any]]) -> list[str]:
        return sorted(e["node"]["employee"]["username"].split("@")[0] for e in edges)

    return {
        "assignments": names(data["assignments"]["edges"]),
        "actuals": sorted(people[e["node"]["employeeId"]] for e in data["actuals"]["edges"]),
        "evaluations": names(data["evaluations"]["edges"]),
        "scores": names(data["scores"]["edges"]),
    }


def view(people: list[str], scores: list[str] | None = None) -> dict[str, list[str]]:
    return {
        "assignments": people,
        "actuals": people,
        "evaluations": people,
        "scores": people if scores is None else scores,
    }


async def test_each_role_sees_its_own_share_of_the_results(api, make_company) -> None:
    s = await make_company()
    plan_id, _ = await matrix_plan(api, s)
    everyone = ["mgr", "staff", "worker"]
    expected = {
        "staff": view(["staff"], scores=[]),  # not published yet
        "worker": view(["worker"], scores=[]),
        "mgr": view(["mgr", "staff"]),
        "vpa": view(["mgr", "staff"]),
        "vpb": view(["worker"]),
        "hrvp": view(everyone),
        "perf": view(everyone),
        "gm": view(everyone),
    }
    for user, wanted in expected.items():
        assert await seen(api, s, plan_id, user) == wanted, user
    # IT runs accounts, not results: the plan itself is out of its sight.
    assert await seen(api, s, plan_id, "admin") == {"error": "NOT_FOUND"}
    other = await make_company()
    assert await seen(api, other, plan_id, "perf") == {"error": "NOT_FOUND"}

    assert "errors" not in await step(api, plan_id, "FINALIZE", s.user("perf"))
    published = await api.gql(
        "mutation($p: ID!) { publishResults(planId: $p) { publishAt } }",
        {"p": plan_id},
        as_user=s.user("hrvp"),
    )
    assert "errors" not in published, published
    assert (await seen(api, s, plan_id, "staff"))["scores"] == ["staff"]
    assert (await seen(api, s, plan_id, "worker"))["scores"] == ["worker"]
