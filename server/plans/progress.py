"""Plan progress: per department, where its plans stand, who they wait on, and which
deadlines have passed in the company's own time zone.

Who sees it is the policy's ``plan, progress`` (HR VP, GM and performance admin in the
shipped policy), over the departments that grant covers. Every department row and every
plan in it also passes the same read checks as the ``departments`` and ``plans`` queries,
and "waiting on" names the roles the policy lets take the plan's next step."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from server.audit import Actor
from server.authz import DEPARTMENT_READ, PLAN_PROGRESS, Authorizer, plan_permission
from server.models import Company, Department, Plan, PlanApproval
from server.plans.access import PlanView, covered_departments

# The step a plan in each state waits for, outside review (where it waits on sign-offs).
WAITING_FOR = {"draft": "submit", "returned": "redraft", "approved": "file", "filed": "acknowledge"}


@dataclass
class PlanStanding:
    plan: Plan
    waiting_on: list[str]
    submission_overdue: bool
    review_overdue: bool


@dataclass
class DepartmentProgress:
    department: Department
    plans: list[PlanStanding] = field(default_factory=list)

    @property
    def missing(self) -> bool:
        return not self.plans

    @property
    def overdue(self) -> bool:
        return any(p.submission_overdue or p.review_overdue for p in self.plans)


def today_in(timezone: str, now: datetime | None = None) -> date:
    return (now or datetime.now(ZoneInfo("UTC"))).astimezone(ZoneInfo(timezone)).date()


def _waiting_on(authz: Authorizer, plan: Plan, approvals: list[PlanApproval]) -> list[str]:
    if plan.state in {"submitted", "in_review"}:
        return sorted({a.role for a in approvals if a.approved_version != plan.version})
    step = WAITING_FOR.get(plan.state)
    return [] if step is None else sorted(authz.holders(plan_permission(step)))


async def plan_progress(
    actor: Actor, start: date, end: date, now: datetime | None = None
) -> list[DepartmentProgress]:
    view = await PlanView.of(actor)  # first: the plan relations need the org tree
    authz = actor.authz
    authz.scope(PLAN_PROGRESS, required=True)
    company = await Company.get(id=actor.caller.company_id)
    today = today_in(company.timezone, now)
    departments = [
        d
        for d in await Department.filter(company_id=company.id, is_active=True).order_by("name")
        if view.can(PLAN_PROGRESS, {d.id}) and authz.check(DEPARTMENT_READ, d.id)
    ]
    plans = await Plan.filter(
        company_id=company.id, period_start__lte=end, period_end__gte=start
    ).order_by("name")
    covered = await covered_departments([p.id for p in plans])
    approvals: dict[UUID, list[PlanApproval]] = {}
    for approval in await PlanApproval.filter(plan_id__in=[p.id for p in plans]):
        approvals.setdefault(approval.plan_id, []).append(approval)
    rows = {d.id: DepartmentProgress(d) for d in departments}
    for plan in plans:
        if not view.visible(plan, covered.get(plan.id, set())):
            continue
        standing = PlanStanding(
            plan,
            _waiting_on(authz, plan, approvals.get(plan.id, [])),
            submission_overdue=plan.state in {"draft", "returned"} and today > plan.submission_due,
            review_overdue=plan.state in {"submitted", "in_review"} and today > plan.review_due,
        )
        for dept_id in covered.get(plan.id, set()):
            if dept_id in rows:
                rows[dept_id].plans.append(standing)
    return list(rows.values())
