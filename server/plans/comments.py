"""Comment threads on a plan version or on one of its indicators, with replies and resolution."""

from __future__ import annotations

from uuid import UUID

from tortoise.transactions import in_transaction

from server import validation
from server.audit import Actor, record
from server.authz import PLAN_COMMENT
from server.errors import BadInput, NotFound
from server.models import Indicator, PlanComment
from server.plans.access import PlanView, load_plan
from server.plans.service import publish
from server.vocabulary import AuditAction, AuditObjectType


async def get_comment(actor: Actor, comment_id: UUID) -> PlanComment:
    """A comment on a plan the caller may read, else NOT_FOUND."""
    comment = await PlanComment.get_or_none(id=comment_id, plan__company_id=actor.caller.company_id)
    if comment is None:
        raise NotFound("plan_comment")
    await load_plan(await PlanView.of(actor), comment.plan_id)
    return comment


async def add_comment(
    actor: Actor,
    plan_id: UUID,
    body: str,
    *,
    version: int | None = None,
    indicator_key: str | None = None,
    parent_id: UUID | None = None,
) -> PlanComment:
    view = await PlanView.of(actor)
    plan, covered = await load_plan(view, plan_id)
    view.require(plan, covered, PLAN_COMMENT)
    text = validation.text(body, "body", max_length=4000)
    parent = None
    if parent_id is not None:
        parent = await PlanComment.get_or_none(id=parent_id, plan_id=plan.id)
        if parent is None:
            raise NotFound("plan_comment")
        # A reply belongs to its thread: same version, same indicator.
        version, indicator_key = parent.version, parent.indicator_key
    number = plan.version if version is None else version
    if not 1 <= number <= plan.version:
        raise BadInput(
            "invalid_format", field="version", hint=f"versions run from 1 to {plan.version}"
        )
    if indicator_key is not None and not await Indicator.exists(
        plan_id=plan.id, version=number, key=indicator_key
    ):
        raise BadInput(
            "invalid_format", field="indicatorKey", hint=f"an indicator of version {number}"
        )
    async with in_transaction():
        comment = await PlanComment.create(
            plan_id=plan.id,
            company_id=plan.company_id,
            version=number,
            indicator_key=indicator_key,
            parent_id=None if parent is None else parent.id,
            author_id=actor.caller.employee_id,
            body=text,
        )
        await record(
            actor,
            AuditAction.PLAN_COMMENT,
            AuditObjectType.PLAN_COMMENT,
            comment.id,
            after={
                "plan_id": plan.id,
                "version": number,
                "indicator_key": indicator_key,
                "body": text,
            },
        )
        await publish(plan, covered, "comment", text[:200])
    return comment


async def resolve_comment(actor: Actor, comment_id: UUID, resolved: bool = True) -> PlanComment:
    comment = await PlanComment.get_or_none(id=comment_id, plan__company_id=actor.caller.company_id)
    if comment is None:
        raise NotFound("plan_comment")
    view = await PlanView.of(actor)
    plan, covered = await load_plan(view, comment.plan_id)
    view.require(plan, covered, PLAN_COMMENT)
    async with in_transaction():
        comment.resolved = resolved
        comment.resolved_by = actor.caller.employee_id if resolved else None
        await comment.save(update_fields=["resolved", "resolved_by"])
        await record(
            actor,
            AuditAction.PLAN_COMMENT_RESOLVE,
            AuditObjectType.PLAN_COMMENT,
            comment.id,
            before={"resolved": not resolved},
            after={"resolved": resolved},
        )
    return comment
