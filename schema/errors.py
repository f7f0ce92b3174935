"""Every GraphQL error leaves with ``extensions.code`` and a message in the caller's language.

Domain errors keep their code and reason; GraphQL syntax, validation and variable errors are
the client's mistake (BAD_USER_INPUT, with a reason naming the limit when one was breached,
INVALID_QUERY otherwise); anything else is a bug: logged with the request id and masked as
INTERNAL, so no stack trace or SQL ever reaches a client. The same for every
transport: over HTTP once the operation ends, over websockets result by result.

Errors are logged in one place, ``schema/error_log.py``, before they are formatted here: a
client's mistake as a DEBUG line, a bug as an ERROR line with its traceback, neither with the
document's text or variables.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.exceptions import MissingQueryError
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError

from server.errors import DomainError, ErrorCode, Reason, RowErrors
from server.i18n import translate
from server.i18n_hints import graphql_zh

# Never a field's type: listed in the schema (build_schema's ``types``) so that the SDL and
# introspection document the values of ``extensions.code`` and ``extensions.reason`` for codegen.
ERROR_ENUMS = (
    strawberry.enum(ErrorCode, description="`extensions.code` of an error: its broad class."),
    strawberry.enum(
        Reason,
        name="ErrorReason",
        description="`extensions.reason` of an error: why, stable; see docs/api.md.",
    ),
)

_SUGGESTION = re.compile(r"\s*Did you mean .*\?$")
# Strawberry's "which operation?" failures. The HTTP view gets them raised (and answers 400);
# websockets get them wrapped as GraphQL errors. The client's mistake either way.
REQUEST_ERRORS = (CannotGetOperationTypeError, InvalidOperationTypeError, MissingQueryError)
# graphql-core and strawberry's limiters refuse in English prose only: their reason is read
# from the message (tests/schema/test_error_reasons.py breaches each limit).
_LIMIT_REASONS = (
    (re.compile(r"exceeds maximum operation depth"), Reason.QUERY_TOO_DEEP),
    (re.compile(r"^\d+ aliases found\. Allowed: \d+"), Reason.TOO_MANY_ALIASES),
    (re.compile(r"Document contains more than \d+ tokens\. Parsing"), Reason.TOO_MANY_TOKENS),
    (re.compile(r"^Must provide operation name"), Reason.OPERATION_NAME_REQUIRED),
)


def query_reason(message: str) -> Reason:
    """The reason of a refused document: the limit it breached, or INVALID_QUERY."""
    for pattern, reason in _LIMIT_REASONS:
        if pattern.search(message):
            return reason
    return Reason.INVALID_QUERY


def row_error(row: int, error: DomainError, lang: str) -> dict[str, Any]:
    """One row of a list input that failed: its position, code, field path and message."""
    message = translate(error.key, lang, field=error.field, **error.params)
    return {
        "row": row,
        "code": error.code.value,
        "reason": error.reason.value,
        "field": error.field,
        "message": message,
    }


def format_error(
    error: GraphQLError, lang: str, request_id: str, hide_suggestions: bool
) -> GraphQLError:
    original = error.original_error
    extensions: dict[str, Any] = dict(error.extensions or {})
    if isinstance(original, GraphQLError) and original is not error:
        return format_error(original, lang, request_id, hide_suggestions)
    if isinstance(original, DomainError):
        message = translate(original.key, lang, field=original.field, **original.params)
        extensions["code"] = original.code.value
        extensions["reason"] = original.reason.value
        if original.field:
            extensions["field"] = original.field
        if "column" in original.params:  # where in a text field (a formula), 1-based
            extensions["column"] = original.params["column"]
        if isinstance(original, RowErrors):  # a list input: every invalid row, each its own
            extensions["rows"] = [row_error(i, e, lang) for i, e in original.rows]
    elif original is None or isinstance(original, REQUEST_ERRORS):
        detail = error.message
        if hide_suggestions:
            detail = _SUGGESTION.sub("", detail)
        # graphql-core speaks English only: its common messages have a Chinese template, and
        # a translated one keeps the original in `detail`, for tools and for searching it.
        chinese = graphql_zh(detail) if lang == "zh" else None
        if chinese:
            extensions["detail"] = detail
        message = translate("query_invalid", lang, detail=chinese or detail)
        extensions.setdefault("code", ErrorCode.BAD_USER_INPUT.value)
        # Strawberry's "which operation?" failures are the request's, as over HTTP.
        reason = Reason.INVALID_REQUEST if original is not None else query_reason(error.message)
        extensions.setdefault("reason", reason.value)
    else:
        # Logged by schema.error_log, with this same request id.
        message = translate("internal", lang, request_id=request_id)
        extensions = {
            "code": ErrorCode.INTERNAL.value,
            "reason": Reason.INTERNAL.value,
            "requestId": request_id,
        }
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )


class ErrorFormatter(SchemaExtension):
    """Formats the errors of every result before it reaches the client.

    ``execute`` (HTTP) has one result, formatted when the operation ends. ``stream``
    (websockets) sends each result as it is produced, inside the operation, so those are
    formatted one by one in ``on_stream_result``, and not a second time at the end (that would
    wrap an already translated message again).
    """

    _streamed = False

    def on_operation(self) -> Iterator[None]:
        self._streamed = False
        yield
        if not self._streamed:
            self._format(self.execution_context.result)

    def on_stream_result(self, result: Any) -> Iterator[None]:
        self._streamed = True
        self._format(result)
        yield

    def _format(self, result: Any) -> None:
        # graphql-core's result over HTTP (converted only after the operation), strawberry's when
        # streamed: both have a settable ``errors``.
        if result is None or not getattr(result, "errors", None):
            return
        context = self.execution_context.context
        lang = getattr(context, "lang", "en")
        request_id = getattr(context, "request_id", "")
        hide = getattr(context, "production", False)
        result.errors = [format_error(e, lang, request_id, hide) for e in result.errors]
