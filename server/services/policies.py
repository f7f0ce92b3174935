"""The policy in force, and reloading it from disk (audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from server.audit import Actor, record
from server.authz import POLICY_RELOAD, PolicyError, PolicyStore
from server.errors import BadInput
from server.vocabulary import AuditAction, AuditObjectType


@dataclass(frozen=True)
class PolicyState:
    version: int
    loaded_at: datetime
    rule_count: int
    last_error: str | None  # why the last reload was refused, if it was


def _state(store: PolicyStore) -> PolicyState:
    current = store.current
    return PolicyState(
        version=current.version,
        loaded_at=current.loaded_at,
        rule_count=current.rule_count,
        last_error=None if store.last_error is None else str(store.last_error),
    )


def policy_status(actor: Actor, store: PolicyStore) -> PolicyState:
    actor.authz.require(POLICY_RELOAD)
    return _state(store)


async def reload_policies(actor: Actor, store: PolicyStore) -> PolicyState:
    """Load policies/ again; a broken file is refused (BAD_USER_INPUT) and the old policy
    stays in force."""
    actor.authz.require(POLICY_RELOAD)
    before = store.current.version
    try:
        fresh = await store.reload()
    except PolicyError as exc:
        raise BadInput("policy_invalid", detail=str(exc)) from exc
    await record(
        actor,
        AuditAction.POLICY_RELOAD,
        AuditObjectType.POLICY,
        str(fresh.version),
        before={"version": before},
        after={"version": fresh.version, "rules": fresh.rule_count},
    )
    return _state(store)
