"""Review-workflow holes of issue 8: approvals tied to the version read (9), plans widened
out of the editor's scope and stale sign-offs (10), the approval comment kept (12)."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.schema.plans.planning import UPDATE, create, indicators, step

DECIDE = """mutation($id: ID!, $a: PlanAction!, $c: String!, $v: Int) {
  transitionPlan(id: $id, action: $a, comment: $c, expectedVersion: $v) { state version } }"""
SIGNOFFS = """query($id: ID!) { plan(id: $id) { state version departments { id }
  approvals { role division { id } approvedVersion current }
  transitions { fromState toState action comment actor { username } } } }"""


async def decide(
    api: Any, plan_id: str, action: str, user: str, version: int | None, comment: str = ""
) -> dict[str, Any]:
    variables = {"id": plan_id, "a": action, "c": comment, "v": version}
    return await api.gql(DECIDE, variables, as_user=user)


async def edit(api: Any, plan_id: str, version: int, changes: dict, user: str) -> dict[str, Any]:
    return await api.gql(
        UPDATE, {"id": plan_id, "v": version, "i": changes, "c": "审核修改"}, as_user=user
    )


async def signoffs(api: Any, s: Any, plan_id: str) -> dict[str, Any]:
    found = await api.gql(SIGNOFFS, {"id": plan_id}, as_user=s.user("hrvp"))
    assert "errors" not in found, found
    return found["data"]["plan"]


def by_role(plan: dict[str, Any]) -> dict[tuple[str, str | None], dict[str, Any]]:
    return {(a["role"], (a["division"] or {}).get("id")): a for a in plan["approvals"]}


# ------------------------------------------------------------------ 9: the version read
async def test_an_approval_of_a_version_since_edited_is_a_conflict(api, make_company) -> None:
    s = await make_company()
    plan = await create(api, s)
    await step(api, plan["id"], "SUBMIT", s.user("perf"))
    # the HR VP reads version 1; the production VP then tightens a target: version 2
    assert (await edit(api, plan["id"], 1, {"indicators": indicators("2")}, s.user("vpb")))["data"][
        "updatePlan"
    ]["version"] == 2

    stale = await decide(api, plan["id"], "APPROVE", s.user("hrvp"), 1, "权重合理")
    error = stale["errors"][0]
    assert error["extensions"]["code"] == "CONFLICT"
    assert "changed since version 1" in error["message"]
    assert "now at version 2" in error["message"]
    zh = await api.gql(
        DECIDE,
        {"id": plan["id"], "a": "APPROVE", "c": "", "v": 1},
        token=await api.token(s.user("hrvp")),
        lang="zh-CN",
    )
    assert "第 1 版" in zh["errors"][0]["message"] and "第 2 版" in zh["errors"][0]["message"]
    after = await signoffs(api, s, plan["id"])
    assert all(a["approvedVersion"] is None for a in after["approvals"])  # nothing recorded
    assert "APPROVE" not in [t["action"] for t in after["transitions"]]

    # an approval must say which version it signs
    unnamed = await decide(api, plan["id"], "APPROVE", s.user("hrvp"), None)
    assert unnamed["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "REQUIRED",
        "field": "expectedVersion",
    }
    # a version that never existed is bad input, not a conflict
    future = await decide(api, plan["id"], "APPROVE", s.user("hrvp"), 7)
    assert future["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

    fresh = await decide(api, plan["id"], "APPROVE", s.user("hrvp"), 2, "权重合理")
    assert fresh["data"]["transitionPlan"] == {"state": "IN_REVIEW", "version": 2}
    signed = by_role(await signoffs(api, s, plan["id"]))[("HR_VP", None)]
    assert (signed["approvedVersion"], signed["current"]) == (2, True)


# (edit's delay, approval's delay) in seconds: the approval starting 0-20 ms after the edit
# sweeps its check across the edit's transaction; two rounds start the edit later instead.
STAGGER = [(0.0, ms / 1000) for ms in range(21)] + [(0.003, 0.0), (0.006, 0.0)]


async def test_an_edit_racing_the_last_approval_never_lets_both_through(api, make_company) -> None:
    s = await make_company()
    hr_token, vp_token = await api.token(s.user("hrvp")), await api.token(s.user("vpb"))
    outcomes: set[str] = set()

    async def later(delay: float, request: Any) -> dict[str, Any]:
        await asyncio.sleep(delay)
        return await request

    # Staggered starts, either way round, so the edit lands before, during and after the
    # approval's own steps: whatever the interleaving, exactly one of them may succeed.
    for edit_delay, approve_delay in STAGGER:
        plan = await create(api, s)
        await step(api, plan["id"], "SUBMIT", s.user("perf"))
        assert (await decide(api, plan["id"], "APPROVE", s.user("vpb"), 1))["data"]
        # the HR VP's approval of version 1 is the last one due; the VP edits version 1
        approve, edited = await asyncio.gather(
            later(
                approve_delay,
                api.gql(
                    DECIDE, {"id": plan["id"], "a": "APPROVE", "c": "", "v": 1}, token=hr_token
                ),
            ),
            later(
                edit_delay,
                api.gql(
                    UPDATE,
                    {"id": plan["id"], "v": 1, "i": {"indicators": indicators("2")}, "c": "收紧"},
                    token=vp_token,
                ),
            ),
        )
        assert ("errors" in approve) != ("errors" in edited), (approve, edited)
        final = await signoffs(api, s, plan["id"])
        approvals = by_role(final)
        if "errors" in approve:  # the edit won: the approval named a version no longer current
            outcomes.add("edit")
            assert approve["errors"][0]["extensions"]["code"] == "CONFLICT"
            assert (final["state"], final["version"]) == ("IN_REVIEW", 2)
            assert approvals[("HR_VP", None)]["approvedVersion"] is None
            assert not any(a["current"] for a in final["approvals"])
        else:  # the approval won: it signed version 1, and nothing is edited after approval
            outcomes.add("approve")
            assert edited["errors"][0]["extensions"]["code"] == "CONFLICT"
            assert (final["state"], final["version"]) == ("APPROVED", 1)
            assert all(a["approvedVersion"] == 1 for a in final["approvals"])
    assert outcomes  # each round had exactly one winner, whichever it was


# ------------------------------------------------------------------ 10: scope and sign-offs
async def test_a_division_vp_cannot_widen_a_plan_into_another_division(api, make_company) -> None:
    s = await make_company()
    plan = await create(api, s, [s.ids["sales"]], name="销售一部 12 月计划")
    await step(api, plan["id"], "SUBMIT", s.user("perf"))
    assert (await decide(api, plan["id"], "APPROVE", s.user("vpa"), 1))["data"]

    # the sales VP adds the production plant to his plan under review: refused
    widened = await edit(
        api, plan["id"], 1, {"departmentIds": [s.ids["sales"], s.ids["plant"]]}, s.user("vpa")
    )
    assert widened["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    unchanged = await signoffs(api, s, plan["id"])
    assert unchanged["version"] == 1
    assert [d["id"] for d in unchanged["departments"]] == [s.ids["sales"]]

    # the HR VP, whose scope is the company, may: the production VP's sign-off becomes due
    wide = await edit(
        api, plan["id"], 1, {"departmentIds": [s.ids["sales"], s.ids["plant"]]}, s.user("hrvp")
    )
    assert wide["data"]["updatePlan"]["version"] == 2
    after = await signoffs(api, s, plan["id"])
    approvals = by_role(after)
    assert set(approvals) == {("HR_VP", None), ("VP", s.ids["divA"]), ("VP", s.ids["divB"])}
    # the sales VP approved another plan (one division only): his sign-off is reset
    assert all(a["approvedVersion"] is None for a in after["approvals"])

    for who in ("hrvp", "vpa"):
        result = await decide(api, plan["id"], "APPROVE", s.user(who), 2)
        assert result["data"]["transitionPlan"]["state"] == "IN_REVIEW", who
    # not approved without the production VP
    done = await decide(api, plan["id"], "APPROVE", s.user("vpb"), 2)
    assert done["data"]["transitionPlan"]["state"] == "APPROVED"


async def test_a_vp_cannot_drop_another_divisions_department(api, make_company) -> None:
    s = await make_company()
    plan = await create(api, s, [s.ids["sales"], s.ids["plant"]], name="跨部门计划")
    await step(api, plan["id"], "SUBMIT", s.user("perf"))
    # dropping the plant would also drop the production VP's sign-off
    narrowed = await edit(api, plan["id"], 1, {"departmentIds": [s.ids["sales"]]}, s.user("vpa"))
    assert narrowed["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # the HR VP narrows it; the production VP's sign-off is no longer required
    assert (await edit(api, plan["id"], 1, {"departmentIds": [s.ids["sales"]]}, s.user("hrvp")))[
        "data"
    ]
    assert set(by_role(await signoffs(api, s, plan["id"]))) == {
        ("HR_VP", None),
        ("VP", s.ids["divA"]),
    }


# ------------------------------------------------------------------ 12: the approval comment
async def test_the_approval_comment_is_kept_in_the_transitions(api, make_company) -> None:
    s = await make_company()
    plan = await create(api, s)
    await step(api, plan["id"], "SUBMIT", s.user("perf"))
    first = await decide(api, plan["id"], "APPROVE", s.user("hrvp"), 1, "权重合理，同意")
    assert first["data"]["transitionPlan"]["state"] == "IN_REVIEW"
    last = await decide(api, plan["id"], "APPROVE", s.user("vpb"), 1, "同意")
    assert last["data"]["transitionPlan"]["state"] == "APPROVED"
    steps = [
        (t["action"], t["fromState"], t["toState"], t["comment"], t["actor"]["username"])
        for t in (await signoffs(api, s, plan["id"]))["transitions"]
    ]
    assert steps == [
        ("SUBMIT", "DRAFT", "SUBMITTED", "", s.user("perf")),
        ("START_REVIEW", "SUBMITTED", "IN_REVIEW", "", s.user("hrvp")),
        ("APPROVE", "IN_REVIEW", "IN_REVIEW", "权重合理，同意", s.user("hrvp")),
        ("APPROVE", "IN_REVIEW", "APPROVED", "同意", s.user("vpb")),
    ]
