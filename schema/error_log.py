"""What the server log says about a failed request: enough to act on, never a secret.

Strawberry's own ``Schema.process_errors`` logs every error at ERROR with its traceback and
``str(error)``, which prints the document around the error's location. So every typo and
every wrong password left a traceback, and a login mutation with the password written into
the document (README's own example) left the password in the log.

Here a client's mistake (a domain error such as wrong credentials, NOT_FOUND or FORBIDDEN,
or a document refused by the parser or validation) is one DEBUG line without traceback,
and a bug is one ERROR line with its traceback and the request id the client is shown.
Neither line holds the document, the variables or the error's message: syntax and
validation messages quote the document's literals, and a literal may be a password. The
operation is named only by its type and name.
"""

from __future__ import annotations

import logging
import re

from graphql import GraphQLError
from strawberry import Schema
from strawberry.types import ExecutionContext

from schema.errors import REQUEST_ERRORS
from server.errors import DomainError, ErrorCode

log = logging.getLogger("jixiao.errors")
# An operation name as the GraphQL grammar writes it; anything else a client sent is not logged.
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,99}")


def innermost(error: GraphQLError) -> GraphQLError:
    """The error ``format_error`` answers with: it unwraps wrapping GraphQL errors too."""
    while isinstance(error.original_error, GraphQLError) and error.original_error is not error:
        error = error.original_error
    return error


def is_client_error(error: GraphQLError) -> bool:
    """The caller's mistake (a domain error, a refused document), not a bug of ours."""
    original = innermost(error).original_error
    return original is None or isinstance(original, (DomainError, *REQUEST_ERRORS))


def describe_operation(execution_context: ExecutionContext | None) -> str:
    """``query Name``, ``mutation`` or ``?``: the operation's type and name, never its text."""
    if execution_context is None:
        return "?"
    try:
        kind = execution_context.operation_type.value
    except (RuntimeError, ValueError, AttributeError):  # unparsable, or no such operation
        kind = "?"
    name = execution_context.operation_name
    if name is not None and not _NAME.fullmatch(name):
        name = "(invalid name)"
    return f"{kind} {name}" if name else kind


def log_error(error: GraphQLError, execution_context: ExecutionContext | None) -> None:
    context = getattr(execution_context, "context", None)
    request_id = getattr(context, "request_id", "") or "-"
    operation = describe_operation(execution_context)
    at = ".".join(map(str, error.path or [])) or "-"
    inner = innermost(error)
    original = inner.original_error
    if not is_client_error(error):
        log.error(
            "unexpected error in request %s (%s) at %s",
            request_id,
            operation,
            at,
            exc_info=original,
        )
        return
    if isinstance(original, DomainError):
        code, reason = original.code.value, original.key
    else:
        code = (inner.extensions or {}).get("code") or ErrorCode.BAD_USER_INPUT.value
        reason = "document refused"
    log.debug(
        "client error %s (%s) in request %s (%s) at %s", code, reason, request_id, operation, at
    )


class JixiaoSchema(Schema):
    """Strawberry's schema, logging errors as this module says instead of all at ERROR.

    Strawberry calls ``process_errors`` for every result with errors, on every transport, with
    the errors as raised (before ``schema.errors.ErrorFormatter`` masks and translates them),
    including errors that escape an extension and are never formatted.
    """

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            log_error(error, execution_context)
