"""Who must sign a plan off, and keeping that list true to the departments it covers.

The HR VP signs every plan, the VP of each division the plan covers signs for it, and the GM
signs company plans. The list is computed at submit and again whenever an edit changes the
covered departments: a plan widened into another division needs that division's VP, and
sign-offs given before the change are reset, since they approved a different plan.
"""

from __future__ import annotations

from uuid import UUID

from server.audit import Actor
from server.authz import OrgTree
from server.models import Plan, PlanApproval, RoleAssignment
from server.org_tree import org_tree


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


async def reset_signoffs(plan: Plan, covered: set[UUID]) -> None:
    """Replace the plan's sign-offs by fresh, pending ones for the departments it covers now."""
    await PlanApproval.filter(plan_id=plan.id).delete()
    await PlanApproval.bulk_create(
        [
            PlanApproval(plan_id=plan.id, role=role, department_id=division)
            for role, division in await required_signoffs(plan, covered)
        ]
    )


def fills(actor: Actor, approval: PlanApproval, tree: OrgTree | None) -> bool:
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
