"""The rules: each reads what is due for one tenant (one statement) and answers notices.

A notice's key is (rule, subject, period, stage, recipient): ``notify`` stores each once,
so a rule answers everything that holds now and never needs to remember what it sent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from uuid import UUID

from server.models import Plan, SyncRun
from server.notifications.store import Notice
from server.notifications.vocabulary import NotificationKind
from server.reminders import queries
from server.reminders.kinds import ReminderRule, ReminderStage
from server.reminders.recipients import Recipients
from server.reminders.settings import Thresholds
from server.scoring.vocabulary import EvaluationKind
from server.vocabulary import PlanState, Role, SyncStatus

# A failed sync older than this is history, not news (the first run after an upgrade
# would otherwise alert about every failure ever).
SYNC_LOOKBACK = timedelta(days=7)
UNSUBMITTED = (PlanState.DRAFT.value, PlanState.RETURNED.value)


@dataclass(frozen=True)
class Scene:
    """What every rule of one run reads: the tenant, its thresholds and role holders, the
    moment of the run and the day it is where the company is."""

    company_id: UUID
    thresholds: Thresholds
    recipients: Recipients
    now: datetime
    today: date
    # What several rules read, read once per run (the completion counts).
    memo: dict[str, object] = field(default_factory=dict)


Rule = Callable[[Scene], Awaitable[list[Notice]]]


def percent(part: int, whole: int) -> str:
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_DOWN)
    return f"{value.normalize():f}"


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"


async def _completion(scene: Scene) -> queries.Completion:
    """Both completion rules' rows, from one statement per run."""
    found = scene.memo.get("completion")
    if not isinstance(found, queries.Completion):
        found = await queries.completion_below(
            scene.company_id,
            scene.today,
            scene.thresholds.employee_completion_min,
            scene.thresholds.department_completion_min,
        )
        scene.memo["completion"] = found
    return found


async def department_completion(scene: Scene) -> list[Notice]:
    minimum = scene.thresholds.department_completion_min
    found = (await _completion(scene)).departments
    return [
        Notice(
            recipient_id=vp,
            rule=ReminderRule.DEPARTMENT_COMPLETION,
            subject=str(row.department_id),
            period=str(row.plan_id),
            stage=ReminderStage.BELOW,
            message_key="reminder_department_completion",
            params={
                "department": scene.recipients.department_name(row.department_id),
                "plan": row.plan_name,
                "completion": percent(row.complete, row.people),
                "complete": str(row.complete),
                "people": str(row.people),
                "threshold": _plain(minimum),
            },
            kind=NotificationKind.ALERT,
        )
        for row in found
        for vp in scene.recipients.vps_of(row.department_id)
    ]


async def employee_completion(scene: Scene) -> list[Notice]:
    minimum = scene.thresholds.employee_completion_min
    found = (await _completion(scene)).employees
    return [
        Notice(
            recipient_id=row.manager_id,
            rule=ReminderRule.EMPLOYEE_COMPLETION,
            subject=str(row.employee_id),
            period=str(row.plan_id),
            stage=ReminderStage.BELOW,
            message_key="reminder_employee_completion",
            params={
                "employee": row.employee_name,
                "plan": row.plan_name,
                "completion": percent(row.done, row.due),
                "threshold": _plain(minimum),
            },
            kind=NotificationKind.ALERT,
        )
        for row in found
    ]


async def plan_submission(scene: Scene) -> list[Notice]:
    late = await Plan.filter(
        company_id=scene.company_id, state__in=UNSUBMITTED, submission_due__lt=scene.today
    ).values_list("id", "name", "submission_due")
    return [
        Notice(
            recipient_id=hr_vp,
            rule=ReminderRule.PLAN_SUBMISSION,
            subject=str(plan_id),
            period=str(plan_id),
            stage=ReminderStage.OVERDUE,
            message_key="reminder_plan_submission",
            params={"plan": name, "due": due.isoformat()},
        )
        for plan_id, name, due in late
        for hr_vp in scene.recipients.company(Role.HR_VP)
    ]


def evaluation_stage(due: date, today: date) -> ReminderStage:
    if due > today:
        return ReminderStage.DUE_SOON
    return ReminderStage.DUE_TODAY if due == today else ReminderStage.OVERDUE


def _evaluation_notice(
    rule: ReminderRule, row: queries.PendingEvaluation, today: date
) -> Callable[[UUID, ReminderStage], Notice]:
    params = {
        "employee": row.employee_name,
        "plan": row.plan_name,
        "due": row.due.isoformat(),
        "days": str(abs((row.due - today).days)),
    }

    def notice(recipient: UUID, stage: ReminderStage) -> Notice:
        return Notice(
            recipient_id=recipient,
            rule=rule,
            subject=str(row.assignment_id),
            # the deadline: a reopened evaluation's new one is reminded afresh
            period=row.due.isoformat(),
            stage=stage,
            message_key=f"reminder_{rule.value}_{stage.value}",
            params=params,
        )

    return notice


async def _evaluations(scene: Scene, kind: EvaluationKind) -> list[Notice]:
    rule = (
        ReminderRule.SELF_EVALUATION
        if kind is EvaluationKind.SELF
        else ReminderRule.MANAGER_EVALUATION
    )
    horizon = scene.today + timedelta(days=scene.thresholds.evaluation_notice_days)
    escalate_from = timedelta(days=scene.thresholds.escalation_days)
    notices: list[Notice] = []
    for row in await queries.pending_evaluations(scene.company_id, kind, horizon):
        notice = _evaluation_notice(rule, row, scene.today)
        # The person who owes it: the employee, or (a manager evaluation) his manager.
        owner = row.employee_id if kind is EvaluationKind.SELF else row.manager_id
        if owner is not None:
            notices.append(notice(owner, evaluation_stage(row.due, scene.today)))
        # Escalation: the evaluated employee's skip-level, i.e. for a manager evaluation
        # the late manager's own manager.
        if row.skip_level_id is not None and scene.today - row.due >= escalate_from:
            notices.append(notice(row.skip_level_id, ReminderStage.ESCALATED))
    return notices


async def self_evaluation(scene: Scene) -> list[Notice]:
    return await _evaluations(scene, EvaluationKind.SELF)


async def manager_evaluation(scene: Scene) -> list[Notice]:
    return await _evaluations(scene, EvaluationKind.MANAGER)


async def sync_failed(scene: Scene) -> list[Notice]:
    failed = await SyncRun.filter(
        company_id=scene.company_id,
        status=SyncStatus.FAILED.value,
        started_at__gte=scene.now - SYNC_LOOKBACK,
    ).values_list("id", "config_id", "config__name", "error")
    return [
        Notice(
            recipient_id=admin,
            rule=ReminderRule.SYNC_FAILED,
            subject=str(run_id),
            period=str(config_id),
            stage=ReminderStage.FAILED,
            message_key="reminder_sync_failed",
            params={"connector": name, "error": (error or "")[:300]},
            kind=NotificationKind.ALERT,
        )
        for run_id, config_id, name, error in failed
        for admin in scene.recipients.company(Role.ADMIN)
    ]
