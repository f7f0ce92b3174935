"""User-facing messages of this package, merged into server.i18n.MESSAGES."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (English, 简体中文)
    "plan_not_active": (
        "The plan is {state}, not active yet: indicators are assigned once it is active.",
        "计划当前状态为 {state}，尚未生效：计划生效后才能分配指标。",
    ),
    "results_finalized": (
        "The plan's results are already {state}: assignments can no longer change.",
        "计划结果已定稿（状态：{state}），指标分配不能再修改。",
    ),
    "department_not_covered": (
        "{field}: the plan does not cover this department.",
        "{field}：该计划不覆盖此部门。",
    ),
    "not_in_department": (
        "{field}: this person is not in the department being assigned.",
        "{field}：此人不属于正在分配的部门。",
    ),
    "duplicate_employee": (
        "{field}: this person already has a row in this request.",
        "{field}：本次请求中已有此人的一行。",
    ),
    "not_assigned_indicator": (
        "{field}: this person has no indicator with the key {indicator}.",
        "{field}：此人没有键为 {indicator} 的指标。",
    ),
    "assignment_stale": (
        "The assignment has changed since you read it: it is at revision {current}, you "
        "edited revision {expected}. Reload it and apply your change again.",
        "该指标分配在您读取后已被修改：当前为第 {current} 次修订，您修改的是第 {expected} 次。"
        "请刷新后重新修改。",
    ),
}
