"""The per-request context: who is calling, in which language, with which loaders."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.websockets import WebSocket

from schema.loaders import Loaders
from server.audit import Actor
from server.authz import Authorizer, Caller, needs_tree
from server.errors import DomainError, Unauthenticated
from server.i18n import negotiate
from server.org_tree import org_tree
from server.runtime import Runtime


async def authorizer_for(runtime: Runtime, caller: Caller) -> Authorizer:
    tree = None
    if needs_tree(caller):
        tree = await org_tree(caller.company_id)
    return Authorizer(caller, runtime.policies.current, tree)


@dataclass
class Context:
    request: Request | WebSocket
    response: Any
    runtime: Runtime
    lang: str
    request_id: str
    client_address: str
    authz: Authorizer | None = None
    auth_error: DomainError | None = None
    connection_params: dict[str, Any] | None = None
    # The Authorization value signed in with, kept so that a websocket (whose context lives as
    # long as the connection) can re-check it later: see reauthorize().
    credential: str | None = field(default=None, repr=False)
    _loaders: Loaders | None = field(default=None, repr=False)

    @property
    def is_websocket(self) -> bool:
        return isinstance(self.request, WebSocket)

    @property
    def production(self) -> bool:
        return self.runtime.settings.production

    @property
    def actor(self) -> Actor:
        """The authorized caller; UNAUTHENTICATED when nobody (valid) is signed in."""
        if self.authz is None:
            raise self.auth_error or Unauthenticated("unauthenticated")
        return Actor(self.authz, self.runtime.metrics, self.request_id, self.client_address)

    @property
    def loaders(self) -> Loaders:
        if self._loaders is None:
            self._loaders = Loaders(self.actor.caller.company_id)
        return self._loaders

    async def authenticate(self, authorization: str | None) -> None:
        """Resolve a ``Bearer`` credential into an authorizer (errors are kept for later)."""
        self.credential = authorization
        authz: Authorizer | None = None
        error: DomainError | None = None
        try:
            authz = await self._authorizer(authorization)
        except Unauthenticated as exc:
            error = exc
        # Assigned together after the awaits: operations sharing a websocket's context never
        # see it half-updated (say, without an authorizer while the new one is looked up).
        self.authz, self.auth_error, self._loaders = authz, error, None

    async def _authorizer(self, authorization: str | None) -> Authorizer | None:
        if not authorization:
            return None
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("token_invalid")
        caller = await self.runtime.auth.caller_from_token(token.strip())
        return await authorizer_for(self.runtime, caller)

    async def reauthorize(self) -> Actor:
        """The caller as they stand now, for long-lived subscriptions before each event.

        UNAUTHENTICATED once the session is signed out, the person deactivated or the access
        token expired; otherwise their current roles under the policy in force now. One
        statement, like authenticating a request.
        """
        await self.authenticate(self.credential)
        return self.actor


async def build_context(request: Request | WebSocket, response: Any, runtime: Runtime) -> Context:
    headers = request.headers
    client = request.client.host if request.client else ""
    context = Context(
        request=request,
        response=response,
        runtime=runtime,
        lang=negotiate(headers.get("accept-language")),
        request_id=(headers.get("x-request-id") or uuid.uuid4().hex)[:64],
        client_address=client,
    )
    await context.authenticate(headers.get("authorization"))
    return context
