"""User-facing messages of 360 input, merged into server.i18n.MESSAGES."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (English, 简体中文)
    "peer_reviewer_is_subject": (
        "{field}: nobody gives 360 input on himself.",
        "{field}：不能邀请被评价人本人提供 360 评价。",
    ),
    "peer_deadline_past": (
        "{field} must be a time in the future.",
        "{field} 必须是将来的时间。",
    ),
    "peer_review_closed": (
        "The deadline for this input passed at {deadline}.",
        "该评价的截止时间 {deadline} 已过。",
    ),
    "peer_already_answered": (
        "You have already answered this request; an answer cannot be changed.",
        "你已经提交过该评价，提交后不能修改。",
    ),
    "peer_plan_closed": (
        "360 input is asked and given only while the plan is active or being evaluated; it "
        "is {state}.",
        "只有在计划执行中或评估中才能发起或提交 360 评价；该计划当前状态为 {state}。",
    ),
    "peer_no_qualitative": (
        "This person has no qualitative indicator in the plan to rate.",
        "该员工在此计划中没有可评分的定性指标。",
    ),
}
