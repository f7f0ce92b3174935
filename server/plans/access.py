"""Who sees and acts on which plan: the policy, through ``server.authz``, nothing else.

A plan's relation to the caller is found by the plan resolver in ``server.relations``:
``scope`` when a department it covers lies in the subtree a role is held over, ``self`` when
it covers the caller's own department or one above it (so everybody's company plan and
department plan are "theirs"), ``company`` anywhere in the tenant. ``read`` shows a plan in
any state; ``read_published`` only once it is active or later. This module only adds what
is particular to plans: the two kinds of read, and approving by level (``approve`` or
``approve_<level>``, see docs/plans.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from tortoise.expressions import Q

from server.audit import Actor
from server.authz import (
    DEPARTMENT_READ,
    PLAN_APPROVE,
    PLAN_READ,
    PLAN_READ_PUBLISHED,
    Authorizer,
    Permission,
    approve_permissions,
    plan_permission,
)
from server.errors import Forbidden, NotFound
from server.models import Plan
from server.models.plans import PUBLISHED_STATES
from server.org_tree import org_tree


def _permission(step: Permission | str) -> Permission:
    """A step named by the workflow (``submit``, ``update``...) as its permission."""
    return plan_permission(step) if isinstance(step, str) else step


def permissions_for(step: Permission | str, level: str | None) -> tuple[Permission, ...]:
    """What allows a step on a plan of ``level``: approving is ``approve`` or, for one level
    only, ``approve_<level>``; any other step is its own action."""
    perm = _permission(step)
    return approve_permissions(level) if perm == PLAN_APPROVE and level else (perm,)


@dataclass(frozen=True)
class PlanView:
    """The caller's authorizer, with the org tree the plan resolver needs."""

    actor: Actor

    @classmethod
    async def of(cls, actor: Actor) -> PlanView:
        if not actor.authz.has_tree:
            actor.authz.attach_tree(await org_tree(actor.caller.company_id))
        return cls(actor)

    @property
    def authz(self) -> Authorizer:
        return self.actor.authz

    def can(
        self, step: Permission | str, covered: Iterable[UUID], level: str | None = None
    ) -> bool:
        covered = frozenset(covered)
        return any(self.authz.check(p, covered) for p in permissions_for(step, level))

    def visible(self, plan: Plan, covered: Iterable[UUID]) -> bool:
        covered = frozenset(covered)
        return self.authz.check(PLAN_READ, covered) or (
            plan.state in PUBLISHED_STATES and self.authz.check(PLAN_READ_PUBLISHED, covered)
        )

    def require(self, plan: Plan, covered: Iterable[UUID], step: Permission | str) -> None:
        covered = frozenset(covered)
        if not self.visible(plan, covered):
            raise NotFound("plan")
        perms = permissions_for(step, plan.level)
        if perms[0] != PLAN_READ and not any(self.authz.check(p, covered) for p in perms):
            raise Forbidden("forbidden", action=perms[0].act, object_type="plan")

    def require_each(self, step: Permission | str, departments: Iterable[UUID]) -> None:
        """Each department in the caller's scope for ``step`` on plans, on its own.

        ``can`` asks whether a plan touches the caller's scope at all; a plan's departments
        must each be the caller's to put on it or take off it. A department the caller may
        not even see answers NOT_FOUND, one merely outside their scope FORBIDDEN.
        """
        perm = _permission(step)
        for department_id in sorted(departments, key=str):
            self.authz.require(DEPARTMENT_READ, department_id)
            if not self.authz.check(perm, frozenset({department_id})):
                raise Forbidden("forbidden", action=perm.act, object_type="plan")

    def list_filter(self) -> Q | None:
        """SQL for the plans this caller may list (None = all of the company's)."""
        full = self.authz.scope(PLAN_READ).q(department="departments__id")
        if full is None:
            return None
        published = self.authz.scope(PLAN_READ_PUBLISHED).q(department="departments__id")
        published_q = Q(state__in=list(PUBLISHED_STATES))
        if published is not None:
            published_q &= published
        return full | published_q


async def covered_departments(plan_ids: Iterable[UUID]) -> dict[UUID, set[UUID]]:
    rows = await Plan.filter(id__in=list(plan_ids)).values_list("id", "departments__id")
    found: dict[UUID, set[UUID]] = {}
    for plan_id, dept_id in rows:
        found.setdefault(plan_id, set())
        if dept_id is not None:
            found[plan_id].add(dept_id)
    return found


async def load_plan(
    view: PlanView, plan_id: UUID, step: Permission | str = PLAN_READ
) -> tuple[Plan, set[UUID]]:
    plan = await Plan.get_or_none(id=plan_id, company_id=view.actor.caller.company_id)
    if plan is None:
        raise NotFound("plan")
    covered = (await covered_departments([plan.id])).get(plan.id, set())
    view.require(plan, covered, step)
    return plan, covered
