"""Moving a plan through its workflow: submit, review sign-offs, return, file, acknowledge...

Sign-offs: submitting a plan lists who must approve it - the HR VP, the VP of every division
it covers, and the GM for a company plan. Each approval is for the version read; an edit
after it makes it stale. The plan becomes ``approved`` when every sign-off is current.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from tortoise.transactions import in_transaction

from server.audit import Actor, record
from server.authz import OrgTree
from server.errors import BadInput, Conflict
from server.models import Plan, PlanApproval, PlanTransition, RoleAssignment
from server.org_tree import org_tree
from server.plans import workflow
from server.plans.access import PlanView, load_plan
from server.plans.service import publish
from server.plans.versions import load_data


async def required_signoffs(plan: Plan, covered: set[UUID]) -> list[tuple[str, UUID | None]]:
    """(role, division) pairs that must approve: HR VP, each covering division's VP, the GM."""
    needed: list[tuple[str, UUID | None]] = [("hr_vp", None)]
    tree = await org_tree(plan.company_id)  # type: ignore[arg-type]
    divisions = await RoleAssignment.filter(
        company_id=plan.company_id, role="vp", employee__is_active=True
    ).values_list("department_id", flat=True)
    for division in sorted(set(divisions), key=str):
        if division is not None and tree.subtree([division]) & covered:
            needed.append(("vp", division))
    if plan.level == "company":
        needed.append(("gm", None))
    return needed


def _fills(actor: Actor, approval: PlanApproval, tree: OrgTree | None) -> bool:
    """Whether the caller's roles make them the one to give this sign-off."""
    for role, scope in actor.caller.assignments:
        if role != approval.role:
            continue
        if approval.role != "vp":
            return True
        # a VP over the division, or over a subtree holding it, signs for it
        if (
            scope is not None
            and tree is not None
            and approval.department_id in tree.subtree([scope])
        ):
            return True
    return False


async def _move(
    actor: Actor, plan: Plan, covered: set[UUID], action: str, target: str, comment: str
) -> None:
    source = plan.state
    plan.state = target
    await plan.save(update_fields=["state", "updated_at"])
    await PlanTransition.create(
        plan_id=plan.id,
        from_state=source,
        to_state=target,
        action=action,
        actor_id=actor.caller.employee_id,
        comment=comment,
    )
    await record(
        actor,
        f"plan.{action}",
        "plan",
        plan.id,
        before={"state": source},
        after={"state": target, "comment": comment} if comment else {"state": target},
    )


async def transition(actor: Actor, plan_id: UUID, action: str, comment: str = "") -> Plan:
    view = await PlanView.of(actor)
    plan, covered = await load_plan(view, plan_id)
    step = workflow.step(plan.state, action)
    view.require(plan, covered, action)
    comment = comment.strip()
    if action == "return" and not comment:
        raise BadInput("comment_required", field="comment")
    async with in_transaction():
        fresh = await Plan.filter(id=plan.id).select_for_update().first()
        if fresh is None or fresh.state != plan.state:  # someone moved it meanwhile
            workflow.step(fresh.state if fresh else "closed", action)
        if action == "submit":
            data = await load_data(plan)
            if not data.indicators:
                raise BadInput("required", field="indicators")
            await PlanApproval.filter(plan_id=plan.id).delete()
            await PlanApproval.bulk_create(
                [
                    PlanApproval(plan_id=plan.id, role=role, department_id=division)
                    for role, division in await required_signoffs(plan, covered)
                ]
            )
        if action == "approve":
            await _approve(actor, view, plan, covered, comment)
        else:
            if action == "return" and plan.state == "submitted":
                await _move(actor, plan, covered, "start_review", "in_review", "")
            await _move(actor, plan, covered, action, step.target, comment)
    publish(plan, covered, "state", f"{action}: {comment}" if comment else action)
    return plan


async def _approve(
    actor: Actor, view: PlanView, plan: Plan, covered: set[UUID], comment: str
) -> None:
    if plan.state == "submitted":
        await _move(actor, plan, covered, "start_review", "in_review", "")
    tree = await org_tree(plan.company_id)  # type: ignore[arg-type]
    pending = [
        a for a in await PlanApproval.filter(plan_id=plan.id) if a.approved_version != plan.version
    ]
    mine = [a for a in pending if _fills(actor, a, tree)]
    if not mine:
        raise Conflict("no_approval_due")
    now = datetime.now(UTC)
    for approval in mine:
        approval.approver_id = actor.caller.employee_id
        approval.approved_version = plan.version
        approval.approved_at = now
        await approval.save()
    await record(
        actor,
        "plan.approve",
        "plan",
        plan.id,
        after={"version": plan.version, "signed_for": [a.role for a in mine], "comment": comment},
    )
    if len(mine) == len(pending):
        await _move(actor, plan, covered, "approve", "approved", comment)
