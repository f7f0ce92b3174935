"""Shortcuts for plan tests: a valid plan input and GraphQL documents."""

from __future__ import annotations

from typing import Any

PLAN_FIELDS = (
    "id name state version nextSteps indicators { key name weight target direction dataSource }"
)
CREATE = f"mutation($i: CreatePlanInput!) {{ createPlan(input: $i) {{ {PLAN_FIELDS} }} }}"
UPDATE = f"""mutation($id: ID!, $v: Int!, $i: UpdatePlanInput!, $c: String!) {{
  updatePlan(id: $id, expectedVersion: $v, input: $i, comment: $c) {{ {PLAN_FIELDS} }} }}"""
UPDATE_INDICATOR = f"""mutation($id: ID!, $v: Int!, $k: String!, $i: IndicatorPatch!, $c: String!) {{
  updateIndicator(planId: $id, expectedVersion: $v, key: $k, input: $i, comment: $c) {{ {PLAN_FIELDS} }} }}"""
STEP = """mutation($id: ID!, $a: PlanAction!, $c: String!, $v: Int) {
  transitionPlan(id: $id, action: $a, comment: $c, expectedVersion: $v) { state version } }"""
COMMENT = """mutation($id: ID!, $b: String!, $k: String, $p: ID) { addPlanComment(planId: $id, body: $b, indicatorKey: $k,
  parentId: $p) { id version indicatorKey body author { username } } }"""
PLAN = f"query($id: ID!) {{ plan(id: $id) {{ {PLAN_FIELDS} approvals {{ role current }} }} }}"


def indicators(defect_target: str = "3") -> list[dict[str, Any]]:
    return [
        {
            "name": "产量 Output",
            "weight": "70",
            "target": "10000",
            "unit": "units",
            "dataSource": "production.output",
        },
        {
            "name": "不良率 Defect rate",
            "weight": "30",
            "target": defect_target,
            "unit": "%",
            "direction": "LOWER",
            "dataSource": "production.defect_rate",
        },
    ]


def plan_input(departments: list[str], **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "装配车间 2026-12 绩效计划",
        "level": "DEPARTMENT",
        "periodKind": "MONTH",
        "periodStart": "2026-12-01",
        "periodEnd": "2026-12-31",
        "deadlines": {
            "submission": "2026-11-25",
            "review": "2026-11-30",
            "selfEvaluation": "2027-01-03",
            "managerEvaluation": "2027-01-06",
        },
        "departmentIds": departments,
        "indicators": indicators(),
    }
    data.update(overrides)
    return data


async def step(
    api, plan_id: str, action: str, user: str, comment: str = "", version: int | None = None
) -> dict:
    """Take a step; an approval signs the version the approver reads just before (unless given)."""
    if action == "APPROVE" and version is None:
        read = await api.gql(
            "query($id: ID!) { plan(id: $id) { version } }", {"id": plan_id}, as_user=user
        )
        version = read["data"]["plan"]["version"] if read.get("data") else 1
    variables = {"id": plan_id, "a": action, "c": comment, "v": version}
    return await api.gql(STEP, variables, as_user=user)


async def create(api, sandbox, departments: list[str] | None = None, **overrides: Any) -> dict:
    result = await api.gql(
        CREATE,
        {"i": plan_input(departments or [sandbox.ids["plant"]], **overrides)},
        as_user=sandbox.user("perf"),
    )
    assert "errors" not in result, result
    return result["data"]["createPlan"]
