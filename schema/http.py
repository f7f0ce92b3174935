"""Strawberry's ASGI view with Jixiao's context, offline GraphiQL and websocket sign-in.

On top of strawberry it speaks the GraphQL-over-HTTP spec
(https://graphql.github.io/graphql-over-http/draft/), checked by the ``graphql-http``
audit in tools/graphql-http-audit:

* The response media type is negotiated from ``Accept``: ``application/graphql-response+json``
  when the client prefers it, ``application/json`` otherwise (also for ``*/*``, a missing
  ``Accept`` or one naming neither type).
* With ``application/graphql-response+json``, a request that fails before execution (syntax,
  validation or variable-coercion errors) answers 400 with no ``data`` entry. With
  ``application/json`` such responses stay 200 with ``"data": null``, as before.
* HTTP-level failures answer a 4xx with a GraphQL-shaped JSON body,
  ``{"errors": [{"message": ..., "extensions": {"code": "BAD_USER_INPUT"}}]}`` in the
  negotiated media type, instead of strawberry's plain-text reason: 400 for unparsable JSON
  (bytes that are not UTF-8, nesting deeper than ``request_json.MAX_JSON_DEPTH``, numbers too
  long to convert too) and missing or ill-typed parameters, 415 for a body declared as
  anything but UTF-8 ``application/json``, 405 (with ``Allow``) for a mutation over GET or
  another method, 400 for a subscription (served only over the websocket on the same path).
* Size caps before any parsing (``JIXIAO_MAX_BODY_BYTES``, ``JIXIAO_MAX_QUERY_BYTES``): 413 for
  a body over the limit, declared by ``Content-Length`` or counted while it streams in (it is
  never buffered past the limit), 414 for a GET query string over it, and 413 for a GraphQL
  document over its own limit, over POST, GET or a websocket alike. Text holding NUL or a lone
  UTF-16 surrogate is refused with 400 (``request_json.refuse_request``).
"""

from __future__ import annotations

import json
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, GraphQLRequestProtocol
from strawberry.schema import BaseSchema
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from schema.context import Context, build_context
from schema.media_types import (
    APPLICATION_JSON,
    GRAPHQL_RESPONSE_JSON,
    negotiate_media_type,
    parse_media_type,
)
from schema.request_json import (
    JSONTooDeepError,
    JSONTooLargeError,
    decode_request_json,
    refuse_request,
)
from schema.websocket import MAX_OPERATIONS, SignInRequired, TransportWSHandler
from server.errors import ErrorCode, Reason, reason_for
from server.graphiql import graphiql_html
from server.i18n import negotiate as negotiate_language
from server.i18n import translate
from server.runtime import Runtime
from server.settings import Settings

_CHARSET = "; charset=utf-8"
# The reason of an HTTP-level refusal without a message key of its own.
_STATUS_REASONS = {405: Reason.METHOD_NOT_ALLOWED, 415: Reason.UNSUPPORTED_MEDIA_TYPE}


class HTTPError(HTTPException):
    """An HTTP-level failure with extra response headers (``Allow`` for 405).

    With ``key``, the message is server/i18n.py's, in the caller's language; ``reason`` is its
    English text.
    """

    def __init__(
        self,
        status_code: int,
        reason: str,
        headers: dict[str, str] | None = None,
        *,
        key: str | None = None,
        params: dict[str, Any] | None = None,
    ):
        super().__init__(status_code, reason)
        self.headers = dict(headers or {})
        self.key = key
        self.params = dict(params or {})

    @classmethod
    def translated(cls, status_code: int, key: str, **params: Any) -> HTTPError:
        return cls(status_code, translate(key, "en", **params), key=key, params=params)


def bounded_receive(receive: Receive, limit: int) -> Receive:
    """``receive`` that raises 413 once the body read so far is over ``limit`` bytes.

    Counted chunk by chunk as the body streams in, so a body without ``Content-Length`` (or
    lying about it) is never buffered past the limit.
    """
    received = 0

    async def inner() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise HTTPError.translated(413, "body_too_large", limit=limit)
        return message

    return inner


def is_request_error(result: ExecutionResult) -> bool:
    """Did the request fail before execution began (parse, validation, variable coercion)?

    Such results have no data and only errors without a ``path``; a field error that
    nulls the whole result always carries the path of the field that raised it.
    """
    errors = result.errors or []
    return result.data is None and bool(errors) and all(error.path is None for error in errors)


class _SubResponse(Response):
    """Strawberry's per-request sub-response, carrying the negotiated media type."""

    graphql_media_type: str = APPLICATION_JSON


class JixiaoGraphQL(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = TransportWSHandler

    def __init__(
        self, schema: BaseSchema, holder: dict[str, Runtime], settings: Settings | None = None
    ) -> None:
        self._holder = holder
        self._settings = settings
        super().__init__(
            schema,
            graphql_ide="graphiql",
            allow_queries_via_get=True,
            max_subscriptions_per_connection=MAX_OPERATIONS,
            # Only the current protocol: the legacy graphql-ws one would need its own error
            # formatting and re-checks, and no client of ours speaks it.
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        )

    @property
    def runtime(self) -> Runtime:
        return self._holder["runtime"]

    @property
    def settings(self) -> Settings:
        """The settings the app was built with (the runtime's when none were given)."""
        return self._settings or self.runtime.settings

    async def get_context(self, request: Request | WebSocket, response: Any = None) -> Context:
        return await build_context(request, response, self.runtime)

    async def render_graphql_ide(self, request: Request) -> Response:
        if not self.runtime.settings.graphiql_enabled:
            return Response("Not Found", status_code=404)
        return HTMLResponse(graphiql_html())

    async def on_ws_connect(self, context: Context) -> Any:
        """Sign-in for websockets: ``{"authorization": "Bearer <token>"}`` in connection_init.

        ``"lang"`` there (``zh``, ``en``...) picks the language of messages, for clients that
        cannot set the handshake's Accept-Language.
        """
        params = context.connection_params or {}
        lang = params.get("lang")
        if isinstance(lang, str) and lang.strip():
            context.lang = negotiate_language(lang)
        token = params.get("authorization") or params.get("Authorization")
        if isinstance(token, str) and token and not token.lower().startswith("bearer "):
            token = f"Bearer {token}"
        await context.authenticate(token if isinstance(token, str) else None)
        if context.authz is None:
            # Closed with 4401, which graphql-ws clients (GraphiQL's among them) report at once;
            # they retry a 4403 with backoff for half a minute before showing anything.
            key = "token_invalid" if context.auth_error else "ws_sign_in"
            raise SignInRequired(translate(key, context.lang))
        return None

    # --- GraphQL over HTTP -------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Like strawberry's, but HTTP-level failures answer a GraphQL-shaped JSON body."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        limit = self.settings.max_body_bytes
        request = Request(scope=scope, receive=bounded_receive(receive, limit))
        try:
            self.refuse_oversized(request, limit)
            response = await self.run(request)
        except HTTPException as exc:
            response = self.http_error_response(request, exc)
        await response(scope, receive, send)

    @staticmethod
    def refuse_oversized(request: Request, limit: int) -> None:
        """413 for a body declared over ``limit``, 414 for a query string over it: unread."""
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise HTTPError.translated(413, "body_too_large", limit=limit)
        if len(request.scope.get("query_string", b"")) > limit:
            raise HTTPError.translated(414, "query_string_too_large", limit=limit)

    def http_error_response(self, request: Request, exc: HTTPException) -> Response:
        headers = dict(getattr(exc, "headers", {}))
        if exc.status_code == 405:
            headers.setdefault("Allow", "GET, POST")
        lang = negotiate_language(request.headers.get("accept-language"))
        detail = exc.reason
        reason = _STATUS_REASONS.get(exc.status_code, Reason.INVALID_REQUEST)
        if isinstance(exc, HTTPError) and exc.key:
            detail = translate(exc.key, lang, **exc.params)
            reason = reason_for(exc.key)
        body = {
            "errors": [
                {
                    "message": translate("query_invalid", lang, detail=detail),
                    "extensions": {"code": ErrorCode.BAD_USER_INPUT.value, "reason": reason.value},
                }
            ]
        }
        media_type = negotiate_media_type(request.headers.get("accept"))
        return Response(
            self.encode_json(body),
            status_code=exc.status_code,
            headers=headers,
            media_type=media_type + _CHARSET,
        )

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = _SubResponse()
        sub_response.status_code = None  # type: ignore[assignment]
        del sub_response.headers["content-length"]
        sub_response.graphql_media_type = negotiate_media_type(request.headers.get("accept"))
        return sub_response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        media_type = getattr(sub_response, "graphql_media_type", APPLICATION_JSON)
        response.headers["content-type"] = media_type + _CHARSET
        return response

    def encode_json(self, data: object) -> str:
        # Chinese text as is (UTF-8 on the wire) is a third of the size of \uXXXX escapes.
        # A str, not bytes: websocket protocols must send text frames.
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False)

    def decode_json(self, data: str | bytes) -> object:
        # Bodies, GET parameters and websocket messages alike. HTTP bodies and query strings
        # are already bounded by then; websocket messages are bounded here.
        return decode_request_json(data, self.settings.max_body_bytes)

    def parse_json(self, data: str | bytes) -> Any:
        """Request JSON that cannot be decoded is the client's mistake: 400, never a 500."""
        try:
            return self.decode_json(data)
        except JSONTooDeepError as exc:
            raise HTTPError(400, f"{exc.msg}.") from exc
        except JSONTooLargeError as exc:
            limit = self.settings.max_body_bytes
            raise HTTPError.translated(413, "body_too_large", limit=limit) from exc
        except UnicodeDecodeError as exc:
            raise HTTPError(400, "The request body is not valid UTF-8.") from exc
        except ValueError as exc:  # malformed JSON, or a number too long to convert
            raise HTTPError(400, "Unable to parse request body as JSON") from exc

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        """Strawberry's parsing, stricter: 415 for non-JSON bodies, 400 for ill-typed params."""
        transport = self._get_stream_transport_from_headers(request.headers)
        protocol: GraphQLRequestProtocol = transport.protocol if transport else "http"
        data: Any
        if request.method == "GET":
            data = self.parse_query_params(request.query_params)
            for name in ("variables", "operationName", "extensions"):
                if data.get(name) == "":
                    data[name] = None
        else:
            content_type, params = parse_media_type(request.content_type or "")
            if content_type == APPLICATION_JSON:
                if params.get("charset", "utf-8").lower() not in ("utf-8", "utf8"):
                    raise HTTPError(415, "Only UTF-8 encoded JSON request bodies are supported.")
                data = self.parse_json(await request.get_body())
            elif self.multipart_uploads_enabled and content_type == "multipart/form-data":
                data = await self.parse_multipart(request)
            else:
                shown = content_type or "none"
                raise HTTPError(
                    415,
                    f"Unsupported content type ({shown}): send the request as application/json.",
                    {"Accept-Post": APPLICATION_JSON},
                )
        if isinstance(data, list):
            self._validate_batch_request(data, protocol=protocol)
            return [self._request_data(item, protocol) for item in data]
        return self._request_data(data, protocol)

    def _request_data(self, data: object, protocol: GraphQLRequestProtocol) -> GraphQLRequestData:
        if not isinstance(data, dict):
            raise HTTPError(400, "The request body must be a JSON object.")
        refusal = refuse_request(data, self.settings.max_query_bytes)
        if refusal is not None:
            raise HTTPError.translated(refusal.status, refusal.key, **refusal.params)
        expected = {
            "query": (str, "a string"),
            "operationName": (str, "a string"),
            "variables": (dict, "an object"),
            "extensions": (dict, "an object"),
        }
        for name, (kind, described) in expected.items():
            value = data.get(name)
            if value is not None and not isinstance(value, kind):
                raise HTTPError(
                    400, f"The GraphQL operation's `{name}` must be {described} or null, if given."
                )
        return GraphQLRequestData(
            query=data.get("query"),
            variables=data.get("variables"),
            operation_name=data.get("operationName"),
            extensions=data.get("extensions"),
            protocol=protocol,
        )

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """Strawberry's, with the spec's status codes for operations the method may not run.

        A mutation over GET is 405 (``Allow: POST``). Subscriptions are refused with 400:
        over HTTP there is no stream transport, only the websocket on the same path, and
        executing one as a plain operation would only end in an internal error.
        """
        method = request_adapter.method
        allowed = OperationType.from_http(method) - {OperationType.SUBSCRIPTION}
        if not self.allow_queries_via_get and method == "GET":
            allowed -= {OperationType.QUERY}
        try:
            result = await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=request_data.extensions,
            )
        except CannotGetOperationTypeError as exc:
            raise HTTPError(400, exc.as_http_error_reason()) from exc
        except InvalidOperationTypeError as exc:
            if exc.operation_type is OperationType.SUBSCRIPTION:
                reason = (
                    "Subscriptions are not served over HTTP: open a websocket "
                    "(graphql-transport-ws) on this URL instead."
                )
                raise HTTPError(400, reason) from exc
            raise HTTPError(405, exc.as_http_error_reason(method), {"Allow": "POST"}) from exc
        except MissingQueryError as exc:
            raise HTTPError(400, "No GraphQL query found in the request.") from exc
        if getattr(
            sub_response, "graphql_media_type", None
        ) == GRAPHQL_RESPONSE_JSON and is_request_error(result):
            # The client's mistake (BAD_USER_INPUT...) is 400; a masked bug (INTERNAL) or an
            # error that escaped schema/errors.py unformatted is the server's: 500.
            codes = [(error.extensions or {}).get("code") for error in result.errors or []]
            server_fault = any(code in (None, ErrorCode.INTERNAL.value) for code in codes)
            sub_response.status_code = 500 if server_fault else 400
        return result

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        data = await super().process_result(request, result)
        if negotiate_media_type(
            request.headers.get("accept")
        ) == GRAPHQL_RESPONSE_JSON and is_request_error(result):
            # No execution, so no `data` entry (a null one would mean "executed, failed").
            data.pop("data", None)
        return data
