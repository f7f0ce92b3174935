"""The closed sets of reminders (the API exposes ``ReminderRule``)."""

from __future__ import annotations

from enum import StrEnum


class ReminderRule(StrEnum):
    """A rule: stored in each notification's key, so never rename a member's value."""

    DEPARTMENT_COMPLETION = "department_completion"  # -> the department's VP
    EMPLOYEE_COMPLETION = "employee_completion"  # -> the employee's manager
    PLAN_SUBMISSION = "plan_submission"  # -> the HR VP
    SELF_EVALUATION = "self_evaluation"  # -> the employee; escalates to his skip-level
    MANAGER_EVALUATION = "manager_evaluation"  # -> the manager; escalates to his manager
    FEEDBACK_UNANSWERED = "feedback_unanswered"  # -> the performance admin
    SYNC_FAILED = "sync_failed"  # -> the tenant admin


class ReminderStage(StrEnum):
    """How far along a reminder is; each stage of a subject is notified once."""

    BELOW = "below"  # a completion under its threshold
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    DUE_TODAY = "due_today"
    ESCALATED = "escalated"
    FAILED = "failed"
