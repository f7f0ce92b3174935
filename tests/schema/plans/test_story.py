"""The article's manufacturing story, end to end through GraphQL.

The production VP thought the quality indicator too loose, but nobody asked him. Here he is
asked: he comments, returns the plan, the performance admin tightens the target (a new
version whose diff shows it), the HR VP and the VP approve, and the GM receives it filed.
"""

from __future__ import annotations

from tests.schema.plans.planning import COMMENT, PLAN, UPDATE_INDICATOR, create, step

DIFF = """query($id: ID!, $f: Int!) { planVersionDiff(planId: $id, from: $f) { kind field indicatorName before after text } }"""


async def test_manufacturing_story(api, make_company) -> None:
    s = await make_company()
    perf, vp, hr, gm = s.user("perf"), s.user("vpb"), s.user("hrvp"), s.user("gm")
    plan = await create(api, s)
    assert (plan["state"], plan["version"]) == ("DRAFT", 1)
    quality = next(i for i in plan["indicators"] if i["dataSource"] == "production.defect_rate")

    assert (await step(api, plan["id"], "SUBMIT", perf))["data"]["transitionPlan"][
        "state"
    ] == "SUBMITTED"
    remark = await api.gql(
        COMMENT,
        {"id": plan["id"], "b": "质量指标太松：不良率目标应收紧到 1.5%", "k": quality["key"]},
        as_user=vp,
    )
    assert remark["data"]["addPlanComment"]["indicatorKey"] == quality["key"]
    returned = await step(api, plan["id"], "RETURN", vp, "质量指标太松，请收紧")
    assert returned["data"]["transitionPlan"]["state"] == "RETURNED"

    tightened = await api.gql(
        UPDATE_INDICATOR,
        {
            "id": plan["id"],
            "v": 1,
            "k": quality["key"],
            "c": "按生产副总意见收紧不良率目标",
            "i": {
                "name": "不良率 Defect rate",
                "weight": "30",
                "target": "1.5",
                "unit": "%",
                "direction": "LOWER",
                "dataSource": "production.defect_rate",
            },
        },
        as_user=perf,
    )
    revised = tightened["data"]["updateIndicator"]
    assert (revised["state"], revised["version"]) == ("DRAFT", 2)
    diff = await api.gql(DIFF, {"id": plan["id"], "f": 1}, as_user=vp)
    assert [c["text"] for c in diff["data"]["planVersionDiff"]] == [
        "不良率 Defect rate: target 3 → 1.5"
    ]

    assert (await step(api, plan["id"], "SUBMIT", perf))["data"]["transitionPlan"][
        "state"
    ] == "SUBMITTED"
    first = await step(api, plan["id"], "APPROVE", hr, "权重合理")
    assert first["data"]["transitionPlan"]["state"] == "IN_REVIEW"  # still waits on the VP
    waiting = await api.gql(PLAN, {"id": plan["id"]}, as_user=hr)
    assert {(a["role"], a["current"]) for a in waiting["data"]["plan"]["approvals"]} == {
        ("HR_VP", True),
        ("VP", False),
    }
    approved = await step(api, plan["id"], "APPROVE", vp)
    assert approved["data"]["transitionPlan"]["state"] == "APPROVED"

    assert (await step(api, plan["id"], "FILE", perf))["data"]["transitionPlan"]["state"] == "FILED"
    inbox = await api.gql("{ plans(state: FILED) { id name } }", as_user=gm)
    assert [p["id"] for p in inbox["data"]["plans"]] == [plan["id"]]
    acknowledged = await step(api, plan["id"], "ACKNOWLEDGE", gm, "已阅")
    assert acknowledged["data"]["transitionPlan"]["state"] == "ACTIVE"

    history = await api.gql(
        """query($id: ID!) { plan(id: $id) { versions { number comment author { username } }
      transitions { fromState toState action actor { username } } comments { body version } } }""",
        {"id": plan["id"]},
        as_user=gm,
    )
    found = history["data"]["plan"]
    assert [v["number"] for v in found["versions"]] == [1, 2]
    assert found["versions"][1]["author"]["username"] == perf
    assert [t["action"] for t in found["transitions"]] == [
        "SUBMIT",
        "START_REVIEW",
        "RETURN",
        "REDRAFT",
        "SUBMIT",
        "START_REVIEW",
        "APPROVE",  # the HR VP's sign-off, with his comment; the plan waits on the VP
        "APPROVE",  # the VP's: the last one, the plan is approved
        "FILE",
        "ACKNOWLEDGE",
    ]
    assert found["comments"] == [{"body": "质量指标太松：不良率目标应收紧到 1.5%", "version": 1}]
    # Everyone on the floor now sees the active plan with the tightened target.
    worker_view = await api.gql(PLAN, {"id": plan["id"]}, as_user=s.user("worker"))
    targets = {i["dataSource"]: i["target"] for i in worker_view["data"]["plan"]["indicators"]}
    assert targets["production.defect_rate"] == "1.5"
    audit = await api.gql(
        "{ auditLog(first: 50, objectType: PLAN) { edges { node { action } } } }", as_user=hr
    )
    actions = [e["node"]["action"] for e in audit["data"]["auditLog"]["edges"]]
    for action in (
        "PLAN_CREATE",
        "PLAN_SUBMIT",
        "PLAN_RETURN",
        "PLAN_UPDATE",
        "PLAN_APPROVE",
        "PLAN_FILE",
        "PLAN_ACKNOWLEDGE",
    ):
        assert action in actions, action
