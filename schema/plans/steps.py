"""Workflow steps: the PlanAction enum `transitionPlan` takes, and Plan.nextSteps, the ones
the caller may send now (see review.next_steps)."""

from __future__ import annotations

from enum import Enum

import strawberry
from strawberry.types import Info

from server import models as m
from server.org_tree import org_tree
from server.plans import review
from server.plans.access import PlanView

DESCRIPTION = (
    "The actions the caller may send now: allowed from the current state, to the caller by "
    "the policy, and (APPROVE) with a sign-off of theirs still due."
)


@strawberry.enum(description="Workflow steps; who may take each is set in the policy.")
class PlanAction(Enum):
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    REDRAFT = "redraft"
    FILE = "file"
    ACKNOWLEDGE = "acknowledge"
    START_EVALUATION = "start_evaluation"
    FINALIZE = "finalize"
    CLOSE = "close"


async def next_steps(info: Info, plan: m.Plan) -> list[PlanAction]:
    loaders = info.context.loaders.plans
    view = await PlanView.of(info.context.actor)
    covered = {d.id for d in await loaders.departments.load(plan.id)}
    approvals = await loaders.approvals.load(plan.id)
    tree = await org_tree(plan.company_id)
    return [PlanAction(a) for a in review.next_steps(view, plan, covered, approvals, tree)]
