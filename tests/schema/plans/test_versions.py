"""Versions, optimistic concurrency, diffs and comment threads."""

from __future__ import annotations

import asyncio

from tests.schema.plans.planning import COMMENT, UPDATE, create, indicators, step


async def test_concurrent_edits_never_lose_one(api, make_company) -> None:
    s = await make_company()
    plan = await create(api, s)
    await step(api, plan["id"], "SUBMIT", s.user("perf"))
    hr_token, vp_token = await api.token(s.user("hrvp")), await api.token(s.user("vpb"))
    hr_edit = {"id": plan["id"], "v": 1, "i": {"indicators": indicators("2.5")}, "c": "HR: 2.5"}
    vp_edit = {"id": plan["id"], "v": 1, "i": {"name": "装配车间十二月计划"}, "c": "VP: rename"}
    results = await asyncio.gather(
        api.gql(UPDATE, hr_edit, token=hr_token), api.gql(UPDATE, vp_edit, token=vp_token)
    )
    winners = [r for r in results if "errors" not in r]
    losers = [r for r in results if "errors" in r]
    assert len(winners) == 1 and len(losers) == 1
    error = losers[0]["errors"][0]
    assert error["extensions"]["code"] == "CONFLICT"
    assert "it is at version 2, you edited version 1" in error["message"]
    # the loser re-reads and re-applies: both edits are in version 3
    loser_edit = vp_edit if winners[0] is results[0] else hr_edit
    redo = await api.gql(
        UPDATE, {**loser_edit, "v": 2}, token=vp_token if loser_edit is vp_edit else hr_token
    )
    final = redo["data"]["updatePlan"]
    assert final["version"] == 3
    assert final["name"] == "装配车间十二月计划"
    assert {i["dataSource"]: i["target"] for i in final["indicators"]}[
        "production.defect_rate"
    ] == "2.5"


async def test_reviewer_edits_need_a_comment_and_approved_plans_are_locked(
    api, make_company
) -> None:
    s = await make_company()
    plan = await create(api, s)
    await step(api, plan["id"], "SUBMIT", s.user("perf"))
    silent = await api.gql(
        UPDATE, {"id": plan["id"], "v": 1, "i": {"name": "x"}, "c": ""}, as_user=s.user("hrvp")
    )
    assert silent["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "COMMENT_REQUIRED",
        "field": "comment",
    }
    author = await api.gql(
        UPDATE, {"id": plan["id"], "v": 1, "i": {"name": "x"}, "c": "late"}, as_user=s.user("perf")
    )
    assert author["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # in review the reviewers edit
    await step(api, plan["id"], "APPROVE", s.user("hrvp"))
    await step(api, plan["id"], "APPROVE", s.user("vpb"))
    locked = await api.gql(
        UPDATE, {"id": plan["id"], "v": 1, "i": {"name": "x"}, "c": "why"}, as_user=s.user("hrvp")
    )
    assert locked["errors"][0]["extensions"]["code"] == "CONFLICT"


async def test_diff_lists_every_indicator_level_change(api, make_company) -> None:
    s = await make_company()
    plan = await create(api, s)
    items = indicators()
    items[0] = {**items[0], "weight": "60", "key": plan["indicators"][0]["key"]}
    items[1] = {**items[1], "weight": "20", "key": plan["indicators"][1]["key"]}
    items.append(
        {"name": "安全事故 Safety incidents", "weight": "20", "target": "1", "direction": "LOWER"}
    )
    await api.gql(
        UPDATE,
        {"id": plan["id"], "v": 1, "i": {"indicators": items}, "c": "加安全指标"},
        as_user=s.user("perf"),
    )
    diff = await api.gql(
        """query($id: ID!) { planVersionDiff(planId: $id, from: 1, to: 2) { kind text } }""",
        {"id": plan["id"]},
        as_user=s.user("perf"),
    )
    assert [(c["kind"], c["text"]) for c in diff["data"]["planVersionDiff"]] == [
        ("CHANGED", "产量 Output: weight 70 → 60"),
        ("CHANGED", "不良率 Defect rate: weight 30 → 20"),
        ("ADDED", "安全事故 Safety incidents: added"),
    ]
    missing = await api.gql(
        """query($id: ID!) { planVersionDiff(planId: $id, from: 9) { text } }""",
        {"id": plan["id"]},
        as_user=s.user("perf"),
    )
    assert missing["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_comment_threads_replies_and_resolution(api, make_company) -> None:
    s = await make_company()
    plan = await create(api, s)
    key = plan["indicators"][0]["key"]
    first = await api.gql(
        COMMENT, {"id": plan["id"], "b": "产量目标偏高？", "k": key}, as_user=s.user("vpb")
    )
    thread = first["data"]["addPlanComment"]
    reply = await api.gql(
        COMMENT,
        {"id": plan["id"], "b": "按去年均值+10%", "p": thread["id"]},
        as_user=s.user("perf"),
    )
    assert reply["data"]["addPlanComment"]["indicatorKey"] == key  # a reply stays in its thread
    resolved = await api.gql(
        "mutation($id: ID!) { resolvePlanComment(id: $id) { resolved } }",
        {"id": thread["id"]},
        as_user=s.user("vpb"),
    )
    assert resolved["data"]["resolvePlanComment"]["resolved"] is True
    bad_key = await api.gql(
        COMMENT, {"id": plan["id"], "b": "?", "k": "no-such-key"}, as_user=s.user("vpb")
    )
    assert bad_key["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "INVALID_FORMAT",
        "field": "indicatorKey",
    }
    outsider = await api.gql(COMMENT, {"id": plan["id"], "b": "hi"}, as_user=s.user("staff"))
    assert outsider["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    listed = await api.gql(
        """query($id: ID!, $k: String) { plan(id: $id) { comments(indicatorKey: $k) { body resolved
      parentId author { username } } } }""",
        {"id": plan["id"], "k": key},
        as_user=s.user("perf"),
    )
    assert [
        (c["body"], c["resolved"], c["parentId"] is None)
        for c in listed["data"]["plan"]["comments"]
    ] == [("产量目标偏高？", True, True), ("按去年均值+10%", False, False)]
