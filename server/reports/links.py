"""Short-lived signed download links: who asked, for what, in which language, until when.

A link is a JWT bound to the company, the employee who asked, his session, the kind of file
and its parameters. It is signed with a key derived from the server's secret for this one
purpose and carries its own audience and type, so a download token is never an access token
and an access token is never a download token, whichever is presented where.

The link proves only that the file was once allowed: the download (schema/downloads.py)
loads the employee's roles as they stand then and goes through the same service function as
the GraphQL field, so a role revoked in between closes the link too.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import jwt

from server.authz import Caller
from server.errors import Forbidden
from server.reports.vocabulary import DownloadKind
from server.services.auth import session_caller

ALGORITHM = "HS256"
AUDIENCE = "jixiao:download"
TOKEN_TYPE = "download"
LINK_MINUTES = 5
PATH = "/downloads/"
# Longer than any link this module signs; a longer path is refused unread.
MAX_TOKEN_LENGTH = 2048


def _key(secret: str) -> bytes:
    """The signing key of download links: never the key that signs access tokens."""
    return hmac.new(secret.encode(), b"jixiao download links v1", hashlib.sha256).digest()


@dataclass(frozen=True)
class DownloadLink:
    token: str
    path: str  # /downloads/<token>, relative to the server's origin
    expires_at: datetime


@dataclass(frozen=True)
class DownloadClaims:
    """What a verified link says."""

    company_id: UUID
    employee_id: UUID
    session_id: UUID
    kind: DownloadKind
    params: Mapping[str, str]
    lang: str
    expires_at: datetime


def sign(
    secret: str,
    caller: Caller,
    kind: DownloadKind,
    params: Mapping[str, str],
    lang: str,
    *,
    now: datetime | None = None,
    minutes: float = LINK_MINUTES,
) -> DownloadLink:
    """A link for ``caller`` to fetch ``kind`` with ``params``; ``now`` and ``minutes`` are
    for tests (a link that expired already)."""
    issued = now or datetime.now(UTC)
    expires = issued + timedelta(minutes=minutes)
    claims = {
        "aud": AUDIENCE,
        "typ": TOKEN_TYPE,
        "sub": str(caller.employee_id),
        "tid": str(caller.company_id),
        "sid": str(caller.session_id),
        "knd": kind.value,
        "prm": dict(params),
        "lng": lang,
        "iat": issued,
        "exp": expires,
    }
    token = jwt.encode(claims, _key(secret), algorithm=ALGORITHM)
    # Whole seconds: what the token itself holds.
    return DownloadLink(token, PATH + token, expires.replace(microsecond=0))


def verify(secret: str, token: str) -> DownloadClaims:
    """The claims of a link this server signed for downloads; FORBIDDEN ``link_expired`` past
    its time, ``link_invalid`` for anything else (tampered, another purpose, malformed)."""
    if len(token) > MAX_TOKEN_LENGTH:
        raise Forbidden("link_invalid")
    try:
        claims = jwt.decode(
            token,
            _key(secret),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            options={"require": ["aud", "sub", "tid", "sid", "exp", "knd", "prm"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Forbidden("link_expired") from exc
    except jwt.InvalidTokenError as exc:
        raise Forbidden("link_invalid") from exc
    try:
        if claims.get("typ") != TOKEN_TYPE or not isinstance(claims["prm"], dict):
            raise ValueError("not a download link")
        return DownloadClaims(
            company_id=UUID(claims["tid"]),
            employee_id=UUID(claims["sub"]),
            session_id=UUID(claims["sid"]),
            kind=DownloadKind(claims["knd"]),
            params={str(k): str(v) for k, v in claims["prm"].items()},
            lang="zh" if claims.get("lng") == "zh" else "en",
            expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
        )
    except (ValueError, TypeError, KeyError) as exc:
        raise Forbidden("link_invalid") from exc


async def caller_of(claims: DownloadClaims) -> Caller:
    """The link's employee as he stands now: his current roles, in his company, while he is
    active and the session he asked for the link in has not ended (signing out closes his
    links too).

    The same single statement as signing in with an access token
    (server.services.auth.session_caller), and in the company the link was made for.
    """
    caller = await session_caller(claims.session_id, claims.employee_id)
    if caller is None or caller.company_id != claims.company_id:
        raise Forbidden("link_invalid")
    return caller
