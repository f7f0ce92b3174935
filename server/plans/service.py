"""Creating, reading and editing plans. Every edit is a new version, guarded by the version
the editor read (optimistic concurrency), so two reviewers never overwrite each other."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any
from uuid import UUID

from tortoise.transactions import in_transaction

from server.audit import Actor, record
from server.authz import PLAN_CREATE
from server.errors import BadInput, Conflict, Forbidden, NotFound
from server.events import PlanEvent
from server.indicators import IndicatorSpec
from server.models import Department, Plan, PlanTransition, Template
from server.models.plans import PLAN_STATES
from server.outbox import emit
from server.plans import workflow
from server.plans.access import PlanView, load_plan
from server.plans.signoffs import reset_signoffs
from server.plans.validation import PlanData, check_plan
from server.plans.versions import Change, diff, load_data, write_version
from server.vocabulary import AuditAction, AuditObjectType


async def publish(plan: Plan, covered: set[UUID], kind: str, detail: str = "") -> None:
    """The plan's event, into the outbox: call it last in the change's transaction."""
    await emit(PlanEvent(plan.company_id, plan.id, kind, plan.state, frozenset(covered), detail))


MAX_PLANS = 1000


def columns(data: PlanData) -> dict[str, Any]:
    """The plan row's copy of the current version's plan-level fields."""
    return {
        name: getattr(data, name)
        for name in (
            "name",
            "level",
            "period_kind",
            "period_start",
            "period_end",
            "submission_due",
            "review_due",
            "self_evaluation_due",
            "manager_evaluation_due",
        )
    }


async def _departments(actor: Actor, data: PlanData) -> PlanData:
    rows = await Department.filter(
        company_id=actor.caller.company_id, id__in=list(data.department_ids)
    ).values_list("id", "parent_id", "is_active")
    found = {pk: (parent, active) for pk, parent, active in rows}
    for i, dept_id in enumerate(data.department_ids):
        if dept_id not in found:
            raise NotFound("department")
        if not found[dept_id][1]:
            raise BadInput(
                "inactive_reference", field=f"departmentIds[{i}]", object_type="department"
            )
    roots = [d for d, (parent, _) in found.items() if parent is None]
    if data.level == "company" and set(data.department_ids) != set(roots):
        raise BadInput(
            "invalid_format",
            field="departmentIds",
            hint="a company plan covers the top department only",
        )
    if data.level == "department" and roots:
        raise BadInput(
            "invalid_format", field="departmentIds", hint="use level company for the top department"
        )
    return replace(data, department_ids=tuple(dict.fromkeys(data.department_ids)))


async def from_template(actor: Actor, template_id: UUID) -> tuple[IndicatorSpec, ...]:
    template = await Template.get_or_none(
        id=template_id, company_id=actor.caller.company_id, is_active=True
    )
    if template is None:
        raise NotFound("template")
    return tuple(template_indicator(item) for item in template.indicators)


def template_indicator(item: dict[str, Any]) -> IndicatorSpec:
    """A template's stored indicator as plan input: templates and plans store indicators
    the same way (IndicatorSpec's codec)."""
    return IndicatorSpec.from_json(item)


async def create_plan(actor: Actor, data: PlanData, *, comment: str = "") -> Plan:
    data = check_plan(data, actor.metrics)
    data = await _departments(actor, data)
    view = await PlanView.of(actor)
    if not view.can(PLAN_CREATE, data.department_ids):
        raise Forbidden("forbidden", action="create", object_type="plan")
    view.require_each(PLAN_CREATE, data.department_ids)
    async with in_transaction():
        plan = await Plan.create(
            company_id=actor.caller.company_id,
            created_by=actor.caller.employee_id,
            **columns(data),
        )
        await plan.departments.add(*await Department.filter(id__in=list(data.department_ids)))
        await write_version(plan, data, actor.caller.employee_id, comment or "created")
        await record(
            actor,
            AuditAction.PLAN_CREATE,
            AuditObjectType.PLAN,
            plan.id,
            after={**data.content(), "indicators": len(data.indicators)},
        )
        await publish(plan, set(data.department_ids), "version", "created")
    return plan


async def copy_plan(actor: Actor, source_id: UUID, data: PlanData) -> Plan:
    """A new plan for another period with the indicators of an existing one (last period's)."""
    view = await PlanView.of(actor)
    source, _ = await load_plan(view, source_id)
    previous = await load_data(source)
    items = tuple(replace(i, key=None) for i in previous.indicators)
    return await create_plan(
        actor, replace(data, indicators=items), comment=f"copied from {source.name}"
    )


async def update_plan(
    actor: Actor,
    plan_id: UUID,
    expected_version: int,
    changes: dict[str, Any],
    comment: str,
) -> Plan:
    """Apply ``changes`` (PlanData field names; ``indicators`` replaces the whole list)."""
    view = await PlanView.of(actor)
    plan, covered = await load_plan(view, plan_id)
    action = workflow.edit_action(plan.state)
    view.require(plan, covered, action)
    if not comment.strip() and action == "review_edit":
        raise BadInput("comment_required", field="comment")
    current = await load_data(plan)
    if plan.version != expected_version:
        raise Conflict("stale_version", current=plan.version, expected=expected_version)
    data = check_plan(replace(current, **changes), actor.metrics)
    data = await _departments(actor, data)
    if not view.can(action, data.department_ids):
        # Moving a plan onto departments outside one's scope is not an edit one may make.
        raise Forbidden("forbidden", action=action, object_type="plan")
    # Nor is widening it into (or cutting it out of) another's scope: each department added
    # or removed must be in the editor's, or a VP could bring a plan into another division.
    view.require_each(action, set(data.department_ids) ^ covered)
    if not diff(current, data):
        raise BadInput("nothing_to_update")
    read_state = plan.state
    async with in_transaction():
        # The guard: only the editor who read the current version may write the next one.
        # The conditional UPDATE also locks the row until commit (see review._locked).
        written = await Plan.filter(id=plan.id, version=expected_version).update(
            version=expected_version + 1
        )
        if not written:
            latest = await Plan.get(id=plan.id)
            raise Conflict("stale_version", current=latest.version, expected=expected_version)
        await plan.refresh_from_db()
        # A step needs no new version, so one may have moved the plan since it was read
        # (the last approval, say): edit only if the plan is still open to this kind of edit.
        if workflow.edit_action(plan.state) != action:
            raise Conflict("plan_moved", before=read_state, after=plan.state)
        from_state = plan.state
        to_state = "draft" if action == "update" else "in_review"
        await Plan.filter(id=plan.id).update(state=to_state, **columns(data))
        await plan.refresh_from_db()
        if set(data.department_ids) != covered:
            await plan.departments.clear()
            await plan.departments.add(*await Department.filter(id__in=list(data.department_ids)))
            if action == "review_edit":
                # Sign-offs follow the departments: new divisions' VPs become due, and the
                # sign-offs given so far approved another plan.
                await reset_signoffs(actor.authz, plan, set(data.department_ids))
        await write_version(plan, data, actor.caller.employee_id, comment.strip())
        if to_state != from_state:
            step = "redraft" if from_state == "returned" else "start_review"
            await PlanTransition.create(
                plan_id=plan.id,
                company_id=plan.company_id,
                from_state=from_state,
                to_state=to_state,
                action=step,
                actor_id=actor.caller.employee_id,
                comment=comment.strip(),
            )
        changed = [c.text for c in diff(current, data)]
        await record(
            actor,
            AuditAction.PLAN_UPDATE,
            AuditObjectType.PLAN,
            plan.id,
            before={"version": expected_version},
            after={"version": plan.version, "changes": changed},
        )
        await publish(plan, set(data.department_ids), "version", "; ".join(changed))
    return plan


async def list_plans(
    actor: Actor,
    *,
    period_start: date | None = None,
    period_end: date | None = None,
    state: str | None = None,
) -> list[Plan]:
    view = await PlanView.of(actor)
    query = Plan.filter(company_id=actor.caller.company_id)
    if (visible := view.list_filter()) is not None:
        query = query.filter(visible)
    if period_start is not None:
        query = query.filter(period_end__gte=period_start)
    if period_end is not None:
        query = query.filter(period_start__lte=period_end)
    if state is not None:
        if state not in PLAN_STATES:
            raise BadInput("invalid_format", field="state", hint="one of " + ", ".join(PLAN_STATES))
        query = query.filter(state=state)
    rows = await query.distinct().order_by("period_start", "name").limit(MAX_PLANS + 1)
    if len(rows) > MAX_PLANS:
        # Never a silently cut list: ask for a narrower query instead.
        raise BadInput("too_many_results", field="periodStart", max=MAX_PLANS)
    return rows


async def get_plan(actor: Actor, plan_id: UUID) -> Plan:
    plan, _ = await load_plan(await PlanView.of(actor), plan_id)
    return plan


async def version_diff(
    actor: Actor, plan_id: UUID, from_version: int, to_version: int | None = None
) -> list[Change]:
    """Indicator-level changes from one version of a visible plan to another (default: the
    current one)."""
    plan = await get_plan(actor, plan_id)
    old = await load_data(plan, from_version)
    new = await load_data(plan, to_version or plan.version)
    return diff(old, new)
