"""Moving a plan through its workflow: submit, review sign-offs, return, file, acknowledge...

Sign-offs (see signoffs.py): submitting a plan lists who must approve it. Each approval names
the version its approver read and is refused (CONFLICT) when that is no longer the current
version, so nobody signs an edit they never saw. An edit after an approval makes it stale.
The plan becomes ``approved`` when every sign-off is current.

Every step runs on the plan row as it stands under a lock taken at the start of the step's
transaction, never on the copy read before it: a concurrent edit or step either finishes
before (and is seen) or waits until this step has committed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from tortoise.transactions import in_transaction

from server.audit import Actor, record
from server.authz import OrgTree
from server.errors import BadInput, Conflict, NotFound
from server.models import Plan, PlanApproval, PlanTransition
from server.org_tree import org_tree
from server.plans import workflow
from server.plans.access import PlanView, covered_departments, load_plan
from server.plans.service import publish
from server.plans.signoffs import fills, reset_signoffs
from server.plans.versions import load_data
from server.scoring.freezing import freeze_plan
from server.vocabulary import OBJECT_ACTIONS, AuditAction, AuditObjectType, step_action


async def _transition_row(actor: Actor, plan: Plan, source: str, action: str, comment: str) -> None:
    await PlanTransition.create(
        plan_id=plan.id,
        company_id=plan.company_id,
        from_state=source,
        to_state=plan.state,
        action=action,
        actor_id=actor.caller.employee_id,
        comment=comment,
    )


async def _move(actor: Actor, plan: Plan, action: str, target: str, comment: str) -> None:
    source = plan.state
    plan.state = target
    await plan.save(update_fields=["state", "updated_at"])
    await _transition_row(actor, plan, source, action, comment)
    await record(
        actor,
        step_action(action),
        AuditObjectType.PLAN,
        plan.id,
        before={"state": source},
        after={"state": target, "comment": comment} if comment else {"state": target},
    )


async def _locked(plan_id: UUID, expected_version: int | None) -> tuple[Plan, set[UUID]]:
    """The plan row, locked for the rest of the transaction, checked against the version read.

    One conditional UPDATE both takes the lock and compares the version: PostgreSQL holds
    the row lock until commit (a concurrent edit's UPDATE waits, then re-checks its own
    version condition), and SQLite runs one write transaction at a time. So no edit can
    land between the check and the sign-off, as it could between a SELECT and a write.
    """
    rows = Plan.filter(id=plan_id)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if not await rows.update(updated_at=datetime.now(UTC)):
        latest = await Plan.get_or_none(id=plan_id)
        if latest is None:
            raise NotFound("plan")
        if expected_version is not None and expected_version > latest.version:
            raise BadInput(
                "invalid_format",
                field="expectedVersion",
                hint=f"versions run from 1 to {latest.version}",
            )
        raise Conflict("changed_since_read", current=latest.version, expected=expected_version)
    plan = await Plan.get(id=plan_id)
    return plan, (await covered_departments([plan_id])).get(plan_id, set())


async def transition(
    actor: Actor,
    plan_id: UUID,
    action: str,
    comment: str = "",
    expected_version: int | None = None,
) -> Plan:
    """Take ``action``. ``expected_version`` is the version the caller read: an approval must
    name it (it signs that version); any other step checks it when given."""
    view = await PlanView.of(actor)
    plan, covered = await load_plan(view, plan_id)
    workflow.step(plan.state, action)
    view.require(plan, covered, action)
    comment = comment.strip()
    if action == "return" and not comment:
        raise BadInput("comment_required", field="comment")
    if action == "approve" and expected_version is None:
        raise BadInput("required", field="expectedVersion")
    async with in_transaction():
        # From here on, the plan as it stands now: someone may have moved or edited it.
        plan, covered = await _locked(plan.id, expected_version)
        step = workflow.step(plan.state, action)
        view.require(plan, covered, action)
        if action == "submit":
            data = await load_data(plan)
            if not data.indicators:
                raise BadInput("required", field="indicators")
            await reset_signoffs(actor.authz, plan, covered)
        if action == "finalize":
            # The plan's scores freeze with it, in this transaction (server/scoring/freezing.py).
            await freeze_plan(actor, plan.id)
        if action == "approve":
            await _approve(actor, plan, comment)
        else:
            if action == "return" and plan.state == "submitted":
                await _move(actor, plan, "start_review", "in_review", "")
            await _move(actor, plan, action, step.target, comment)
        await publish(plan, covered, "state", f"{action}: {comment}" if comment else action)
    return plan


async def _approve(actor: Actor, plan: Plan, comment: str) -> None:
    """Sign the caller's pending sign-offs for the current (locked, checked) version."""
    if plan.state == "submitted":
        # Opening the review is its own step, taken implicitly; the comment is the approval's.
        await _move(actor, plan, "start_review", "in_review", "")
    tree = await org_tree(plan.company_id)
    pending = [
        a for a in await PlanApproval.filter(plan_id=plan.id) if a.approved_version != plan.version
    ]
    mine = [a for a in pending if fills(actor.caller, a, tree)]
    if not mine:
        raise Conflict("no_approval_due")
    now = datetime.now(UTC)
    for approval in mine:
        approval.approver_id = actor.caller.employee_id
        approval.approved_version = plan.version
        approval.approved_at = now
        await approval.save()
    source = plan.state
    if len(mine) == len(pending):
        plan.state = "approved"
        await plan.save(update_fields=["state", "updated_at"])
    # Every sign-off is a transition of its own, with its comment, even one that leaves the
    # plan in review waiting on others; the last one moves it to approved.
    await _transition_row(actor, plan, source, "approve", comment)
    await record(
        actor,
        AuditAction.PLAN_APPROVE,
        AuditObjectType.PLAN,
        plan.id,
        before={"state": source},
        after={
            "state": plan.state,
            "version": plan.version,
            "signed_for": [a.role for a in mine],
            "comment": comment,
        },
    )


def next_steps(
    view: PlanView, plan: Plan, covered: set[UUID], approvals: list[PlanApproval], tree: OrgTree
) -> list[str]:
    """The steps the caller may take now: allowed from the plan's state by the workflow,
    to this caller by the policy, and, to approve, with a sign-off of theirs still due.

    A step the policy has no action for (``start_review``, taken implicitly by the first
    approval or return) can never be sent, so it is never offered.
    """
    found = []
    for action in workflow.next_steps(plan.state):
        if action not in OBJECT_ACTIONS["plan"] or not view.can(action, covered, plan.level):
            continue
        if action == "approve" and not any(
            a.approved_version != plan.version and fills(view.actor.caller, a, tree)
            for a in approvals
        ):
            continue
        found.append(action)
    return found
