"""Plan.nextSteps lists the actions the caller may send now: the state machine, the policy,
and for APPROVE a sign-off of the caller's still due; never START_REVIEW (issue 9, item 4)."""

from __future__ import annotations

from typing import Any

from tests.schema.plans.planning import create, step

STEPS = "query($id: ID!) { plan(id: $id) { nextSteps } }"


async def _steps(api: Any, plan_id: str, user: str) -> list[str]:
    result = await api.gql(STEPS, {"id": plan_id}, as_user=user)
    assert "errors" not in result, (user, result)
    return result["data"]["plan"]["nextSteps"]


async def test_next_steps_follow_state_policy_and_pending_signoffs(api, make_company) -> None:
    s = await make_company()
    plan = await create(api, s)  # the plant, division B
    assert await _steps(api, plan["id"], s.user("perf")) == ["SUBMIT"]
    # readers who may not submit are offered nothing
    for reader in ("hrvp", "vpb", "gm"):
        assert await _steps(api, plan["id"], s.user(reader)) == [], reader

    assert "errors" not in await step(api, plan["id"], "SUBMIT", s.user("perf"))
    # submitted: the implicit START_REVIEW is never offered; reviewers approve or return
    assert await _steps(api, plan["id"], s.user("perf")) == []
    assert await _steps(api, plan["id"], s.user("hrvp")) == ["APPROVE", "RETURN"]
    assert await _steps(api, plan["id"], s.user("vpb")) == ["APPROVE", "RETURN"]
    # the GM may return a department plan, but signs off company plans only
    assert await _steps(api, plan["id"], s.user("gm")) == ["RETURN"]

    assert "errors" not in await step(api, plan["id"], "APPROVE", s.user("hrvp"))
    # the HR VP's sign-off is in: nothing left to approve for him, the VP's still due
    assert await _steps(api, plan["id"], s.user("hrvp")) == ["RETURN"]
    assert await _steps(api, plan["id"], s.user("vpb")) == ["APPROVE", "RETURN"]

    assert "errors" not in await step(api, plan["id"], "APPROVE", s.user("vpb"))
    assert await _steps(api, plan["id"], s.user("perf")) == ["FILE"]
    assert await _steps(api, plan["id"], s.user("gm")) == []
    assert "errors" not in await step(api, plan["id"], "FILE", s.user("perf"))
    assert await _steps(api, plan["id"], s.user("gm")) == ["ACKNOWLEDGE"]
    assert await _steps(api, plan["id"], s.user("perf")) == []
    assert "errors" not in await step(api, plan["id"], "ACKNOWLEDGE", s.user("gm"))
    # published: the staff of the plant read it, and may take no step on it
    assert await _steps(api, plan["id"], s.user("worker")) == []
    assert await _steps(api, plan["id"], s.user("perf")) == ["START_EVALUATION"]
