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


class AuditObjectType(StrEnum):
    """What an audit entry (or an org chart event) is about."""

    COMPANY = "company"
    DEPARTMENT = "department"
    EMPLOYEE = "employee"
    ROLE_ASSIGNMENT = "role_assignment"
    SESSION = "session"
    POLICY = "policy"
    TEMPLATE = "template"
    PLAN = "plan"
    PLAN_COMMENT = "plan_comment"
    CONNECTOR_CONFIG = "connector_config"
    SYNC_RUN = "sync_run"
    ASSIGNMENT = "assignment"
    ACTUAL = "actual"
    EVALUATION = "evaluation"
    SCORE = "score"
    SCORING_SETTINGS = "scoring_settings"


class AuditAction(StrEnum):
    """What an audit entry records, as ``object.verb`` in the database (``plan.submit``) and
    with the dot as an underscore in the API (``PLAN_SUBMIT``). server.audit writes no other:
    a new kind of change needs its member here first."""

    AUTH_LOGIN = "auth.login"
    AUTH_LOGIN_FAILED = "auth.login_failed"
    AUTH_REFRESH = "auth.refresh"
    AUTH_REFRESH_REUSED = "auth.refresh_reused"
    AUTH_LOGOUT = "auth.logout"
    COMPANY_UPDATE = "company.update"
    DEPARTMENT_CREATE = "department.create"
    DEPARTMENT_UPDATE = "department.update"
    DEPARTMENT_DEACTIVATE = "department.deactivate"
    EMPLOYEE_CREATE = "employee.create"
    EMPLOYEE_UPDATE = "employee.update"
    EMPLOYEE_DEACTIVATE = "employee.deactivate"
    ROLE_ASSIGN = "role.assign"
    ROLE_REVOKE = "role.revoke"
    POLICY_RELOAD = "policy.reload"
    TEMPLATE_CREATE = "template.create"
    TEMPLATE_UPDATE = "template.update"
    TEMPLATE_DELETE = "template.delete"
    PLAN_CREATE = "plan.create"
    PLAN_UPDATE = "plan.update"
    PLAN_COMMENT = "plan.comment"
    PLAN_COMMENT_RESOLVE = "plan.comment_resolve"
    # one per PlanStep (step_action)
    PLAN_SUBMIT = "plan.submit"
    PLAN_START_REVIEW = "plan.start_review"
    PLAN_RETURN = "plan.return"
    PLAN_REDRAFT = "plan.redraft"
    PLAN_APPROVE = "plan.approve"
    PLAN_FILE = "plan.file"
    PLAN_ACKNOWLEDGE = "plan.acknowledge"
    PLAN_START_EVALUATION = "plan.start_evaluation"
    PLAN_FINALIZE = "plan.finalize"
    PLAN_CLOSE = "plan.close"
    CONNECTOR_CONFIG_CREATE = "connector_config.create"
    CONNECTOR_CONFIG_UPDATE = "connector_config.update"
    CONNECTOR_CONFIG_DELETE = "connector_config.delete"
    CONNECTOR_CONFIG_TEST = "connector_config.test"
    SYNC_START = "sync.start"
    QUARANTINE_REPROCESS = "quarantine.reprocess"
    ASSIGNMENT_CREATE = "assignment.create"
    ASSIGNMENT_UPDATE = "assignment.update"
    ASSIGNMENT_DELETE = "assignment.delete"
    ACTUAL_RECORD = "actual.record"
    ACTUAL_ANNOTATE = "actual.annotate"
    ACTUAL_OVERRIDE = "actual.override"
    EVALUATION_SAVE = "evaluation.save"
    EVALUATION_SUBMIT = "evaluation.submit"
    EVALUATION_REOPEN = "evaluation.reopen"
    SCORE_FREEZE = "score.freeze"
    SCORE_REOPEN = "score.reopen"
    SCORE_PUBLISH = "score.publish"
    SCORING_FORMULA_UPDATE = "scoring_formula.update"
    SCORING_SETTINGS_UPDATE = "scoring_settings.update"


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
}
RELATIONS = ("self", "team", "scope", "company")

# Every plan level has its own approve action, so the policy can say who signs which plans.
if not {f"approve_{level}" for level in PLAN_LEVELS} <= OBJECT_ACTIONS["plan"]:
    raise RuntimeError("every plan level needs its approve_<level> action")

# A workflow step is audited as plan.<step>, so each step needs its member there.
if not {f"plan.{step}" for step in PlanStep} <= {a.value for a in AuditAction}:
    raise RuntimeError("every PlanStep needs its plan.<step> AuditAction")
