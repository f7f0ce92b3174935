"""Policy administration: reload the Casbin files, see which version is in force."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from schema.permissions import IsAuthenticated
from server.audit import record
from server.authz import POLICY_RELOAD, PolicyError
from server.errors import BadInput


@strawberry.type(description="The policy in force.")
class PolicyStatus:
    version: int
    loaded_at: datetime
    rule_count: int
    last_error: str | None = strawberry.field(
        description="Why the last reload was refused, if it was; the older version stays in force."
    )


def _status(info: Info) -> PolicyStatus:
    store = info.context.runtime.policies
    current = store.current
    return PolicyStatus(
        version=current.version,
        loaded_at=current.loaded_at,
        rule_count=current.rule_count,
        last_error=None if store.last_error is None else str(store.last_error),
    )


@strawberry.type
class PolicyQuery:
    @strawberry.field(permission_classes=[IsAuthenticated])
    def policy_status(self, info: Info) -> PolicyStatus:
        info.context.actor.authz.require(POLICY_RELOAD)
        return _status(info)


@strawberry.type
class PolicyMutation:
    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="Reload policies/ from disk; a broken file is refused, the old policy stays.",
    )
    async def reload_policies(self, info: Info) -> PolicyStatus:
        actor = info.context.actor
        actor.authz.require(POLICY_RELOAD)
        store = info.context.runtime.policies
        before = store.current.version
        try:
            fresh = await store.reload()
        except PolicyError as exc:
            raise BadInput("policy_invalid", detail=str(exc)) from exc
        await record(
            actor,
            "policy.reload",
            "policy",
            str(fresh.version),
            before={"version": before},
            after={"version": fresh.version, "rules": fresh.rule_count},
        )
        return _status(info)
