"""What the demo history adds around the scores: the time clock's monthly attendance rates
(connector metric facts planted against the final scores), a few appeals in every state,
and the reminders the engine finds on the last day.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from server.demo.history_model import attendance
from server.demo.history_rows import Month, Roles, at
from server.demo.history_sql import insert
from server.feedback.vocabulary import (
    ADMIN_LEVEL,
    MANAGER_LEVEL,
    SKIP_LEVEL,
    FeedbackCategory,
    FeedbackDecision,
    FeedbackState,
    ImprovementActionStatus,
)
from server.models import (
    ConnectorConfig,
    Feedback,
    ImprovementAction,
    MetricFact,
    Plan,
    Score,
    SyncRun,
)
from server.reminders.engine import run_company
from server.vocabulary import MatchBy, PeriodKind, SyncStatus, SyncTrigger

ATTENDANCE_METRIC = "attendance.rate"
TIMECLOCK = "timeclock_file"


@dataclass(frozen=True)
class Staff:
    id: UUID
    number: str


async def attendance_facts(
    company_id: UUID, months: list[Month], staff: list[Staff], rng: random.Random
) -> int:
    """One attendance rate per person and month from the time-clock connector: for a scored
    person-month planted against his final score (history_model.attendance), else drawn."""
    config = await ConnectorConfig.create(
        company_id=company_id,
        connector=TIMECLOCK,
        name="考勤机导出 Time clock",
        match_by=MatchBy.EMPLOYEE_NUMBER.value,
        schedule_minutes=1440,
        last_run_at=at(months[-1].end + timedelta(days=1), 1),
    )
    runs: dict[date, UUID] = {}
    run_rows = []
    for month in months:
        run_id = uuid.uuid4()
        run: dict[str, Any] = dict(
            id=run_id,
            company_id=company_id,
            config_id=config.id,
            status=SyncStatus.SUCCEEDED.value,
            trigger=SyncTrigger.SCHEDULE.value,
            period_start=month.start,
            period_end=month.end,
            started_at=at(month.end + timedelta(days=1), 1),
            finished_at=at(month.end + timedelta(days=1), 1) + timedelta(seconds=40),
            fetched=len(staff),
            stored=len(staff),
        )
        runs[month.start] = run_id
        run_rows.append(run)
    await insert(SyncRun, run_rows)
    scored = await Score.filter(
        company_id=company_id,
        total__not_isnull=True,
        plan__period_kind=PeriodKind.MONTH.value,
        plan__period_start__gte=months[0].start,
    ).values_list("employee_id", "plan__period_start", "total")
    totals = {(str(e), s): float(t) for e, s, t in scored}
    keys = sorted(totals)
    planted = dict(zip(keys, attendance([totals[k] for k in keys], rng), strict=True))
    facts = []
    for month in months:
        for person in staff:
            rate = planted.get((str(person.id), month.start))
            if rate is None:
                rate = attendance([0.0, 1.0, rng.gauss(0, 1)], rng)[2]
            facts.append(
                dict(
                    company_id=company_id,
                    employee_id=person.id,
                    metric=ATTENDANCE_METRIC,
                    period_start=month.start,
                    period_end=month.end,
                    value=rate,
                    source=str(config.id),
                    source_id=f"timeclock:{person.number}:{month.label}:{ATTENDANCE_METRIC}",
                    run_id=runs[month.start],
                )
            )
    await insert(MetricFact, facts)
    return len(facts)


# (state, level, category, text)
APPEALS = (
    (FeedbackState.OPEN, MANAGER_LEVEL, FeedbackCategory.TARGET_TOO_HIGH,
     "本月线索太少，目标偏高。 Too few leads this month; the target was too high."),
    (FeedbackState.OPEN, MANAGER_LEVEL, FeedbackCategory.DATA_WRONG,
     "系统数据少记了两单。 Two orders are missing from the figures."),
    (FeedbackState.ANSWERED, MANAGER_LEVEL, FeedbackCategory.EVALUATION_UNFAIR,
     "工作质量评分偏低。 The work-quality rating seems low."),
    (FeedbackState.ESCALATED, SKIP_LEVEL, FeedbackCategory.EVALUATION_UNFAIR,
     "对经理答复不认可。 I do not accept my manager's answer."),
    (FeedbackState.ACCEPTED, MANAGER_LEVEL, FeedbackCategory.TARGET_TOO_HIGH,
     "目标高于同组同事。 My target was above my peers'."),
    (FeedbackState.DECIDED, ADMIN_LEVEL, FeedbackCategory.DATA_WRONG,
     "成本数据口径有误。 The cost figures used the wrong basis."),
)  # fmt: skip
ANSWER = "下月分配两个潜在客户，并每周跟进。 Two prospects assigned next month, weekly follow-up."


async def appeals(
    company_id: UUID,
    latest: Month,
    released: datetime,
    supervisors: dict[UUID, UUID],
    roles: Roles,
    now: datetime,
) -> int:
    """A few appeals on the latest released month's lowest scores, one in each state (two
    open: one overdue, one due tomorrow)."""
    plans = await Plan.filter(
        company_id=company_id, period_start=latest.start, period_kind=PeriodKind.MONTH.value
    ).values_list("id", flat=True)
    low = (
        await Score.filter(plan_id__in=list(plans), frozen=True)
        .exclude(total=None)
        .exclude(manager_id=None)
        .order_by("total", "employee_id")
        .limit(len(APPEALS))
    )
    rows, actions = [], []
    for n, (score, (state, level, category, text)) in enumerate(zip(low, APPEALS, strict=False)):
        raised = released + timedelta(days=1, hours=n)
        if n == 1:
            raised = max(raised, now - timedelta(hours=3))
        handler = {
            MANAGER_LEVEL: score.manager_id,
            SKIP_LEVEL: supervisors.get(score.department_id),
        }
        row = Feedback(
            id=uuid.uuid4(),
            company_id=company_id,
            score_id=score.id,
            plan_id=score.plan_id,
            employee_id=score.employee_id,
            department_id=score.department_id,
            manager_id=score.manager_id,
            handler_id=handler.get(level),
            category=category.value,
            text=text,
            state=state.value,
            level=level,
            revision=1 + level + (state is not FeedbackState.OPEN),
            answer_due_at=raised + timedelta(hours=24 * (1 + level)),
            created_at=raised,
        )
        if state is not FeedbackState.OPEN:
            row.answer = ANSWER
            row.answered_by = score.manager_id
            row.answered_at = raised + timedelta(hours=5)
        if state is FeedbackState.ACCEPTED:
            row.accepted_at = raised + timedelta(hours=20)
            actions.append(
                ImprovementAction(
                    company_id=company_id,
                    feedback_id=row.id,
                    position=0,
                    text="每周一对一复盘 Weekly one-to-one review",
                    owner_id=score.manager_id,
                    due_on=(raised + timedelta(days=30)).date(),
                    status=ImprovementActionStatus.IN_PROGRESS.value,
                )
            )
        if level >= SKIP_LEVEL:
            row.escalation_reason = "答复未解决问题 The answer did not settle it"
            row.escalated_at = raised + timedelta(hours=8)
        if state is FeedbackState.DECIDED:
            row.decision = FeedbackDecision.UPHOLD.value
            row.decision_reason = "核实后结果维持 Checked: the result stands"
            row.decided_by = roles.perf
            row.decided_at = raised + timedelta(hours=30)
        rows.append(row)
    await Feedback.bulk_create(rows)
    await ImprovementAction.bulk_create(actions)
    return len(rows)


async def reminders(company_id: UUID, now: datetime | None = None) -> int:
    """The reminder engine run once, as the server's scheduler would on its first tick."""
    return await run_company(company_id, now or datetime.now(UTC)) or 0
