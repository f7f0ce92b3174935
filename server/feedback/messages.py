"""User-facing messages of this package, merged into server.i18n.MESSAGES."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (English, 简体中文)
    "results_not_published": (
        "The results of this plan are not published yet; feedback opens once they are.",
        "该计划的结果尚未发布；发布后才能提出反馈。",
    ),
    "feedback_window_closed": (
        "Feedback on these results closed on {closed}, {days} days after they were published.",
        "对该结果的反馈已于 {closed} 截止（结果发布后 {days} 天）。",
    ),
    "feedback_state": (
        "This feedback is {state}; you cannot {action} it now.",
        "该反馈当前状态为 {state}，现在不能{action}。",
    ),
    "answer_not_due": (
        "The answer is due by {due}; until then the feedback can be escalated only once it "
        "has been answered.",
        "答复截止时间为 {due}；在此之前，只有收到答复后才能升级该反馈。",
    ),
    "not_feedback_handler": (
        "This feedback is waiting on another person's answer.",
        "该反馈需由其他人答复。",
    ),
    "no_manager": (
        "Nobody is on record as your manager to answer feedback; ask HR to set one.",
        "系统中没有您的直属上级来答复反馈；请联系人力资源部门设置。",
    ),
}
