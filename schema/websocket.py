"""graphql-transport-ws as Jixiao speaks it: the caller re-checked, every error formatted.

A websocket's context lives as long as the connection, while the person behind it may sign
out, be deactivated or lose a role at any time. So the caller is resolved again before each
operation runs (``FreshWebsocketCaller``) and before each subscription event is delivered
(``Context.reauthorize`` in the subscription resolvers), one statement each, as over HTTP.

Results and their errors go through ``schema.errors.ErrorFormatter`` like over HTTP; the one
error strawberry's handler builds by itself (too many operations at once) is formatted here.

The edge checks of HTTP apply too (``request_json.refuse_request``): a subscribe message whose
document is over ``JIXIAO_MAX_QUERY_BYTES`` or whose text holds NUL or a lone surrogate gets an
``error`` message (the connection stays open); such text in ``connection_init`` closes the
connection with 4400. A connection_init without valid credentials closes it at once with 4401
and a reason saying to sign in (``SignInRequired``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from graphql import GraphQLError, GraphQLFormattedError
from strawberry.extensions import SchemaExtension
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    ErrorMessage,
    SubscribeMessage,
)

from schema.context import Context
from schema.errors import format_error
from schema.request_json import refuse_request
from server.errors import Reason, reason_for
from server.i18n import translate

# Operations (subscriptions, and queries still running) one connection may have at once.
MAX_OPERATIONS = 100


class FreshWebsocketCaller(SchemaExtension):
    """Before an operation over a websocket runs, resolve its caller again.

    Without it, a socket whose session was signed out (or whose person was deactivated, or
    whose roles changed) would go on running queries and mutations as it did when it
    connected. Runs after validation, so refused documents cost nothing; HTTP requests
    already resolve their caller per request.
    """

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        if isinstance(context, Context) and context.is_websocket:
            await context.authenticate(context.credential)
        yield


class SignInRequired(Exception):
    """Raised by ``on_ws_connect``: close with 4401 and this reason (already translated).

    graphql-ws clients report 4401 at once. Strawberry's own rejection closes with 4403,
    which they retry with backoff: GraphiQL sat silent for 30-45 s before showing it.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def close_reason(text: str) -> str:
    """``text`` cut to the 123 bytes of UTF-8 a websocket close reason may hold."""
    return text.encode("utf-8")[:123].decode("utf-8", "ignore")


class TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    def _max_query_bytes(self) -> int:
        # The view is schema.http.JixiaoGraphQL (which imports this module).
        view: Any = self.view
        return int(view.settings.max_query_bytes)

    def _error(self, text: str, reason: Reason) -> GraphQLFormattedError:
        """A request error as HTTP would word it: BAD_USER_INPUT, in the caller's language."""
        context = self.context
        error = format_error(
            GraphQLError(text, extensions={"reason": reason.value}),
            context.lang,
            context.request_id,
            context.production,
        )
        return error.formatted

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        payload = message.get("payload")
        refusal = refuse_request({"payload": payload}, self._max_query_bytes())
        if refusal is not None:
            reason = translate(refusal.key, self.context.lang, **refusal.params)
            await self.websocket.close(code=4400, reason=close_reason(reason))
            return
        try:
            await super().handle_connection_init(message)
        except SignInRequired as exc:
            await self.websocket.close(code=4401, reason=close_reason(exc.reason))

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        """Strawberry's, with the edge checks, and errors formatted like every other."""
        payload = message.get("payload")
        if self.connection_acknowledged and isinstance(payload, dict):
            refusal = refuse_request(payload, self._max_query_bytes())
            if refusal is not None and message.get("id") not in self.operations:
                text = translate(refusal.key, self.context.lang, **refusal.params)
                await self.send_message(
                    ErrorMessage(
                        id=message["id"],
                        type="error",
                        payload=[self._error(text, reason_for(refusal.key))],
                    )
                )
                return
        limit = self.max_subscriptions_per_connection
        if (
            self.connection_acknowledged
            and limit is not None
            and len(self.operations) >= limit
            and message["id"] not in self.operations  # strawberry closes with 4409 for those
        ):
            text = f"At most {limit} operations may run at once on one connection."
            await self.send_message(
                ErrorMessage(
                    id=message["id"],
                    type="error",
                    payload=[self._error(text, Reason.TOO_MANY_OPERATIONS)],
                )
            )
            return
        await super().handle_subscribe(message)
