"""Starting evaluation when a plan's period ends: the scheduler's step, taken by no one.

The step is the workflow's own ``start_evaluation`` (server.plans.workflow), recorded as the
performance admin's would be (a PlanTransition, the ``plan.start_evaluation`` audit entry,
the PlanEvent through the outbox), with no actor: the system took it. Each plan moves in
its own transaction by a conditional UPDATE on its state, so two processes ticking at once
(or a performance admin starting it by hand at the same moment) move it once.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from server.audit import Origin, record_event
from server.models import Plan, PlanTransition
from server.plans import workflow
from server.plans.access import covered_departments
from server.plans.service import publish
from server.vocabulary import AuditObjectType, PlanState, PlanStep, step_action

log = logging.getLogger("jixiao")

PERIOD_ENDED = "period ended"
# What the audit entry names as its origin (it has no actor).
SYSTEM = Origin(request_id="", client_address="scheduler")


async def start_due_evaluations(now: datetime) -> int:
    """Move every ACTIVE plan whose period has ended (in its company's time zone) to
    EVALUATING; returns how many this call moved. Idempotent: a moved plan is no longer
    ACTIVE, and one moved by someone else meanwhile is left alone."""
    step = workflow.step(PlanState.ACTIVE.value, PlanStep.START_EVALUATION.value)
    # No time zone is a day or more ahead of UTC: only plans ending by UTC's today can have
    # ended anywhere, so the query reads no others.
    candidates = await Plan.filter(
        state=PlanState.ACTIVE.value,
        period_end__lt=now.astimezone(UTC).date() + timedelta(days=1),
    ).values_list("id", "period_end", "company__timezone")
    moved = 0
    for plan_id, period_end, zone in candidates:
        if not period_over(period_end, ZoneInfo(zone or "UTC"), now):
            continue
        try:
            moved += await _start(plan_id, step, now)
        except Exception:  # one broken plan must not keep the others waiting
            log.exception("starting the evaluation of plan %s failed", plan_id)
    return moved


async def _start(plan_id: UUID, step: workflow.Step, now: datetime) -> int:
    async with in_transaction():
        source = PlanState.ACTIVE.value
        taken = await Plan.filter(id=plan_id, state=source).update(
            state=step.target, updated_at=now
        )
        if not taken:
            return 0
        plan = await Plan.get(id=plan_id)
        await PlanTransition.create(
            plan_id=plan.id,
            company_id=plan.company_id,
            from_state=source,
            to_state=step.target,
            action=step.action,
            actor_id=None,
            comment=PERIOD_ENDED,
        )
        await record_event(
            plan.company_id,
            None,
            SYSTEM,
            step_action(step.action),
            AuditObjectType.PLAN,
            plan.id,
            before={"state": source},
            after={"state": step.target, "comment": PERIOD_ENDED, "origin": "system"},
        )
        covered = (await covered_departments([plan.id])).get(plan.id, set())
        await publish(plan, covered, "state", f"{step.action}: {PERIOD_ENDED}")
    return 1


def period_over(period_end: date, zone: ZoneInfo, now: datetime) -> bool:
    """Whether the period has ended where the company is (the last day is still in it)."""
    return now.astimezone(zone).date() > period_end
