"""Who must sign a plan off, read from the policy, and keeping that list true to the plan.

Every role the policy lets approve a plan of the plan's level (``plan, approve`` for every
level, ``plan, approve_company`` / ``approve_department`` for one) must sign it off:
- a role held over the whole company (or allowed by relation ``company``) signs once;
- a role held over departments (vp, dept_manager) with relation ``scope`` signs once for
  each department it is held over whose subtree the plan covers (the VP of each division);
- ``self`` and ``team`` let a role approve without making its sign-off required, since
  no one holder could be named for them.
So an admin who grants ``approve`` to another role in policies/policy.csv gets that role's
sign-off required on the plans submitted from then on, and honoured (docs/plans.md).

The list is computed at submit and again whenever an edit changes the covered departments:
a plan widened into another division needs that division's VP, and sign-offs given before
the change are reset, since they approved a different plan.
"""

from __future__ import annotations

from uuid import UUID

from server.authz import Authorizer, Caller, OrgTree, approve_permissions
from server.models import Plan, PlanApproval, RoleAssignment
from server.org_tree import org_tree
from server.vocabulary import DEPARTMENT_ROLES, ROLES


def signing_roles(authz: Authorizer, level: str) -> dict[str, frozenset[str]]:
    """The roles whose sign-off a plan of ``level`` needs, with the relations they hold."""
    found: dict[str, set[str]] = {}
    for perm in approve_permissions(level):
        for role, rels in authz.holders(perm).items():
            found.setdefault(role, set()).update(rels)
    return {role: frozenset(found[role]) for role in ROLES if role in found}


async def required_signoffs(
    authz: Authorizer, plan: Plan, covered: set[UUID]
) -> list[tuple[str, UUID | None]]:
    """(role, department the role is held over, or None) pairs that must approve."""
    roles = signing_roles(authz, plan.level)
    scoped = [r for r, rels in roles.items() if r in DEPARTMENT_ROLES and "scope" in rels]
    held: list[tuple[str, UUID | None]] = []
    if scoped:
        held = await RoleAssignment.filter(
            company_id=plan.company_id, role__in=scoped, employee__is_active=True
        ).values_list("role", "department_id")
    tree = await org_tree(plan.company_id)
    needed: list[tuple[str, UUID | None]] = []
    for role, rels in roles.items():
        if "company" in rels or (role not in DEPARTMENT_ROLES and "scope" in rels):
            needed.append((role, None))
        elif role in scoped:
            over = {d for r, d in held if r == role}
            if None in over:  # held company-wide: one sign-off, as for a company role
                needed.append((role, None))
                continue
            for department in sorted((d for d in over if d is not None), key=str):
                if tree.subtree([department]) & covered:
                    needed.append((role, department))
    return needed


async def reset_signoffs(authz: Authorizer, plan: Plan, covered: set[UUID]) -> None:
    """Replace the plan's sign-offs by fresh, pending ones for the departments it covers now."""
    await PlanApproval.filter(plan_id=plan.id).delete()
    await PlanApproval.bulk_create(
        [
            PlanApproval(
                plan_id=plan.id, company_id=plan.company_id, role=role, department_id=department
            )
            for role, department in await required_signoffs(authz, plan, covered)
        ]
    )


def fills(caller: Caller, approval: PlanApproval, tree: OrgTree | None) -> bool:
    """Whether the caller holds the role this sign-off is for, over its department.

    Whether they may approve the plan at all is the policy's answer, asked before this.
    """
    if approval.role not in caller.roles:
        return False
    if approval.department_id is None:
        return True
    for role, over in caller.assignments:
        if role != approval.role:
            continue
        # held company-wide, or over the department or a subtree holding it
        if over is None or (tree is not None and approval.department_id in tree.subtree([over])):
            return True
    return False
