"""``GET /downloads/{token}``: a signed link's file, for the link's employee as he stands now.

The token says who asked for what (server/reports/links.py); it is no credential by itself.
Each download loads that employee's current roles (his session must still be open) and goes
through the same service function as the GraphQL field, so a role revoked after the link was
signed closes it. Refusals are a short JSON error in the caller's language: 410 for an expired
link, 403 for a tampered or foreign one or a right no longer held, 404 for what is out of
sight; never a stack trace. The token is never logged: uvicorn's access log shows
``/downloads/…`` (``HideDownloadTokens``), and nothing here logs the path.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from schema.context import authorizer_for
from server.access_log import ACCESS_LOGGER
from server.audit import Actor
from server.errors import DomainError, ErrorCode, Reason
from server.i18n import negotiate, translate
from server.reports.downloads import Download, produce
from server.reports.links import PATH, caller_of, verify
from server.runtime import Runtime

log = logging.getLogger("jixiao.downloads")

_STATUS = {
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.BAD_USER_INPUT: 400,
    ErrorCode.CONFLICT: 409,
}
# Only the page's own inline styles: nothing in a report can load or run anything.
_PAGE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]+')
_NOT_ASCII = re.compile(r"[^A-Za-z0-9._-]+")


class HideDownloadTokens(logging.Filter):
    """Rewrites uvicorn's access records ``(client, method, path, version, status)`` so a
    download's path shows ``/downloads/…`` instead of its token."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        path = args[2] if isinstance(args, tuple) and len(args) >= 3 else None
        if isinstance(path, str) and path.startswith(PATH) and isinstance(args, tuple):
            record.args = (*args[:2], f"{PATH}…", *args[3:])
        return True


def hide_download_tokens() -> None:
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, HideDownloadTokens) for f in logger.filters):
        logger.addFilter(HideDownloadTokens())


def content_disposition(filename: str, *, inline: bool) -> str:
    """RFC 6266 with RFC 5987's ``filename*`` for names in Chinese, and an ASCII fallback."""
    cleaned = _UNSAFE.sub("_", filename).strip() or "download"
    stem, dot, extension = cleaned.rpartition(".")
    if not dot:
        stem, extension = cleaned, ""
    ascii_stem = _NOT_ASCII.sub("_", stem).strip("_-.") or "download"
    extension = _NOT_ASCII.sub("", extension)
    fallback = f"{ascii_stem}.{extension}" if extension else ascii_stem
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(cleaned, safe='')}"


def _refusal(error: DomainError, lang: str) -> JSONResponse:
    status = _STATUS.get(error.code, 500)
    if error.reason is Reason.LINK_EXPIRED:
        status = 410
    body = {
        "error": {
            "code": error.code.value,
            "reason": error.reason.value,
            "message": translate(error.key, lang, field=error.field, **error.params),
        }
    }
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def _file(found: Download) -> Response:
    headers: Mapping[str, str] = {
        "Content-Disposition": content_disposition(found.filename, inline=found.inline),
        "Cache-Control": "no-store, private",
        "Referrer-Policy": "no-referrer",  # the URL holds the token
        "X-Content-Type-Options": "nosniff",
    }
    if found.inline:
        headers = {**headers, "Content-Security-Policy": _PAGE_POLICY}
    return Response(found.content, media_type=found.media_type, headers=dict(headers))


def download_route(holder: dict[str, Runtime]) -> Route:
    async def download(request: Request) -> Response:
        runtime = holder["runtime"]
        lang = negotiate(request.headers.get("accept-language"))
        request_id = (request.headers.get("x-request-id") or uuid.uuid4().hex)[:64]
        try:
            claims = verify(runtime.settings.secret_key, str(request.path_params["token"]))
            authz = await authorizer_for(runtime, await caller_of(claims))
            client = request.client.host if request.client else ""
            actor = Actor(authz, runtime.metrics, request_id, client)
            return _file(await produce(actor, claims))
        except DomainError as exc:
            return _refusal(exc, lang)
        except Exception:  # a bug: logged with its request id, answered without details
            log.exception("download failed (request %s)", request_id)
            body: dict[str, Any] = {
                "error": {
                    "code": ErrorCode.INTERNAL.value,
                    "reason": Reason.INTERNAL.value,
                    "message": translate("internal", lang, request_id=request_id),
                }
            }
            return JSONResponse(body, status_code=500)

    return Route(PATH + "{token}", download, methods=["GET"])
