"""Policy administration: reload the Casbin files, see which version is in force."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from schema.permissions import AUTH
from server.services import policies


@strawberry.type(description="The policy in force.")
class PolicyStatus:
    version: int
    loaded_at: datetime
    rule_count: int
    last_error: str | None = strawberry.field(
        description="Why the last reload was refused, if it was; the older version stays in force."
    )

    @classmethod
    def of(cls, state: policies.PolicyState) -> PolicyStatus:
        return cls(
            version=state.version,
            loaded_at=state.loaded_at,
            rule_count=state.rule_count,
            last_error=state.last_error,
        )


@strawberry.type
class PolicyQuery:
    @strawberry.field(permission_classes=AUTH)
    def policy_status(self, info: Info) -> PolicyStatus:
        return PolicyStatus.of(
            policies.policy_status(info.context.actor, info.context.runtime.policies)
        )


@strawberry.type
class PolicyMutation:
    @strawberry.mutation(
        permission_classes=AUTH,
        description="Reload policies/ from disk; a broken file is refused, the old policy stays.",
    )
    async def reload_policies(self, info: Info) -> PolicyStatus:
        state = await policies.reload_policies(info.context.actor, info.context.runtime.policies)
        return PolicyStatus.of(state)
