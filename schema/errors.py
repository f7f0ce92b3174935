"""Every GraphQL error leaves with ``extensions.code`` and a message in the caller's language.

Domain errors keep their code; GraphQL syntax, validation and variable errors are the
client's mistake (BAD_USER_INPUT); anything else is a bug: logged with the request id and
masked as INTERNAL, so no stack trace or SQL ever reaches a client.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from server.errors import DomainError, ErrorCode
from server.i18n import translate

log = logging.getLogger("jixiao.errors")
_SUGGESTION = re.compile(r"\s*Did you mean .*\?$")


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
        if original.field:
            extensions["field"] = original.field
    elif original is None:
        detail = error.message
        if hide_suggestions:
            detail = _SUGGESTION.sub("", detail)
        message = translate("query_invalid", lang, detail=detail)
        extensions.setdefault("code", ErrorCode.BAD_USER_INPUT.value)
    else:
        log.error(
            "unexpected error in request %s at %s",
            request_id,
            ".".join(map(str, error.path or [])),
            exc_info=original,
        )
        message = translate("internal", lang, request_id=request_id)
        extensions = {"code": ErrorCode.INTERNAL.value, "requestId": request_id}
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
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not getattr(result, "errors", None):
            return
        context = self.execution_context.context
        lang = getattr(context, "lang", "en")
        request_id = getattr(context, "request_id", "")
        hide = getattr(context, "production", False)
        result.errors = [format_error(e, lang, request_id, hide) for e in result.errors]
