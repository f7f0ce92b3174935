"""Sign-in: argon2 passwords, short-lived access JWTs, rotating refresh tokens, throttling."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from tortoise.transactions import in_transaction

from server.audit import Origin, record_event
from server.authz import Caller
from server.errors import BadInput, Unauthenticated
from server.models import Employee, Session
from server.models.access import RetiredRefreshToken
from server.services.throttle import LoginThrottle
from server.settings import Settings
from server.vocabulary import AuditAction, AuditObjectType

_hasher = PasswordHasher()
# Verified against when the username is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash("jixiao-no-such-user")
MIN_PASSWORD_LENGTH = 10
USERNAME_MAX_LENGTH = Employee._meta.fields_map["username"].max_length  # type: ignore[attr-defined]
# Above what anyone sets (256) and short enough that argon2 never hashes megabytes for a guess.
LOGIN_PASSWORD_MAX_LENGTH = 1024
JWT_ALGORITHM = "HS256"
NO_ORIGIN = Origin()


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def _verify(password_hash: str | None, password: str) -> bool:
    def check() -> bool:
        try:
            return (
                _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
            )
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(check)


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    access_expires_at: datetime
    employee: Employee


class AuthService:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.throttle = LoginThrottle(
            settings.login_max_failures,
            settings.login_lockout_seconds,
            settings.login_throttle_names,
        )

    def _access_token(self, employee: Employee, session_id: UUID) -> tuple[str, datetime]:
        now = datetime.now(UTC)
        expires = now + timedelta(minutes=self.settings.access_token_minutes)
        claims = {
            "sub": str(employee.id),
            "tid": str(employee.company_id),
            "sid": str(session_id),
            "typ": "access",
            "iat": now,
            "exp": expires,
        }
        return jwt.encode(claims, self.settings.secret_key, algorithm=JWT_ALGORITHM), expires

    async def _issue(self, employee: Employee) -> Tokens:
        """A new session with its first refresh token."""
        refresh_token = secrets.token_urlsafe(32)
        session = await Session.create(
            employee=employee,
            refresh_token_hash=_token_digest(refresh_token),
            expires_at=datetime.now(UTC) + timedelta(days=self.settings.refresh_token_days),
        )
        access, access_expires = self._access_token(employee, session.id)
        return Tokens(access, refresh_token, access_expires, employee)

    async def login(self, username: str, password: str, origin: Origin = NO_ORIGIN) -> Tokens:
        username = username.strip()
        # Refused before the throttle: no name is that long, and neither the throttle's
        # memory nor argon2's time should grow with what a stranger sends.
        if len(username) > USERNAME_MAX_LENGTH:
            raise BadInput("too_long", field="username", max=USERNAME_MAX_LENGTH)
        if len(password) > LOGIN_PASSWORD_MAX_LENGTH:
            raise BadInput("too_long", field="password", max=LOGIN_PASSWORD_MAX_LENGTH)
        wait = self.throttle.retry_after(username)
        if wait:
            raise Unauthenticated("login_throttled", seconds=wait)
        # Counted as a failure before the (slow) check and forgiven on success: attempts sent
        # in parallel each see the ones still running, so the limit holds for them too.
        self.throttle.failed(username)
        # sign-in names are stored in lower case
        employee = await Employee.get_or_none(username=username.lower(), is_active=True)
        ok = await _verify(employee.password_hash if employee else None, password)
        if not ok or employee is None:
            if employee is not None:  # the company's own log shows attacks on its accounts
                await _audit(employee, None, origin, AuditAction.AUTH_LOGIN_FAILED)
            raise Unauthenticated("bad_credentials")
        self.throttle.succeeded(username)
        tokens = await self._issue(employee)
        await _audit(employee, employee.id, origin, AuditAction.AUTH_LOGIN)
        return tokens

    async def refresh(self, refresh_token: str, origin: Origin = NO_ORIGIN) -> Tokens:
        """New tokens for a refresh token, which then stops working.

        Each refresh token works once. The rotation is one conditional UPDATE (of the row
        still holding this token's hash, not revoked), so of several concurrent calls with
        one token exactly one wins. Presenting a token that was already rotated (a replay, a
        stolen copy, or the losers of such a race) revokes its whole session: the refresh
        token issued in its place and the session's access tokens stop working too.
        """
        digest = _token_digest(refresh_token)
        session = await Session.get_or_none(refresh_token_hash=digest).select_related("employee")
        if session is None:
            await self._reused(digest, origin)
            raise Unauthenticated("token_invalid")
        now = datetime.now(UTC)
        if (
            session.revoked_at is not None
            or session.expires_at <= now
            or not session.employee.is_active
        ):
            raise Unauthenticated("token_invalid")
        fresh = secrets.token_urlsafe(32)
        async with in_transaction():
            won = await Session.filter(
                id=session.id, refresh_token_hash=digest, revoked_at=None
            ).update(
                refresh_token_hash=_token_digest(fresh),
                expires_at=now + timedelta(days=self.settings.refresh_token_days),
                last_refreshed_at=now,
            )
            if won:
                await RetiredRefreshToken.create(session_id=session.id, token_hash=digest)
        if not won:  # another call rotated this token first (or the session just ended)
            await self._revoke_reused(session.id, session.employee, origin)
            raise Unauthenticated("token_invalid")
        access, access_expires = self._access_token(session.employee, session.id)
        await _audit(session.employee, session.employee.id, origin, AuditAction.AUTH_REFRESH)
        return Tokens(access, fresh, access_expires, session.employee)

    async def _reused(self, digest: str, origin: Origin) -> None:
        """If ``digest`` is a refresh token already rotated, end the session it belonged to."""
        retired = await RetiredRefreshToken.get_or_none(token_hash=digest).select_related(
            "session__employee"
        )
        if retired is not None:
            await self._revoke_reused(retired.session.id, retired.session.employee, origin)

    async def _revoke_reused(self, session_id: UUID, employee: Employee, origin: Origin) -> None:
        ended = await Session.filter(id=session_id, revoked_at=None).update(
            revoked_at=datetime.now(UTC)
        )
        if ended:  # the company's log shows the replay once, not once per racing call
            await _audit(employee, None, origin, AuditAction.AUTH_REFRESH_REUSED)

    async def logout(self, caller: Caller, origin: Origin = NO_ORIGIN) -> None:
        if caller.session_id is not None:
            await Session.filter(id=caller.session_id, revoked_at=None).update(
                revoked_at=datetime.now(UTC)
            )
        await record_event(
            caller.company_id,
            caller.employee_id,
            origin,
            AuditAction.AUTH_LOGOUT,
            AuditObjectType.SESSION,
            caller.session_id or "",
        )

    async def caller_from_token(self, token: str) -> Caller:
        """The signed-in caller for a bearer token, or UNAUTHENTICATED."""
        try:
            claims = jwt.decode(
                token,
                self.settings.secret_key,
                algorithms=[JWT_ALGORITHM],
                options={"require": ["sub", "tid", "sid", "exp"]},
            )
            if claims.get("typ") != "access":
                raise jwt.InvalidTokenError("not an access token")
            employee_id, session_id = UUID(claims["sub"]), UUID(claims["sid"])
        except (jwt.InvalidTokenError, ValueError) as exc:
            raise Unauthenticated("token_invalid") from exc
        found = await session_caller(session_id, employee_id)
        if found is None:
            raise Unauthenticated("token_invalid")
        return found


async def session_caller(session_id: UUID, employee_id: UUID) -> Caller | None:
    """The caller of a live session of an active employee, as he stands now; None otherwise.

    Every request pays for this (and every download link): one statement for just the
    columns a Caller needs, a row per role assignment (one row with no role when there is
    none).
    """
    found = await Session.filter(
        id=session_id, employee_id=employee_id, revoked_at=None, employee__is_active=True
    ).values_list(
        "employee__company_id",
        "employee__company__slug",
        "employee__department_id",
        "employee__role_assignments__role",
        "employee__role_assignments__department_id",
    )
    if not found:
        return None
    company_id, slug, department_id = found[0][:3]
    return Caller(
        employee_id=employee_id,
        company_id=company_id,
        tenant=slug,
        department_id=department_id,
        session_id=session_id,
        assignments=tuple((row[3], row[4]) for row in found if row[3] is not None),
    )


async def _audit(
    employee: Employee, actor_id: UUID | None, origin: Origin, action: AuditAction
) -> None:
    await record_event(
        employee.company_id,
        actor_id,
        origin,
        action,
        AuditObjectType.EMPLOYEE,
        employee.id,
    )


async def revoke_sessions(employee_id: UUID) -> int:
    """Sign a person out everywhere (used when an account is deactivated)."""
    return await Session.filter(employee_id=employee_id, revoked_at=None).update(
        revoked_at=datetime.now(UTC)
    )
