"""The one HTTP client connectors get: timeouts, connection limits and retries in one place."""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import aiohttp
from aiohttp import ClientHandlerType, ClientRequest, ClientResponse

from server.sync.guard import guarded_socket
from server.sync.redact import Redactor

log = logging.getLogger("jixiao.sync.http")
RETRY_STATUSES = frozenset({500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    connections: int = 8

    def backoff(self, attempt: int) -> float:
        # Exponential with jitter so that many configs retrying at once do not synchronise.
        return min(self.max_delay, self.base_delay * 2 ** (attempt - 1)) * (
            0.5 + random.random() / 2
        )


def retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


BUFFER_LIMIT = 8 * 1024 * 1024
FILE_TYPES = ("application/octet-stream", "text/csv", "application/vnd.", "application/zip")


def _buffer(response: ClientResponse) -> bool:
    if response.content_length is not None and response.content_length > BUFFER_LIMIT:
        return False
    return not response.content_type.startswith(FILE_TYPES)


def _where(request: ClientRequest, redact: Redactor) -> str:
    # Host and path only: query strings carry tokens (WeCom's access_token, API keys); a
    # path may still hold a secret, so it goes through the config's redaction too.
    return redact(f"{request.method} {request.url.host}{request.url.path}")


def retry_middleware(policy: RetryPolicy, redact: Redactor | None = None):
    redact = redact or Redactor()

    async def middleware(request: ClientRequest, handler: ClientHandlerType) -> ClientResponse:
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await handler(request)
                if _buffer(response):
                    # Read API pages here so a connection dropped mid-page is retried too;
                    # files (exports) are left to stream to the connector.
                    await response.read()
            except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError, TimeoutError) as exc:
                if attempt >= policy.attempts:
                    raise
                delay = policy.backoff(attempt)
                log.warning(
                    "%s failed (%s); retry %s in %.2fs",
                    _where(request, redact),
                    type(exc).__name__,
                    attempt,
                    delay,
                )
                await asyncio.sleep(delay)
                continue
            if response.status == 429 or response.status in RETRY_STATUSES:
                if attempt >= policy.attempts:
                    return response
                wait = retry_after_seconds(response.headers.get("Retry-After"))
                delay = (
                    min(wait, policy.max_retry_after)
                    if wait is not None
                    else policy.backoff(attempt)
                )
                log.warning(
                    "%s answered %s; retry %s in %.2fs",
                    _where(request, redact),
                    response.status,
                    attempt,
                    delay,
                )
                response.release()
                await asyncio.sleep(delay)
                continue
            return response

    return middleware


def make_session(
    policy: RetryPolicy | None = None,
    *,
    allow_private: bool = True,
    redact: Redactor | None = None,
) -> aiohttp.ClientSession:
    """The session a connector gets. With ``allow_private`` False, every address it connects
    to (after DNS, and IP literals too) must be public (server.sync.guard)."""
    policy = policy or RetryPolicy()
    return aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(
            total=None, sock_connect=policy.connect_timeout, sock_read=policy.read_timeout
        ),
        connector=aiohttp.TCPConnector(
            limit=policy.connections, socket_factory=None if allow_private else guarded_socket
        ),
        middlewares=(retry_middleware(policy, redact),),
        raise_for_status=False,
    )
