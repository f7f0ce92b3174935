"""Every illegal transition, who may take which step, and multi-division sign-offs."""

from __future__ import annotations

import pytest

from server.plans import workflow
from tests.schema.plans.planning import PLAN, create, step

ALL_ACTIONS = [
    "submit",
    "approve",
    "return",
    "redraft",
    "file",
    "acknowledge",
    "start_evaluation",
    "finalize",
    "close",
]
# (state, the steps that lead there from draft, by whom)
PATH = [
    ("draft", []),
    ("submitted", [("SUBMIT", "perf")]),
    ("returned", [("SUBMIT", "perf"), ("RETURN", "hrvp")]),
    ("approved", [("SUBMIT", "perf"), ("APPROVE", "hrvp"), ("APPROVE", "vpb")]),
    ("filed", [("SUBMIT", "perf"), ("APPROVE", "hrvp"), ("APPROVE", "vpb"), ("FILE", "perf")]),
    (
        "active",
        [
            ("SUBMIT", "perf"),
            ("APPROVE", "hrvp"),
            ("APPROVE", "vpb"),
            ("FILE", "perf"),
            ("ACKNOWLEDGE", "gm"),
        ],
    ),
]


def test_the_state_machine_table() -> None:
    assert workflow.next_steps("draft") == ["submit"]
    assert workflow.next_steps("in_review") == ["approve", "return"]
    assert workflow.next_steps("closed") == []
    chain = [
        "draft",
        "submitted",
        "in_review",
        "approved",
        "filed",
        "active",
        "evaluating",
        "finalized",
        "closed",
    ]
    reached = {s.target for s in workflow.STEPS.values()}
    assert set(chain[1:]) | {"returned", "draft"} <= reached


@pytest.mark.parametrize(("state", "path"), PATH, ids=[p[0] for p in PATH])
async def test_illegal_transitions_answer_conflict_naming_the_state(
    api, make_company, state, path
) -> None:
    s = await make_company()
    plan = await create(api, s)
    for action, who in path:
        result = await step(api, plan["id"], action, s.user(who), "理由")
        assert "errors" not in result, (action, result)
    allowed = workflow.next_steps(state)
    for action in ALL_ACTIONS:
        if action in allowed:
            continue
        result = await step(api, plan["id"], action.upper(), s.user("perf"), "理由")
        error = result["errors"][0]
        assert error["extensions"]["code"] == "CONFLICT", (state, action, result)
        assert f"The plan is {state}" in error["message"]
        assert "Allowed next: " + (", ".join(allowed) or "none") in error["message"]


async def test_roles_for_each_step(api, make_company) -> None:
    s = await make_company()
    plan = await create(api, s)
    # only the performance admin drafts and submits
    for who in ("staff", "mgr", "hrvp", "gm"):
        result = await step(api, plan["id"], "SUBMIT", s.user(who))
        assert result["errors"][0]["extensions"]["code"] in {"FORBIDDEN", "NOT_FOUND"}, who
    staff_sees = await api.gql(PLAN, {"id": plan["id"]}, as_user=s.user("worker"))
    assert (
        staff_sees["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    )  # employees never see drafts
    assert (await step(api, plan["id"], "SUBMIT", s.user("perf")))["data"]
    # a VP of another division cannot even see it, let alone approve it
    other_vp = await step(api, plan["id"], "APPROVE", s.user("vpa"))
    assert other_vp["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    # the department manager of another department does not see it either
    assert (await api.gql(PLAN, {"id": plan["id"]}, as_user=s.user("mgr")))["errors"][0][
        "extensions"
    ]["code"] == "NOT_FOUND"
    # the GM approves company plans only (policy: approve_company), not a department plan
    gm = await step(api, plan["id"], "APPROVE", s.user("gm"))
    assert gm["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # returning needs a reason
    silent = await step(api, plan["id"], "RETURN", s.user("vpb"), "  ")
    assert silent["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "COMMENT_REQUIRED",
        "field": "comment",
    }


async def test_a_plan_over_two_divisions_needs_each_vp(api, make_company) -> None:
    s = await make_company()
    plan = await create(api, s, [s.ids["sales"], s.ids["plant"]], name="跨部门计划")
    await step(api, plan["id"], "SUBMIT", s.user("perf"))
    for who in ("hrvp", "vpa"):
        result = await step(api, plan["id"], "APPROVE", s.user(who))
        assert result["data"]["transitionPlan"]["state"] == "IN_REVIEW", who
    again = await step(api, plan["id"], "APPROVE", s.user("vpa"))
    assert again["errors"][0]["extensions"]["code"] == "CONFLICT"
    done = await step(api, plan["id"], "APPROVE", s.user("vpb"))
    assert done["data"]["transitionPlan"]["state"] == "APPROVED"


async def test_company_plans_need_the_gm(api, make_company) -> None:
    s = await make_company()
    plan = await create(
        api,
        s,
        [s.ids["root"]],
        level="COMPANY",
        name="公司年度目标",
        periodKind="YEAR",
        periodStart="2027-01-01",
        periodEnd="2027-12-31",
        deadlines={
            "submission": "2026-12-10",
            "review": "2026-12-20",
            "selfEvaluation": "2027-12-31",
            "managerEvaluation": "2028-01-10",
        },
    )
    await step(api, plan["id"], "SUBMIT", s.user("perf"))
    assert (await step(api, plan["id"], "APPROVE", s.user("hrvp")))["data"]["transitionPlan"][
        "state"
    ] == "IN_REVIEW"
    assert (await step(api, plan["id"], "APPROVE", s.user("gm")))["data"]["transitionPlan"][
        "state"
    ] == "APPROVED"


async def test_an_edit_during_review_makes_earlier_approvals_stale(api, make_company) -> None:
    from tests.schema.plans.planning import UPDATE, indicators

    s = await make_company()
    plan = await create(api, s)
    await step(api, plan["id"], "SUBMIT", s.user("perf"))
    await step(api, plan["id"], "APPROVE", s.user("hrvp"))
    edited = await api.gql(
        UPDATE,
        {"id": plan["id"], "v": 1, "i": {"indicators": indicators("2")}, "c": "收紧"},
        as_user=s.user("vpb"),
    )
    assert edited["data"]["updatePlan"]["version"] == 2
    # the VP's approval does not complete it: the HR VP approved version 1, not 2
    assert (await step(api, plan["id"], "APPROVE", s.user("vpb")))["data"]["transitionPlan"][
        "state"
    ] == "IN_REVIEW"
    assert (await step(api, plan["id"], "APPROVE", s.user("hrvp")))["data"]["transitionPlan"][
        "state"
    ] == "APPROVED"


async def test_a_vp_cannot_move_a_plan_onto_another_division(api, make_company) -> None:
    from tests.schema.plans.planning import UPDATE

    s = await make_company()
    plan = await create(api, s)
    await step(api, plan["id"], "SUBMIT", s.user("perf"))
    moved = await api.gql(
        UPDATE,
        {"id": plan["id"], "v": 1, "i": {"departmentIds": [s.ids["sales"]]}, "c": "归我们"},
        as_user=s.user("vpb"),
    )
    assert moved["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    unchanged = await api.gql(PLAN, {"id": plan["id"]}, as_user=s.user("perf"))
    assert unchanged["data"]["plan"]["version"] == 1
