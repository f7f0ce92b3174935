"""Required sign-offs come from the policy: granting approve to a role makes its sign-off
required and honoured, with no code change (issue 9, item 2)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from server.settings import PROJECT_ROOT
from tests.schema.plans.planning import create, plan_input, step

SHIPPED = PROJECT_ROOT / "policies" / "policy.csv"
APPROVALS = """query($id: ID!) { plan(id: $id) { state version nextSteps
  approvals { role division { id } current } } }"""


@asynccontextmanager
async def policy_with(api: Any, policy_dir: Path, *lines: str) -> AsyncIterator[None]:
    """The shipped policy plus ``lines`` in force; the shipped one restored afterwards."""
    try:
        (policy_dir / "policy.csv").write_text(SHIPPED.read_text() + "\n".join(lines) + "\n")
        await api.runtime.policies.reload()
        yield
    finally:
        shutil.copy(SHIPPED, policy_dir / "policy.csv")
        await api.runtime.policies.reload()


async def _plan(api: Any, plan_id: str, user: str) -> dict[str, Any]:
    result = await api.gql(APPROVALS, {"id": plan_id}, as_user=user)
    assert "errors" not in result, result
    return result["data"]["plan"]


def _signoffs(plan: dict[str, Any]) -> set[tuple[str, str | None]]:
    return {(a["role"].lower(), (a["division"] or {}).get("id")) for a in plan["approvals"]}


async def _approve_all(api: Any, plan_id: str, users: list[str]) -> dict[str, Any]:
    for user in users:
        result = await step(api, plan_id, "APPROVE", user)
        assert "errors" not in result, (user, result)
    return await _plan(api, plan_id, users[-1])


async def test_granting_approve_to_perf_admin_requires_and_honours_its_signoff(
    api, make_company, policy_dir
) -> None:
    s = await make_company()
    async with policy_with(api, policy_dir, "p, perf_admin, *, plan, approve, scope"):
        plan = await create(api, s)  # the plant, in division B
        assert "errors" not in await step(api, plan["id"], "SUBMIT", s.user("perf"))
        submitted = await _plan(api, plan["id"], s.user("perf"))
        assert _signoffs(submitted) == {
            ("vp", s.ids["divB"]),
            ("hr_vp", None),
            ("perf_admin", None),
        }
        assert "APPROVE" in submitted["nextSteps"]
        # the usual reviewers are not enough any more
        after_review = await _approve_all(api, plan["id"], [s.user("hrvp"), s.user("vpb")])
        assert after_review["state"].lower() == "in_review"
        # the performance admin's sign-off is honoured and completes the review
        assert "errors" not in await step(api, plan["id"], "APPROVE", s.user("perf"))
        approved = await _plan(api, plan["id"], s.user("perf"))
        assert approved["state"].lower() == "approved"
        assert all(a["current"] for a in approved["approvals"])
    # under the shipped policy again, the performance admin approves nothing
    other = await create(api, s, name="恢复后的计划")
    assert "errors" not in await step(api, other["id"], "SUBMIT", s.user("perf"))
    assert ("perf_admin", None) not in _signoffs(await _plan(api, other["id"], s.user("perf")))
    refused = await step(api, other["id"], "APPROVE", s.user("perf"))
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_level_only_grant_to_dept_managers_needs_each_covered_manager(
    api, make_company, policy_dir
) -> None:
    s = await make_company()
    async with policy_with(api, policy_dir, "p, dept_manager, *, plan, approve_department, scope"):
        plan = await create(api, s, [s.ids["sales"]], name="销售一部计划")
        assert "errors" not in await step(api, plan["id"], "SUBMIT", s.user("perf"))
        submitted = await _plan(api, plan["id"], s.user("mgr"))
        assert _signoffs(submitted) == {
            ("vp", s.ids["divA"]),
            ("hr_vp", None),
            ("dept_manager", s.ids["sales"]),
        }
        assert "APPROVE" in submitted["nextSteps"]
        approved = await _approve_all(
            api, plan["id"], [s.user("mgr"), s.user("vpa"), s.user("hrvp")]
        )
        assert approved["state"].lower() == "approved"
        # a company plan is not a department plan: no department manager signs it
        company = await create(api, s, [s.ids["root"]], name="公司计划", level=_level("company"))
        assert "errors" not in await step(api, company["id"], "SUBMIT", s.user("perf"))
        roles = {role for role, _ in _signoffs(await _plan(api, company["id"], s.user("gm")))}
        assert roles == {"hr_vp", "gm"}


def _level(value: str) -> str:
    """A plan level spelt as plan_input spells its default (enum names, or stored values)."""
    return value.upper() if plan_input([])["level"].isupper() else value
