"""Sign-in, token refresh and sign-out."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from schema.org.types import Employee
from schema.permissions import IsAuthenticated
from server.audit import Origin
from server.services.auth import Tokens


@strawberry.type(
    description="Tokens for a signed-in session. Send `Authorization: Bearer <accessToken>`."
)
class AuthPayload:
    access_token: str
    access_token_expires_at: datetime
    refresh_token: str = strawberry.field(
        description="Exchange with `refresh` for new tokens; each refresh token works once."
    )
    user: Employee

    @classmethod
    def of(cls, tokens: Tokens) -> AuthPayload:
        return cls(
            access_token=tokens.access_token,
            access_token_expires_at=tokens.access_expires_at,
            refresh_token=tokens.refresh_token,
            user=Employee.of(tokens.employee),
        )


def _origin(info: Info) -> Origin:
    return Origin(info.context.request_id, info.context.client_address)


async def _signed_in_as(info: Info, tokens: Tokens) -> AuthPayload:
    # The payload's `user` is resolved as the new session sees itself.
    await info.context.authenticate(f"Bearer {tokens.access_token}")
    return AuthPayload.of(tokens)


@strawberry.type
class AuthMutation:
    @strawberry.mutation(description="Sign in. A wrong username or password gives the same error.")
    async def login(self, info: Info, username: str, password: str) -> AuthPayload:
        tokens = await info.context.runtime.auth.login(username, password, _origin(info))
        return await _signed_in_as(info, tokens)

    @strawberry.mutation(
        description=(
            "New tokens for a refresh token; the old refresh token stops working. Presenting"
            " a refresh token already used ends its whole session."
        )
    )
    async def refresh(self, info: Info, refresh_token: str) -> AuthPayload:
        tokens = await info.context.runtime.auth.refresh(refresh_token, _origin(info))
        return await _signed_in_as(info, tokens)

    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="End the current session: its access and refresh tokens stop working.",
    )
    async def logout(self, info: Info) -> bool:
        await info.context.runtime.auth.logout(info.context.actor.caller, _origin(info))
        return True
