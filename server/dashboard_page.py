"""The dashboard page: ``GET /dashboard`` and its assets under ``/dashboard/assets``.

The page is static (server/static/dashboard/); it signs in and draws its charts from
``POST /graphql`` in the browser. Everything it loads comes from this server, so it
works with no internet connection, and the Content-Security-Policy allows nothing else:
no inline script, no other origin. Serving it needs no database, so the routes take no
runtime; schema/app.py appends them to the app's routes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

DASHBOARD_DIR: Final[Path] = Path(__file__).resolve().parent / "static" / "dashboard"
DASHBOARD_PATH: Final = "/dashboard"
DASHBOARD_ASSET_PREFIX: Final = "/dashboard/assets"
# tools/vendor_dashboard.sh fetches this version; vendor/README.md records its sha256.
CHART_JS_VERSION: Final = "4.5.1"

# script-src 'self' with no 'unsafe-inline': the page's code is in app.js and friends.
# Styles set from script through the CSSOM (Chart.js sizes its canvases that way) are
# not inline styles, so style-src 'self' is enough. connect-src 'self' is the GraphQL API.
CONTENT_SECURITY_POLICY: Final = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
_HEADERS: Final[dict[str, str]] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class _DashboardAssets(StaticFiles):
    """StaticFiles that sends the page's security headers with every asset."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.update(_HEADERS)
        return response


def _page() -> str:
    return (DASHBOARD_DIR / "index.html").read_text(encoding="utf-8")


async def _dashboard(request: Request) -> Response:
    # Read per request (a few kB) so an edited page shows without a restart; no-cache
    # because the HTML names the assets and must not outlive them.
    headers = {**_HEADERS, "Cache-Control": "no-cache"}
    return HTMLResponse(_page(), headers=headers)


async def _to_page(request: Request) -> Response:
    return RedirectResponse(DASHBOARD_PATH, status_code=308)


def dashboard_routes() -> list[BaseRoute]:
    """``/dashboard`` (also ``/dashboard/``) and the asset mount, for the app's route list."""
    return [
        Route(DASHBOARD_PATH, _dashboard, methods=["GET", "HEAD"]),
        Route(f"{DASHBOARD_PATH}/", _to_page, methods=["GET", "HEAD"]),
        Mount(DASHBOARD_ASSET_PREFIX, _DashboardAssets(directory=DASHBOARD_DIR)),
    ]
