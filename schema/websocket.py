"""graphql-transport-ws as Jixiao speaks it: the caller re-checked, every error formatted.

A websocket's context lives as long as the connection, while the person behind it may sign
out, be deactivated or lose a role at any time. So the caller is resolved again before each
operation runs (``FreshWebsocketCaller``) and before each subscription event is delivered
(``Context.reauthorize`` in the subscription resolvers), one statement each, as over HTTP.

Results and their errors go through ``schema.errors.ErrorFormatter`` like over HTTP; the one
error strawberry's handler builds by itself (too many operations at once) is formatted here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage

from schema.context import Context
from schema.errors import format_error

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


class TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        """Strawberry's, but the operations limit error is formatted like every other."""
        limit = self.max_subscriptions_per_connection
        if (
            self.connection_acknowledged
            and limit is not None
            and len(self.operations) >= limit
            and message["id"] not in self.operations  # strawberry closes with 4409 for those
        ):
            context = self.context
            error = format_error(
                GraphQLError(f"At most {limit} operations may run at once on one connection."),
                context.lang,
                context.request_id,
                context.production,
            )
            await self.send_message(
                {"id": message["id"], "type": "error", "payload": [error.formatted]}
            )
            return
        await super().handle_subscribe(message)
