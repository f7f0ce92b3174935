"""The ASGI composition root: Starlette + the GraphQL app + offline GraphiQL + health check.

It lives in schema/ (the top layer) because it wires GraphQL to the server; server/cli.py
names it by import string for uvicorn, so server/ never imports schema/.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from plugins.manager import call_each_async
from schema import build_schema
from schema.downloads import download_route, hide_download_tokens
from schema.http import JixiaoGraphQL
from server.dashboard_page import dashboard_routes
from server.db import database_reachable, using
from server.graphiql import GRAPHIQL_ASSET_DIR, GRAPHIQL_ASSET_PREFIX
from server.runtime import Runtime, start_runtime
from server.settings import Settings

log = logging.getLogger("jixiao")


class DatabaseContext:
    """Enters the app's Tortoise context for every request and websocket."""

    def __init__(self, app: ASGIApp, holder: dict[str, Runtime]) -> None:
        self.app = app
        self.holder = holder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        runtime = self.holder.get("runtime")
        if runtime is None or scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        with using(runtime.db):
            await self.app(scope, receive, send)


async def _startup_hooks(runtime: Runtime, app: Starlette) -> None:
    """``jixiao_startup`` for every plugin; one raising is logged, the server still starts."""
    for found in await call_each_async(runtime.plugins.manager, "jixiao_startup", app=app):
        if found.error is not None:
            log.error("plugin %s failed in jixiao_startup", found.plugin, exc_info=found.error)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Starlette:
    """The ASGI app. Tests pass a started ``runtime``; the server starts its own in lifespan."""
    settings = settings or (runtime.settings if runtime else Settings.from_env())
    holder: dict[str, Runtime] = {}
    if runtime is not None:
        holder["runtime"] = runtime
    graphql = JixiaoGraphQL(build_schema(settings), holder, settings)

    async def healthz(request: Request) -> Response:
        current = holder.get("runtime")
        ok = current is not None and await database_reachable(current.db)
        body: dict[str, Any] = {"status": "ok" if ok else "unavailable", "database": ok}
        if current is not None:
            body["policyVersion"] = current.policies.current.version
        return JSONResponse(body, status_code=200 if ok else 503)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        owned = None
        if "runtime" not in holder:
            owned = await start_runtime(settings)
            holder["runtime"] = owned
        await _startup_hooks(holder["runtime"], app)
        try:
            yield
        finally:
            if owned is not None:
                await owned.close()

    routes: list[Any] = [
        Route("/healthz", healthz, methods=["GET"]),
        # No method list: the GraphQL view answers other methods itself with a JSON 405.
        Route("/graphql", graphql),
        WebSocketRoute("/graphql", graphql),
        # Signed links to reports and sheets; the token in the path is kept out of the log.
        download_route(holder),
        # The dashboard page and its offline chart library (no database needed to serve).
        *dashboard_routes(),
    ]
    hide_download_tokens()
    if settings.graphiql_enabled:
        routes.append(Mount(GRAPHIQL_ASSET_PREFIX, StaticFiles(directory=GRAPHIQL_ASSET_DIR)))
    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_middleware(DatabaseContext, holder=holder)
    return app
