"""Domain errors: a stable code for clients and a message key translated per request.

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


class DomainError(Exception):
    """An expected failure a person can act on."""

    code: ErrorCode = ErrorCode.INTERNAL

    def __init__(self, key: str, /, *, field: str | None = None, **params: Any) -> None:
        self.key = key
        self.field = field
        self.params = params
        super().__init__(key)


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
