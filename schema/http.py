"""Strawberry's ASGI view with Jixiao's context, offline GraphiQL and websocket sign-in."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.schema import BaseSchema

from server.graphiql import graphiql_html
from server.runtime import Runtime
from schema.context import Context, build_context


class JixiaoGraphQL(GraphQL):
    def __init__(self, schema: BaseSchema, holder: dict[str, Runtime]) -> None:
        self._holder = holder
        super().__init__(schema, graphql_ide="graphiql", allow_queries_via_get=True)

    @property
    def runtime(self) -> Runtime:
        return self._holder["runtime"]

    async def get_context(self, request: Request | WebSocket, response: Any = None) -> Context:
        return await build_context(request, response, self.runtime)

    async def render_graphql_ide(self, request: Request) -> Response:
        if not self.runtime.settings.graphiql_enabled:
            return Response("Not Found", status_code=404)
        return HTMLResponse(graphiql_html())

    async def on_ws_connect(self, context: Context) -> Any:
        """Sign-in for websockets: ``{"authorization": "Bearer <token>"}`` in connection_init."""
        params = context.connection_params or {}
        token = params.get("authorization") or params.get("Authorization")
        if isinstance(token, str) and token and not token.lower().startswith("bearer "):
            token = f"Bearer {token}"
        await context.authenticate(token if isinstance(token, str) else None)
        if context.authz is None:
            raise ConnectionRejectionError({"code": "UNAUTHENTICATED", "message": "sign in first"})
        return None
