"""Domain errors: a stable code and reason for clients, a message key translated per request.

Services raise these; the GraphQL layer turns them into ``extensions.code`` and a
message in the caller's language. Anything else that escapes is a bug and is masked.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    CONFLICT = "CONFLICT"
    INTERNAL = "INTERNAL"


class Reason(StrEnum):
    """Why a request failed, finer than its code: ``extensions.reason``, stable for clients.

    A domain error's reason follows from its message key (server/i18n.py): the key upper-cased,
    or the alias in ``KEY_REASONS``. docs/api.md lists every member; tests/schema/
    test_error_reasons.py keeps that list, this enum and the raise sites in step.
    """

    # UNAUTHENTICATED
    UNAUTHENTICATED = "UNAUTHENTICATED"
    BAD_CREDENTIALS = "BAD_CREDENTIALS"
    LOGIN_THROTTLED = "LOGIN_THROTTLED"
    TOKEN_INVALID = "TOKEN_INVALID"
    # FORBIDDEN
    FORBIDDEN = "FORBIDDEN"
    OWN_ROLES = "OWN_ROLES"
    OWN_EVALUATION = "OWN_EVALUATION"
    LINK_INVALID = "LINK_INVALID"
    LINK_EXPIRED = "LINK_EXPIRED"
    # NOT_FOUND
    NOT_FOUND = "NOT_FOUND"
    NOT_ASSIGNED = "NOT_ASSIGNED"
    # BAD_USER_INPUT: one field
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    INVALID_FORMAT = "INVALID_FORMAT"
    INVALID_ID = "INVALID_ID"
    WRONG_ID_TYPE = "WRONG_ID_TYPE"
    PAGE_SIZE = "PAGE_SIZE"
    BAD_CURSOR = "BAD_CURSOR"
    DATE_RANGE = "DATE_RANGE"
    DATES_ORDER = "DATES_ORDER"
    PASSWORD_WEAK = "PASSWORD_WEAK"
    USERNAME_DOMAIN = "USERNAME_DOMAIN"
    TOO_MANY_RESULTS = "TOO_MANY_RESULTS"
    TOO_MANY_ITEMS = "TOO_MANY_ITEMS"
    NOTHING_TO_UPDATE = "NOTHING_TO_UPDATE"
    PRIVATE_ADDRESS = "PRIVATE_ADDRESS"
    PERIOD_INVALID = "PERIOD_INVALID"
    PERIOD_BOUNDS = "PERIOD_BOUNDS"
    UPLOAD_UNSUPPORTED = "UPLOAD_UNSUPPORTED"
    POLICY_INVALID = "POLICY_INVALID"
    # BAD_USER_INPUT: org chart and roles
    INACTIVE_REFERENCE = "INACTIVE_REFERENCE"
    SELF_MANAGER = "SELF_MANAGER"
    MANAGER_CYCLE = "MANAGER_CYCLE"
    DEPARTMENT_CYCLE = "DEPARTMENT_CYCLE"
    ROOT_DEPARTMENT = "ROOT_DEPARTMENT"
    ROLE_UNKNOWN = "ROLE_UNKNOWN"
    ROLE_SCOPE = "ROLE_SCOPE"
    # BAD_USER_INPUT: plans and indicators
    WEIGHTS_NOT_100 = "WEIGHTS_NOT_100"
    UNKNOWN_INDICATOR = "UNKNOWN_INDICATOR"
    DUPLICATE_KEY = "DUPLICATE_KEY"
    DUPLICATE_NAME = "DUPLICATE_NAME"
    MUST_BE_POSITIVE = "MUST_BE_POSITIVE"
    CAP_TOO_LOW = "CAP_TOO_LOW"
    BANDS_INVALID = "BANDS_INVALID"
    MUST_NOT_BE_NEGATIVE = "MUST_NOT_BE_NEGATIVE"
    FLOOR_ABOVE_CAP = "FLOOR_ABOVE_CAP"
    ZERO_ANCHOR_SIDE = "ZERO_ANCHOR_SIDE"
    RATING_POINTS_INVALID = "RATING_POINTS_INVALID"
    RATING_NOT_QUALITATIVE = "RATING_NOT_QUALITATIVE"
    UNKNOWN_METRIC = "UNKNOWN_METRIC"
    COMMENT_REQUIRED = "COMMENT_REQUIRED"
    ROWS_INVALID = "ROWS_INVALID"
    TOO_MANY_SOURCES = "TOO_MANY_SOURCES"
    # BAD_USER_INPUT: assignments
    DEPARTMENT_NOT_COVERED = "DEPARTMENT_NOT_COVERED"
    NOT_IN_DEPARTMENT = "NOT_IN_DEPARTMENT"
    DUPLICATE_EMPLOYEE = "DUPLICATE_EMPLOYEE"
    # BAD_USER_INPUT: evaluations
    RATING_RANGE = "RATING_RANGE"
    RATING_MISSING = "RATING_MISSING"
    RATING_ON_QUANTITATIVE = "RATING_ON_QUANTITATIVE"
    VALUE_FROM_CONNECTOR = "VALUE_FROM_CONNECTOR"
    VALUE_ON_RATED = "VALUE_ON_RATED"
    # BAD_USER_INPUT: scoring settings and what-if previews
    FORMULA_INVALID = "FORMULA_INVALID"
    TOO_FEW_ITEMS = "TOO_FEW_ITEMS"
    GRADE_MINIMUMS_ORDER = "GRADE_MINIMUMS_ORDER"
    GRADE_CATCH_ALL = "GRADE_CATCH_ALL"
    RATING_LABELS_INVALID = "RATING_LABELS_INVALID"
    EXACTLY_ONE = "EXACTLY_ONE"
    # BAD_USER_INPUT: publishing results
    PUBLISH_AT_PAST = "PUBLISH_AT_PAST"
    TIMEZONE_REQUIRED = "TIMEZONE_REQUIRED"
    # BAD_USER_INPUT: the actuals sheet (XLSX upload)
    SHEET_INVALID = "SHEET_INVALID"
    SHEET_TOO_LARGE = "SHEET_TOO_LARGE"
    SHEET_TOO_MANY_ROWS = "SHEET_TOO_MANY_ROWS"
    SHEET_PLAN_MISMATCH = "SHEET_PLAN_MISMATCH"
    SHEET_NOT_A_NUMBER = "SHEET_NOT_A_NUMBER"
    SHEET_UNKNOWN_EMPLOYEE = "SHEET_UNKNOWN_EMPLOYEE"
    SHEET_MISSING_KEY = "SHEET_MISSING_KEY"
    SHEET_FORMULA = "SHEET_FORMULA"
    # BAD_USER_INPUT: actuals
    ACTUAL_FROM_CONNECTOR = "ACTUAL_FROM_CONNECTOR"
    ACTUAL_RATED = "ACTUAL_RATED"
    ACTUAL_NOT_CONNECTOR = "ACTUAL_NOT_CONNECTOR"
    DUPLICATE_ROW = "DUPLICATE_ROW"
    # BAD_USER_INPUT: the request itself
    INVALID_QUERY = "INVALID_QUERY"
    OPERATION_NAME_REQUIRED = "OPERATION_NAME_REQUIRED"
    QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
    TOO_MANY_ALIASES = "TOO_MANY_ALIASES"
    TOO_MANY_TOKENS = "TOO_MANY_TOKENS"
    TOO_MANY_OPERATIONS = "TOO_MANY_OPERATIONS"
    QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
    QUERY_TOO_LARGE = "QUERY_TOO_LARGE"
    BODY_TOO_LARGE = "BODY_TOO_LARGE"
    QUERY_STRING_TOO_LARGE = "QUERY_STRING_TOO_LARGE"
    TEXT_NUL = "TEXT_NUL"
    TEXT_SURROGATE = "TEXT_SURROGATE"
    INVALID_REQUEST = "INVALID_REQUEST"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    # CONFLICT
    STALE_VERSION = "STALE_VERSION"
    CHANGED_SINCE_READ = "CHANGED_SINCE_READ"
    PLAN_MOVED = "PLAN_MOVED"
    PLAN_LOCKED = "PLAN_LOCKED"
    ILLEGAL_TRANSITION = "ILLEGAL_TRANSITION"
    NO_APPROVAL_DUE = "NO_APPROVAL_DUE"
    SYNC_BUSY = "SYNC_BUSY"
    LAST_ADMIN = "LAST_ADMIN"
    ROLE_EXISTS = "ROLE_EXISTS"
    ALREADY_INACTIVE = "ALREADY_INACTIVE"
    DEPARTMENT_NOT_EMPTY = "DEPARTMENT_NOT_EMPTY"
    NAME_TAKEN = "NAME_TAKEN"
    USERNAME_TAKEN = "USERNAME_TAKEN"
    EMPLOYEE_NUMBER_TAKEN = "EMPLOYEE_NUMBER_TAKEN"
    DEPARTMENT_NAME_TAKEN = "DEPARTMENT_NAME_TAKEN"
    PLAN_NOT_ACTIVE = "PLAN_NOT_ACTIVE"
    RESULTS_FINALIZED = "RESULTS_FINALIZED"
    EVALUATION_SUBMITTED = "EVALUATION_SUBMITTED"
    DEADLINE_PASSED = "DEADLINE_PASSED"
    EVALUATION_CLOSED = "EVALUATION_CLOSED"
    EVALUATION_NOT_STARTED = "EVALUATION_NOT_STARTED"
    SCORING_SETTINGS_CHANGED = "SCORING_SETTINGS_CHANGED"
    SCORE_NOT_FROZEN = "SCORE_NOT_FROZEN"
    SCORE_FROZEN = "SCORE_FROZEN"
    RESULTS_NOT_FINAL = "RESULTS_NOT_FINAL"
    RESULTS_ALREADY_PUBLISHED = "RESULTS_ALREADY_PUBLISHED"
    ACTUALS_CLOSED = "ACTUALS_CLOSED"
    CLIENT_KEY_REUSED = "CLIENT_KEY_REUSED"
    NOT_OVERRIDDEN = "NOT_OVERRIDDEN"
    # INTERNAL
    INTERNAL = "INTERNAL"


# Message keys whose reason is not the key upper-cased.
_ALIASES = {
    "weights_total": Reason.WEIGHTS_NOT_100,
    "query_cost": Reason.QUERY_TOO_COSTLY,
    "query_invalid": Reason.INVALID_QUERY,
    "not_assigned_indicator": Reason.UNKNOWN_INDICATOR,
    "assignment_stale": Reason.STALE_VERSION,
}
KEY_REASONS: dict[str, Reason] = {r.value.lower(): r for r in Reason} | _ALIASES


def reason_for(key: str) -> Reason:
    """The reason of a message key. A key without one is a bug (a test scans every raise
    site); it answers INTERNAL rather than failing while an error is being reported."""
    return KEY_REASONS.get(key, Reason.INTERNAL)


class DomainError(Exception):
    """An expected failure a person can act on."""

    code: ErrorCode = ErrorCode.INTERNAL

    def __init__(self, key: str, /, *, field: str | None = None, **params: Any) -> None:
        self.key = key
        self.field = field
        self.params = params
        super().__init__(key)

    @property
    def reason(self) -> Reason:
        return reason_for(self.key)


class Unauthenticated(DomainError):
    code = ErrorCode.UNAUTHENTICATED


class Forbidden(DomainError):
    code = ErrorCode.FORBIDDEN


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND

    def __init__(self, object_type: str = "object", /) -> None:
        super().__init__("not_found", object_type=object_type)


class BadInput(DomainError):
    code = ErrorCode.BAD_USER_INPUT


class RowErrors(BadInput):
    """Several rows of one list input are invalid: each keeps its own error, by row number
    (the GraphQL layer lists them in ``extensions.rows``), so one answer names them all."""

    def __init__(self, field: str, rows: list[tuple[int, DomainError]]) -> None:
        super().__init__("rows_invalid", field=field, count=len(rows))
        self.rows = rows


class Conflict(DomainError):
    code = ErrorCode.CONFLICT
