"""Fields that return a department go through the same read check as the `departments`
query: a policy that narrows department reads narrows Plan.departments, Plan.approvals'
divisions and the progress rows too (issue 9, item 2)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from server.settings import PROJECT_ROOT
from tests.schema.plans.planning import create, step

SHIPPED = PROJECT_ROOT / "policies" / "policy.csv"
EVERYONE_READS_DEPARTMENTS = "p, employee, *, department, read, company\n"
OWN_DEPARTMENT_ONLY = "p, employee, *, department, read, self\n"

PLAN = """query($id: ID!) { plan(id: $id) {
  departments { id } approvals { role division { id } } } }"""
PROGRESS = """{ planProgress(periodStart: "2026-12-01", periodEnd: "2026-12-31") {
  department { id } plans { plan { id } } } }"""


@asynccontextmanager
async def own_department_reads_only(api: Any, policy_dir: Path) -> AsyncIterator[None]:
    shipped = SHIPPED.read_text()
    assert EVERYONE_READS_DEPARTMENTS in shipped
    try:
        (policy_dir / "policy.csv").write_text(
            shipped.replace(EVERYONE_READS_DEPARTMENTS, OWN_DEPARTMENT_ONLY)
        )
        await api.runtime.policies.reload()
        yield
    finally:
        shutil.copy(SHIPPED, policy_dir / "policy.csv")
        await api.runtime.policies.reload()


async def test_narrowed_department_reads_narrow_every_department_field(
    api, make_company, policy_dir
) -> None:
    s = await make_company()
    # a plan over both divisions' departments, in review: one sign-off per division VP
    plan = await create(api, s, [s.ids["sales"], s.ids["plant"]], name="跨部门计划")
    assert "errors" not in await step(api, plan["id"], "SUBMIT", s.user("perf"))

    async def seen(user: str) -> tuple[set[str], set[str | None]]:
        result = await api.gql(PLAN, {"id": plan["id"]}, as_user=user)
        assert "errors" not in result, result
        found = result["data"]["plan"]
        divisions = {(a["division"] or {}).get("id") for a in found["approvals"]}
        return {d["id"] for d in found["departments"]}, divisions

    both = {s.ids["sales"], s.ids["plant"]}
    assert await seen(s.user("hrvp")) == (both, {None, s.ids["divA"], s.ids["divB"]})
    async with own_department_reads_only(api, policy_dir):
        direct = await api.gql(
            "query($id: ID!) { node(id: $id) { id } }",
            {"id": s.ids["sales"]},
            as_user=s.user("hrvp"),
        )
        assert direct["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        # the HR VP (in the top department) still sees the plan, but none of its departments
        assert await seen(s.user("hrvp")) == (set(), {None})
        # the VP of division A sees his own division and whatever his role reaches
        departments, divisions = await seen(s.user("vpa"))
        assert departments == set() and divisions == {None, s.ids["divA"]}
        # progress rows: only the departments the caller may read
        progress = await api.gql(PROGRESS, as_user=s.user("hrvp"))
        assert "errors" not in progress, progress
        rows = {r["department"]["id"] for r in progress["data"]["planProgress"]}
        assert rows == {s.ids["root"]}
    assert await seen(s.user("hrvp")) == (both, {None, s.ids["divA"], s.ids["divB"]})
    progress = await api.gql(PROGRESS, as_user=s.user("hrvp"))
    rows = {r["department"]["id"] for r in progress["data"]["planProgress"]}
    assert both <= rows


async def test_progress_rows_hide_plans_the_caller_may_not_read(
    api, make_company, policy_dir
) -> None:
    """Who sees progress is the policy's plan: progress; each plan in it must be readable."""
    s = await make_company()
    plan = await create(api, s, [s.ids["sales"]], name="销售一部计划")  # a draft
    shipped = SHIPPED.read_text()
    try:
        # everyone may follow the progress of their own line of departments
        (policy_dir / "policy.csv").write_text(shipped + "p, employee, *, plan, progress, self\n")
        await api.runtime.policies.reload()

        async def rows(user: str) -> dict[str, list[str]]:
            result = await api.gql(PROGRESS, as_user=user)
            assert "errors" not in result, result
            return {
                r["department"]["id"]: [p["plan"]["id"] for p in r["plans"]]
                for r in result["data"]["planProgress"]
            }

        line = {s.ids["root"], s.ids["divA"], s.ids["sales"]}
        staff = await rows(s.user("staff"))
        assert set(staff) == line
        assert staff[s.ids["sales"]] == []  # a draft is not the staff's to read
        manager = await rows(s.user("mgr"))
        assert set(manager) == line
        assert manager[s.ids["sales"]] == [plan["id"]]  # the manager reads his plans
    finally:
        shutil.copy(SHIPPED, policy_dir / "policy.csv")
        await api.runtime.policies.reload()
    refused = await api.gql(PROGRESS, as_user=s.user("staff"))
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
