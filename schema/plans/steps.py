"""Plan.nextSteps: the PlanAction values the caller may send now (see review.next_steps)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import strawberry
from strawberry.types import Info

from server import models as m
from server.org_tree import org_tree
from server.plans import review
from server.plans.access import PlanView

if TYPE_CHECKING:
    from schema.plans.schema import PlanAction

DESCRIPTION = (
    "The actions the caller may send now: allowed from the current state, to the caller by "
    "the policy, and (APPROVE) with a sign-off of theirs still due."
)
# PlanAction is defined with the mutation that takes it, which imports the types.
LAZY = strawberry.lazy("schema.plans.schema")


async def next_steps(info: Info, plan: m.Plan) -> list[PlanAction]:
    from schema.plans.schema import PlanAction

    loaders = info.context.loaders
    view = await PlanView.of(info.context.actor)
    covered = {d.id for d in await loaders.plan_departments.load(plan.id)}
    approvals = await loaders.plan_approvals.load(plan.id)
    tree = await org_tree(plan.company_id)  # type: ignore[arg-type]
    return [PlanAction(a) for a in review.next_steps(view, plan, covered, approvals, tree)]
