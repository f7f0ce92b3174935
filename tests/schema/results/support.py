"""Shared set-up for evaluation and scoring tests: an active sales plan, as in the article.

The sandbox of ``make_company``: ``mgr`` manages 销售一部 (``sales``), ``staff`` reports to
him; ``vpa`` is the division's VP, ``hrvp`` the HR VP, ``perf`` the performance admin.
"""

from __future__ import annotations

from typing import Any

from tests.schema.plans.planning import CREATE, plan_input, step

# The article's sales plan: revenue 60 % (from a connector), new customers 40 % (manual).
SALES_INDICATORS: list[dict[str, Any]] = [
    {
        "name": "销售额 Revenue",
        "weight": "60",
        "target": "10",
        "unit": "万元",
        "dataSource": "sales.revenue",
    },
    {"name": "新客户数 New customers", "weight": "40", "target": "4", "unit": "customers"},
]


async def active_plan(
    api: Any, sandbox: Any, indicators: list[dict[str, Any]] | None = None, **overrides: Any
) -> dict[str, Any]:
    """A plan over the sales department, approved, filed and acknowledged: ACTIVE.

    Returns the plan as ``createPlan`` answered it (``id``, ``indicators`` with ``key``...).
    """
    data = plan_input(
        [sandbox.ids["sales"]],
        name="销售一部 2026-12 绩效计划",
        indicators=indicators or SALES_INDICATORS,
        **overrides,
    )
    created = await api.gql(CREATE, {"i": data}, as_user=sandbox.user("perf"))
    assert "errors" not in created, created
    plan = created["data"]["createPlan"]
    for action, user in (
        ("SUBMIT", "perf"),
        ("APPROVE", "hrvp"),
        ("APPROVE", "vpa"),
        ("FILE", "perf"),
        ("ACKNOWLEDGE", "gm"),
    ):
        done = await step(api, plan["id"], action, sandbox.user(user))
        assert "errors" not in done, (action, done)
    assert done["data"]["transitionPlan"]["state"] == "ACTIVE"
    return dict(plan)
