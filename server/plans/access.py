"""Who sees which plan, decided by policy over the departments a plan covers.

A plan covers departments (a company plan covers the top of the tree). Relations:
``scope`` - a covered department lies in the subtree the caller's role is held over;
``self`` - the plan covers the caller's own department or one above it (so everybody's
company plan and department plan are "theirs"); ``company`` - anywhere in the tenant.
``read`` shows a plan in any state; ``read_published`` only once it is active or later.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from tortoise.expressions import Q

from server.audit import Actor
from server.errors import Forbidden, NotFound
from server.models import Plan
from server.models.plans import PUBLISHED_STATES
from server.org_tree import org_tree


@dataclass(frozen=True)
class PlanView:
    """The caller's standing towards plans: their department and its ancestors."""

    actor: Actor
    own_chain: frozenset[UUID]

    @classmethod
    async def of(cls, actor: Actor) -> PlanView:
        tree = await org_tree(actor.caller.company_id)
        return cls(actor, frozenset(tree.chain(actor.caller.department_id)))

    def can(self, act: str, covered: Iterable[UUID]) -> bool:
        grant = self.actor.authz.grant("plan", act)
        if grant.everything:
            return True
        covered = set(covered)
        return bool(grant.departments & covered) or (grant.own and bool(covered & self.own_chain))

    def visible(self, plan: Plan, covered: Iterable[UUID]) -> bool:
        covered = set(covered)
        return self.can("read", covered) or (
            plan.state in PUBLISHED_STATES and self.can("read_published", covered)
        )

    def require(self, plan: Plan, covered: Iterable[UUID], act: str) -> None:
        covered = set(covered)
        if not self.visible(plan, covered):
            raise NotFound("plan")
        if act != "read" and not self.can(act, covered):
            raise Forbidden("forbidden", action=act, object_type="plan")

    def require_each(self, act: str, departments: Iterable[UUID]) -> None:
        """Each department in the caller's scope for ``act`` on plans, on its own.

        ``can`` asks whether a plan touches the caller's scope at all; a plan's departments
        must each be the caller's to put on it or take off it. A department the caller may
        not even see answers NOT_FOUND, one merely outside their scope FORBIDDEN.
        """
        for department_id in sorted(departments, key=str):
            if not self.actor.authz.can("department", "read", department_id):
                raise NotFound("department")
            if not self.can(act, {department_id}):
                raise Forbidden("forbidden", action=act, object_type="plan")

    def _departments_q(self, act: str) -> Q | None:
        """None: every plan; otherwise a filter on covered departments."""
        grant = self.actor.authz.grant("plan", act)
        if grant.everything:
            return None
        allowed = set(grant.departments) | (set(self.own_chain) if grant.own else set())
        return Q(departments__id__in=list(allowed))

    def list_filter(self) -> Q | None:
        """SQL for the plans this caller may list (None = all of the company's)."""
        full = self._departments_q("read")
        published = self._departments_q("read_published")
        if full is None:
            return None
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


async def load_plan(view: PlanView, plan_id: UUID, act: str = "read") -> tuple[Plan, set[UUID]]:
    plan = await Plan.get_or_none(id=plan_id, company_id=view.actor.caller.company_id)
    if plan is None:
        raise NotFound("plan")
    covered = (await covered_departments([plan.id])).get(plan.id, set())
    view.require(plan, covered, act)
    return plan, covered
