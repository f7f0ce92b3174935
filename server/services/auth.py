"""Sign-in: argon2 passwords, short-lived access JWTs, rotating refresh tokens, throttling."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from server.audit import Origin, record_event
from server.authz import Caller
from server.errors import Unauthenticated
from server.models import Employee, Session
from server.settings import Settings

_hasher = PasswordHasher()
# Verified against when the username is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash("jixiao-no-such-user")
MIN_PASSWORD_LENGTH = 10
USERNAME_MAX_LENGTH = Employee._meta.fields_map["username"].max_length  # type: ignore[attr-defined]
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


class LoginThrottle:
    """Counts recent failures per username; past the limit, sign-in waits out the window.

    Kept in process memory: one server process is the supported deployment today; with
    several, each counts separately (documented in docs/operations.md).
    """

    def __init__(self, max_failures: int, window_seconds: int, max_names: int = 10_000) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self.max_names = max_names
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def retry_after(self, username: str, now: float | None = None) -> int:
        """Seconds until the next attempt is allowed; 0 when it is allowed now."""
        now = time.monotonic() if now is None else now
        failures = self._failures.get(username.lower())
        if not failures:
            return 0
        while failures and now - failures[0] > self.window:
            failures.popleft()
        if len(failures) < self.max_failures:
            return 0
        return max(1, int(self.window - (now - failures[0])) + 1)

    def failed(self, username: str, now: float | None = None) -> None:
        key = username.lower()
        entry = self._failures.setdefault(key, deque(maxlen=self.max_failures))
        entry.append(time.monotonic() if now is None else now)
        self._failures.move_to_end(key)
        while len(self._failures) > self.max_names:
            self._failures.popitem(last=False)

    def succeeded(self, username: str) -> None:
        self._failures.pop(username.lower(), None)


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    access_expires_at: datetime
    employee: Employee


class AuthService:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.throttle = LoginThrottle(settings.login_max_failures, settings.login_lockout_seconds)

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

    async def _issue(self, employee: Employee, session: Session | None) -> Tokens:
        refresh_token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        expires = now + timedelta(days=self.settings.refresh_token_days)
        if session is None:
            session = await Session.create(
                employee=employee,
                refresh_token_hash=_token_digest(refresh_token),
                expires_at=expires,
            )
        else:
            session.refresh_token_hash = _token_digest(refresh_token)
            session.expires_at = expires
            session.last_refreshed_at = now
            await session.save(
                update_fields=["refresh_token_hash", "expires_at", "last_refreshed_at"]
            )
        access, access_expires = self._access_token(employee, session.id)
        return Tokens(access, refresh_token, access_expires, employee)

    async def login(self, username: str, password: str, origin: Origin = NO_ORIGIN) -> Tokens:
        username = username.strip().lower()  # sign-in names are stored in lower case
        wait = self.throttle.retry_after(username)
        if wait:
            raise Unauthenticated("login_throttled", seconds=wait)
        # Counted as a failure before the (slow) check and forgiven on success: attempts sent
        # in parallel each see the ones still running, so the limit holds for them too.
        self.throttle.failed(username)
        employee = None
        if len(username) <= USERNAME_MAX_LENGTH:  # a longer one names nobody
            employee = await Employee.get_or_none(username=username, is_active=True)
        ok = await _verify(employee.password_hash if employee else None, password)
        if not ok or employee is None:
            if employee is not None:  # the company's own log shows attacks on its accounts
                await _audit(employee, None, origin, "auth.login_failed")
            raise Unauthenticated("bad_credentials")
        self.throttle.succeeded(username)
        tokens = await self._issue(employee, None)
        await _audit(employee, employee.id, origin, "auth.login")
        return tokens

    async def refresh(self, refresh_token: str, origin: Origin = NO_ORIGIN) -> Tokens:
        session = await Session.get_or_none(
            refresh_token_hash=_token_digest(refresh_token), revoked_at=None
        ).select_related("employee")
        if (
            session is None
            or session.expires_at <= datetime.now(UTC)
            or not session.employee.is_active
        ):
            raise Unauthenticated("token_invalid")
        tokens = await self._issue(session.employee, session)
        await _audit(session.employee, session.employee.id, origin, "auth.refresh")
        return tokens

    async def logout(self, caller: Caller, origin: Origin = NO_ORIGIN) -> None:
        if caller.session_id is not None:
            await Session.filter(id=caller.session_id, revoked_at=None).update(
                revoked_at=datetime.now(UTC)
            )
        await record_event(
            caller.company_id,
            caller.employee_id,
            origin,
            "auth.logout",
            "session",
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
        # Every request pays for this: one statement for just the columns a Caller needs,
        # a row per role assignment (one row with no role when there is none).
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
            raise Unauthenticated("token_invalid")
        company_id, slug, department_id = found[0][:3]
        return Caller(
            employee_id=employee_id,
            company_id=company_id,
            tenant=slug,
            department_id=department_id,
            session_id=session_id,
            assignments=tuple((row[3], row[4]) for row in found if row[3] is not None),
        )


async def _audit(employee: Employee, actor_id: UUID | None, origin: Origin, action: str) -> None:
    await record_event(
        employee.company_id,  # type: ignore[arg-type]
        actor_id,
        origin,
        action,
        "employee",
        employee.id,
    )


async def revoke_sessions(employee_id: UUID) -> int:
    """Sign a person out everywhere (used when an account is deactivated)."""
    return await Session.filter(employee_id=employee_id, revoked_at=None).update(
        revoked_at=datetime.now(UTC)
    )
