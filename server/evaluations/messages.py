"""User-facing messages of this package, merged into server.i18n.MESSAGES."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (English, 简体中文)
    "evaluation_submitted": (
        "This evaluation was submitted on {submitted}; it can change only after the "
        "performance admin reopens it.",
        "该评估已于 {submitted} 提交；如需修改，请绩效管理员重新开放。",
    ),
    "deadline_passed": (
        "The deadline passed on {deadline}; ask the performance admin to reopen it.",
        "截止日期 {deadline} 已过；请联系绩效管理员重新开放。",
    ),
    "evaluation_closed": (
        "Evaluations can be written only while the plan is active or being evaluated; "
        "it is {state}.",
        "只有在计划执行中或评估中才能填写评估；该计划当前状态为 {state}。",
    ),
    "evaluation_not_started": (
        "The plan's evaluation has not started yet: save a draft now and submit it once the "
        "evaluation starts.",
        "计划尚未进入评估阶段：现在可以保存草稿，评估开始后再提交。",
    ),
    "own_evaluation": (
        "Nobody writes the manager evaluation of themselves.",
        "不能为自己填写上级评价。",
    ),
    "rating_range": (
        "{field} must be a whole number from 1 to 5.",
        "{field} 必须是 1 至 5 的整数。",
    ),
    "rating_missing": (
        "{field}: rate {indicator} (1 to 5) before submitting.",
        "{field}：提交前请为“{indicator}”评分（1 至 5）。",
    ),
    "rating_on_quantitative": (
        "{field}: {indicator} is scored from its figures; only qualitative indicators take "
        "a rating.",
        "{field}：“{indicator}”按实际数据计分，只有定性指标才能评分。",
    ),
    "value_from_connector": (
        "{field}: {indicator} is filled from {source}; only a manually entered indicator "
        "takes your own figure.",
        "{field}：“{indicator}”的数据来自 {source}，只有手工录入的指标才能填写自评数值。",
    ),
    "value_on_rated": (
        "{field}: {indicator} is qualitative and rated by the manager; it takes a comment, "
        "not a figure.",
        "{field}：“{indicator}”是定性指标，由上级评分，只能填写评语，不能填写数值。",
    ),
}
