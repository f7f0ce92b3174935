"""The domain's fixed words, shared by models, policies, demo data and validation.

Every closed set is a ``StrEnum``: a member equals the text stored in the database (``Role.GM
== "gm"``), so rows, policies and JSON keep their plain strings, and the GraphQL layer exposes
each enum under the same name with upper-case values (``HALF_YEAR``). docs/api.md,
docs/plans.md and docs/connectors.md list the values; tests/schema/test_enums.py keeps both
sides in step.
"""

from __future__ import annotations

from enum import StrEnum
from typing import get_args

from plugins import contract
from server.audit_vocabulary import AuditAction
from server.audit_vocabulary import AuditObjectType as AuditObjectType  # re-exported


class Role(StrEnum):
    GM = "gm"
    VP = "vp"
    HR_VP = "hr_vp"
    PERF_ADMIN = "perf_admin"
    DEPT_MANAGER = "dept_manager"
    EMPLOYEE = "employee"
    ADMIN = "admin"


class DepartmentKind(StrEnum):
    EXECUTIVE = "executive"
    DIVISION = "division"
    SALES = "sales"
    MARKETING = "marketing"
    PRODUCTION = "production"
    QUALITY = "quality"
    RND = "rnd"
    SERVICE = "service"
    HR = "hr"
    FINANCE = "finance"
    PROCUREMENT = "procurement"
    LOGISTICS = "logistics"
    IT = "it"
    ADMIN = "admin"
    OTHER = "other"


class PlanState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    RETURNED = "returned"
    APPROVED = "approved"
    FILED = "filed"
    ACTIVE = "active"
    EVALUATING = "evaluating"
    FINALIZED = "finalized"
    CLOSED = "closed"


class PlanStep(StrEnum):
    """Every workflow step a plan's history records: the actions a caller sends (the API's
    ``PlanAction``) and ``start_review``, which the first sign-off takes by itself."""

    SUBMIT = "submit"
    START_REVIEW = "start_review"
    RETURN = "return"
    REDRAFT = "redraft"
    APPROVE = "approve"
    FILE = "file"
    ACKNOWLEDGE = "acknowledge"
    START_EVALUATION = "start_evaluation"
    FINALIZE = "finalize"
    CLOSE = "close"


class PlanLevel(StrEnum):
    COMPANY = "company"
    DEPARTMENT = "department"


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"


class Framework(StrEnum):
    KPI = "KPI"
    OKR = "OKR"


class Direction(StrEnum):
    """Whether more of an indicator is better (sales) or less (defect rate)."""

    HIGHER = "higher"
    LOWER = "lower"


class ScoringKind(StrEnum):
    """How an indicator's result becomes a score (server/indicators.py ScoringRule)."""

    RATIO = "ratio"
    LINEAR = "linear"
    TARGET_DISTANCE = "target_distance"
    BANDS = "bands"
    RATING = "rating"


class BandBasis(StrEnum):
    """What a scoring band's ``from`` is compared with: the achievement % or the actual value."""

    ACHIEVEMENT = "achievement"
    ACTUAL = "actual"


class PlanChangeKind(StrEnum):
    """One line of a diff between two versions."""

    PLAN = "plan"
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


class PlanEventKind(StrEnum):
    STATE = "state"
    VERSION = "version"
    COMMENT = "comment"


class MatchBy(StrEnum):
    """Which employee field a connector's ``employee_key`` is matched against."""

    EMPLOYEE_NUMBER = "employee_number"
    EMAIL = "email"
    USERNAME = "username"


class SyncStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class SyncTrigger(StrEnum):
    MANUAL = "manual"
    UPLOAD = "upload"
    SCHEDULE = "schedule"


# What a connector declares. plugins/ imports nothing of server/, so its contract spells these
# as Literal types for plugin authors; the enums here must name exactly the same values.
class ConnectorKind(StrEnum):
    ATTENDANCE = "attendance"
    SALES = "sales"
    PRODUCTION = "production"
    ERP = "erp"
    OTHER = "other"


class Aggregation(StrEnum):
    """How a metric's daily facts combine into a longer period."""

    SUM = "sum"
    AVG = "avg"
    LAST = "last"
    MIN = "min"
    MAX = "max"


class ConfigFieldType(StrEnum):
    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    URL = "url"
    OBJECT = "object"
    ARRAY = "array"


class PluginStage(StrEnum):
    """Where loading a plugin failed."""

    IMPORT = "import"
    REGISTER = "register"
    CONNECTOR = "connector"


def step_action(step: str) -> AuditAction:
    """The audit action a workflow step is recorded under."""
    return AuditAction(f"plan.{PlanStep(step)}")


class QuarantineReason(StrEnum):
    """Why a fetched record was quarantined (server.sync.checks); the record also keeps the
    reason in words. OTHER: quarantined before these codes existed, for a reason not known."""

    MALFORMED = "malformed"
    NO_SOURCE_ID = "no_source_id"
    UNKNOWN_METRIC = "unknown_metric"
    BAD_DATE = "bad_date"
    BAD_PERIOD = "bad_period"
    OUTSIDE_PERIOD = "outside_period"
    BAD_VALUE = "bad_value"
    NO_EMPLOYEE = "no_employee"
    UNKNOWN_EMPLOYEE = "unknown_employee"
    OTHER = "other"


class PlanField(StrEnum):
    """What a line of a version diff is about: a plan field, an indicator field, or
    (INDICATOR) a whole indicator added or removed. server/plans/versions.py names them."""

    NAME = "name"
    LEVEL = "level"
    PERIOD_KIND = "period_kind"
    PERIOD_START = "period_start"
    PERIOD_END = "period_end"
    SUBMISSION_DUE = "submission_due"
    REVIEW_DUE = "review_due"
    SELF_EVALUATION_DUE = "self_evaluation_due"
    MANAGER_EVALUATION_DUE = "manager_evaluation_due"
    DEPARTMENT_IDS = "department_ids"
    INDICATOR = "indicator"
    DESCRIPTION = "description"
    UNIT = "unit"
    WEIGHT = "weight"
    TARGET = "target"
    DIRECTION = "direction"
    DATA_SOURCE = "data_source"
    SCORING = "scoring"
    QUALITATIVE = "qualitative"


for _enum, _literal in (
    (ConnectorKind, contract.ConnectorKind),
    (Aggregation, contract.Aggregation),
    (ConfigFieldType, contract.FieldType),
):
    if {m.value for m in _enum} != set(get_args(_literal)):
        raise RuntimeError(f"{_enum.__name__} differs from plugins.contract")


ROLES = tuple(r.value for r in Role)
# Roles held over the whole company; the others are held over a department subtree.
COMPANY_ROLES = frozenset({"gm", "hr_vp", "perf_admin", "admin", "employee"})
DEPARTMENT_ROLES = frozenset({"vp", "dept_manager"})

DEPARTMENT_KINDS = tuple(k.value for k in DepartmentKind)

PLAN_LEVELS = tuple(level.value for level in PlanLevel)

# What the policy speaks of: object types with their actions, and the caller's relations.
OBJECT_ACTIONS: dict[str, frozenset[str]] = {
    "company": frozenset({"read", "update"}),
    "department": frozenset({"read", "read_inactive", "create", "update", "deactivate"}),
    "employee": frozenset(
        {"read", "read_personal", "read_inactive", "create", "update", "deactivate"}
        | {"set_credentials"}
    ),
    "role_assignment": frozenset({"read", "assign", "revoke"}),
    "audit_entry": frozenset({"read"}),
    "policy": frozenset({"reload"}),
    "connector_config": frozenset({"read", "create", "update", "delete", "sync"}),
    "sync_run": frozenset({"read"}),
    "quarantine": frozenset({"read", "reprocess"}),
    "metric_fact": frozenset({"read"}),
    "template": frozenset({"read", "create", "update", "delete"}),
    "plan": frozenset(
        {"read", "read_published", "create", "update", "review_edit", "comment", "submit"}
        # approve, or approve only plans of one level (see PLAN_LEVELS and docs/plans.md)
        | {"approve", "approve_company", "approve_department", "return", "redraft", "file"}
        | {"acknowledge", "start_evaluation", "finalize", "close", "progress"}
    ),
    # Evaluation and scoring (docs/policies.md): "assign" while the plan is active, "amend"
    # once evaluation has started.
    "assignment": frozenset({"read", "assign", "amend"}),
    "actual": frozenset({"read", "record", "annotate", "override"}),
    "evaluation": frozenset({"read", "self_evaluate", "manager_evaluate", "reopen"}),
    # read: computed results at once; read_published: only after publishResults
    "score": frozenset({"read", "read_published", "reopen", "publish", "preview"}),
    "report": frozenset({"read", "rank"}),
    "scoring_settings": frozenset({"read", "update"}),
    # calibration sessions over frozen scores (docs/calibration.md), and the guideline
    "calibration": frozenset({"read", "open", "change", "lock", "export"}),
    "calibration_settings": frozenset({"read", "update"}),
    # feedback and appeals (docs/feedback.md): raise and accept/escalate are the person's,
    # answer his manager's (then the skip-level's), decide the performance admin's;
    # configure: the tenant's window and answer deadline
    "feedback": frozenset({"read", "raise", "answer", "accept", "escalate", "decide", "configure"}),
    # ongoing notes and praise about a person, outside any cycle
    "note": frozenset({"read", "write"}),
    # reminder thresholds (docs/reminders.md)
    "reminder_settings": frozenset({"read", "update"}),
    # 360 input (docs/peer_reviews.md): read_aggregate shows averages once enough answered,
    # read_all the responses with their reviewers; configure: the tenant's minimum k.
    "peer_review": frozenset({"request", "respond", "read_aggregate", "read_all", "configure"}),
    # bonus allocation (docs/bonus.md): update covers coefficients, pools and base amounts
    "bonus": frozenset({"read", "update", "export"}),
    # notifications (docs/notifications.md): read_own and set_preferences are one's own;
    # read_failed and retry the failed deliveries; configure the tenant's channels
    "notification": frozenset({"read_own", "set_preferences", "read_failed", "retry", "configure"}),
    # analytics (docs/analytics.md): read the figures, drivers (correlation and regression),
    # raters (rater effects), export; the rows beneath are the caller's score grants'
    "analytics": frozenset({"read", "drivers", "raters", "export"}),
}
RELATIONS = ("self", "team", "scope", "company")

# Every plan level has its own approve action, so the policy can say who signs which plans.
if not {f"approve_{level}" for level in PLAN_LEVELS} <= OBJECT_ACTIONS["plan"]:
    raise RuntimeError("every plan level needs its approve_<level> action")

# A workflow step is audited as plan.<step>, so each step needs its member there.
if not {f"plan.{step}" for step in PlanStep} <= {a.value for a in AuditAction}:
    raise RuntimeError("every PlanStep needs its plan.<step> AuditAction")
