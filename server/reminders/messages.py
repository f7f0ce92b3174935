"""The reminders' texts (notifications rendered in the recipient's language), merged into
server.i18n.MESSAGES. One key per rule and stage: ``reminder_<rule>[_<stage>]``."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (English, 简体中文)
    "reminder_department_completion": (
        "{department}: {complete} of {people} people in “{plan}” are complete ({completion} %), "
        "below the {threshold} % threshold.",
        "{department}：“{plan}”中 {people} 人仅 {complete} 人完成（{completion}%），"
        "低于 {threshold}% 的阈值。",
    ),
    "reminder_employee_completion": (
        "{employee}'s actuals and evaluations in “{plan}” are {completion} % complete, below "
        "the {threshold} % threshold.",
        "{employee} 在“{plan}”中的实际值与评估完成率为 {completion}%，低于 {threshold}% 的阈值。",
    ),
    "reminder_plan_submission": (
        "The plan “{plan}” was due for submission on {due} and has not been submitted.",
        "计划“{plan}”应于 {due} 提交，至今尚未提交。",
    ),
    "reminder_self_evaluation_due_soon": (
        "Your self-evaluation for “{plan}” is due in {days} days ({due}).",
        "您在“{plan}”中的自评将于 {days} 天后（{due}）截止。",
    ),
    "reminder_self_evaluation_due_today": (
        "Your self-evaluation for “{plan}” is due today ({due}).",
        "您在“{plan}”中的自评今天（{due}）截止。",
    ),
    "reminder_self_evaluation_overdue": (
        "Your self-evaluation for “{plan}” was due on {due} and is overdue.",
        "您在“{plan}”中的自评已于 {due} 截止，现已逾期。",
    ),
    "reminder_self_evaluation_escalated": (
        "{employee}'s self-evaluation for “{plan}” is {days} days overdue (due {due}).",
        "{employee} 在“{plan}”中的自评已逾期 {days} 天（截止 {due}）。",
    ),
    "reminder_manager_evaluation_due_soon": (
        "Your evaluation of {employee} for “{plan}” is due in {days} days ({due}).",
        "您对 {employee} 在“{plan}”中的上级评价将于 {days} 天后（{due}）截止。",
    ),
    "reminder_manager_evaluation_due_today": (
        "Your evaluation of {employee} for “{plan}” is due today ({due}).",
        "您对 {employee} 在“{plan}”中的上级评价今天（{due}）截止。",
    ),
    "reminder_manager_evaluation_overdue": (
        "Your evaluation of {employee} for “{plan}” was due on {due} and is overdue.",
        "您对 {employee} 在“{plan}”中的上级评价已于 {due} 截止，现已逾期。",
    ),
    "reminder_manager_evaluation_escalated": (
        "The manager evaluation of {employee} for “{plan}” is {days} days overdue (due {due}).",
        "{employee} 在“{plan}”中的上级评价已逾期 {days} 天（截止 {due}）。",
    ),
    "reminder_feedback_unanswered": (
        "Feedback from {employee} is unanswered past its deadline ({due}).",
        "{employee} 提出的反馈已超过答复期限（{due}）仍未答复。",
    ),
    "reminder_sync_failed": (
        "The connector “{connector}” failed to sync: {error}",
        "连接器“{connector}”同步失败：{error}",
    ),
}
