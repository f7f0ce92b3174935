"""Typed permissions: the object/action pairs the policy speaks of, as named constants.

Call sites name a constant (``PLAN_APPROVE``) instead of two bare strings, and every constant
is checked against ``OBJECT_ACTIONS`` when this module loads: a misspelt pair fails at start
(``ValueError``) instead of silently denying on every request.
"""

from __future__ import annotations

from typing import NamedTuple

from server.vocabulary import OBJECT_ACTIONS


class _Pair(NamedTuple):
    obj: str
    act: str


class Permission(_Pair):
    """An action on an object type, both as written in policies/policy.csv.

    A tuple underneath: hashing it (every check looks a grant up by it) costs what a
    tuple's does, not a Python-level ``__hash__``.
    """

    __slots__ = ()

    def __new__(cls, obj: str, act: str) -> Permission:
        self = super().__new__(cls, obj, act)
        self._check()
        return self

    def _check(self) -> None:
        actions = OBJECT_ACTIONS.get(self.obj)
        if actions is None:
            known = ", ".join(OBJECT_ACTIONS)
            raise ValueError(f"unknown object {self.obj!r}; objects are {known}")
        if self.act not in actions:
            known = ", ".join(sorted(actions))
            raise ValueError(f"{self.obj} has no action {self.act!r}; its actions are {known}")

    def __str__(self) -> str:
        return f"{self.obj}:{self.act}"


COMPANY_READ = Permission("company", "read")
COMPANY_UPDATE = Permission("company", "update")

DEPARTMENT_READ = Permission("department", "read")
DEPARTMENT_READ_INACTIVE = Permission("department", "read_inactive")
DEPARTMENT_CREATE = Permission("department", "create")
DEPARTMENT_UPDATE = Permission("department", "update")
DEPARTMENT_DEACTIVATE = Permission("department", "deactivate")

EMPLOYEE_READ = Permission("employee", "read")
EMPLOYEE_READ_PERSONAL = Permission("employee", "read_personal")
EMPLOYEE_READ_INACTIVE = Permission("employee", "read_inactive")
EMPLOYEE_CREATE = Permission("employee", "create")
EMPLOYEE_UPDATE = Permission("employee", "update")
EMPLOYEE_DEACTIVATE = Permission("employee", "deactivate")
EMPLOYEE_SET_CREDENTIALS = Permission("employee", "set_credentials")

ROLE_ASSIGNMENT_READ = Permission("role_assignment", "read")
ROLE_ASSIGNMENT_ASSIGN = Permission("role_assignment", "assign")
ROLE_ASSIGNMENT_REVOKE = Permission("role_assignment", "revoke")

AUDIT_ENTRY_READ = Permission("audit_entry", "read")
POLICY_RELOAD = Permission("policy", "reload")

CONNECTOR_CONFIG_READ = Permission("connector_config", "read")
CONNECTOR_CONFIG_CREATE = Permission("connector_config", "create")
CONNECTOR_CONFIG_UPDATE = Permission("connector_config", "update")
CONNECTOR_CONFIG_DELETE = Permission("connector_config", "delete")
CONNECTOR_CONFIG_SYNC = Permission("connector_config", "sync")
SYNC_RUN_READ = Permission("sync_run", "read")
QUARANTINE_READ = Permission("quarantine", "read")
QUARANTINE_REPROCESS = Permission("quarantine", "reprocess")
METRIC_FACT_READ = Permission("metric_fact", "read")

TEMPLATE_READ = Permission("template", "read")
TEMPLATE_CREATE = Permission("template", "create")
TEMPLATE_UPDATE = Permission("template", "update")
TEMPLATE_DELETE = Permission("template", "delete")

PLAN_READ = Permission("plan", "read")
PLAN_READ_PUBLISHED = Permission("plan", "read_published")
PLAN_CREATE = Permission("plan", "create")
PLAN_UPDATE = Permission("plan", "update")
PLAN_REVIEW_EDIT = Permission("plan", "review_edit")
PLAN_COMMENT = Permission("plan", "comment")
PLAN_SUBMIT = Permission("plan", "submit")
PLAN_APPROVE = Permission("plan", "approve")
PLAN_APPROVE_COMPANY = Permission("plan", "approve_company")
PLAN_APPROVE_DEPARTMENT = Permission("plan", "approve_department")
PLAN_RETURN = Permission("plan", "return")
PLAN_REDRAFT = Permission("plan", "redraft")
PLAN_FILE = Permission("plan", "file")
PLAN_ACKNOWLEDGE = Permission("plan", "acknowledge")
PLAN_START_EVALUATION = Permission("plan", "start_evaluation")
PLAN_FINALIZE = Permission("plan", "finalize")
PLAN_CLOSE = Permission("plan", "close")
PLAN_PROGRESS = Permission("plan", "progress")

ASSIGNMENT_READ = Permission("assignment", "read")
ASSIGNMENT_ASSIGN = Permission("assignment", "assign")
ASSIGNMENT_AMEND = Permission("assignment", "amend")

ACTUAL_READ = Permission("actual", "read")
ACTUAL_RECORD = Permission("actual", "record")
ACTUAL_ANNOTATE = Permission("actual", "annotate")
ACTUAL_OVERRIDE = Permission("actual", "override")

SCORING_SETTINGS_READ = Permission("scoring_settings", "read")
SCORING_SETTINGS_UPDATE = Permission("scoring_settings", "update")
REMINDER_SETTINGS_READ = Permission("reminder_settings", "read")
REMINDER_SETTINGS_UPDATE = Permission("reminder_settings", "update")
SCORE_PREVIEW = Permission("score", "preview")
SCORE_READ = Permission("score", "read")  # computed results, at once
SCORE_READ_PUBLISHED = Permission("score", "read_published")  # once publishResults is in effect
SCORE_PUBLISH = Permission("score", "publish")
SCORE_REOPEN = Permission("score", "reopen")  # reopen a frozen score, and freeze it again

CALIBRATION_READ = Permission("calibration", "read")
CALIBRATION_OPEN = Permission("calibration", "open")
CALIBRATION_CHANGE = Permission("calibration", "change")
CALIBRATION_LOCK = Permission("calibration", "lock")
CALIBRATION_EXPORT = Permission("calibration", "export")
CALIBRATION_SETTINGS_READ = Permission("calibration_settings", "read")
CALIBRATION_SETTINGS_UPDATE = Permission("calibration_settings", "update")

REPORT_READ = Permission("report", "read")
REPORT_RANK = Permission("report", "rank")

FEEDBACK_READ = Permission("feedback", "read")
FEEDBACK_RAISE = Permission("feedback", "raise")
FEEDBACK_ANSWER = Permission("feedback", "answer")  # also check-ins and action updates
FEEDBACK_ACCEPT = Permission("feedback", "accept")
FEEDBACK_ESCALATE = Permission("feedback", "escalate")
FEEDBACK_DECIDE = Permission("feedback", "decide")
FEEDBACK_CONFIGURE = Permission("feedback", "configure")  # window and answer deadline
NOTE_READ = Permission("note", "read")
NOTE_WRITE = Permission("note", "write")

PEER_REVIEW_REQUEST = Permission("peer_review", "request")
PEER_REVIEW_RESPOND = Permission("peer_review", "respond")
PEER_REVIEW_READ_AGGREGATE = Permission("peer_review", "read_aggregate")  # averages, >= k
PEER_REVIEW_READ_ALL = Permission("peer_review", "read_all")  # responses with reviewers
PEER_REVIEW_CONFIGURE = Permission("peer_review", "configure")  # the tenant's minimum k

BONUS_READ = Permission("bonus", "read")
BONUS_UPDATE = Permission("bonus", "update")
BONUS_EXPORT = Permission("bonus", "export")

# Analytics (docs/analytics.md); the rows beneath are the score grants' (server/analytics/scope.py)
ANALYTICS_READ = Permission("analytics", "read")
ANALYTICS_DRIVERS = Permission("analytics", "drivers")
ANALYTICS_RATERS = Permission("analytics", "raters")
ANALYTICS_EXPORT = Permission("analytics", "export")


def plan_permission(action: str) -> Permission:
    """The permission for a plan workflow step or edit named by the state machine."""
    return Permission("plan", action)


NOTIFICATION_READ_OWN = Permission("notification", "read_own")
NOTIFICATION_SET_PREFERENCES = Permission("notification", "set_preferences")
NOTIFICATION_READ_FAILED = Permission("notification", "read_failed")
NOTIFICATION_RETRY = Permission("notification", "retry")
NOTIFICATION_CONFIGURE = Permission("notification", "configure")


def approve_permissions(level: str) -> tuple[Permission, ...]:
    """What lets a role sign off a plan of ``level``: approve, or approve for that level only."""
    return (PLAN_APPROVE, Permission("plan", f"approve_{level}"))
