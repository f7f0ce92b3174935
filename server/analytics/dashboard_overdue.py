"""The dashboard's process figures: overdue steps and open appeals of a period's plans.

Late evaluations follow the reminders' rule (server/reminders/queries.pending_evaluations:
unsubmitted evaluations of EVALUATING plans of active people, due at the plan's deadline or
a reopened evaluation's later one), counted over the period's assignments in reach only;
the reminders' own query reads every assignment of the tenant, of every period. Late plans,
late evaluations and late or open feedback are one grouped statement each. Everything is
counted per step, never per department: the statements do not grow with the org chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID

from server.analytics.periods import Period
from server.analytics.raters_sql import reach_filter
from server.analytics.scope import Reach
from server.feedback.vocabulary import FeedbackState
from server.reminders.feedback_rule import AWAITING
from server.reminders.queries import EVALUATING
from server.reminders.rules import UNSUBMITTED
from server.scoring import sql
from server.scoring.vocabulary import EvaluationKind
from server.vocabulary import PlanState


class ProcessStep(StrEnum):
    PLAN_SUBMISSION = "plan_submission"
    PLAN_REVIEW = "plan_review"
    SELF_EVALUATION = "self_evaluation"
    MANAGER_EVALUATION = "manager_evaluation"
    FEEDBACK_ANSWER = "feedback_answer"


IN_REVIEW = (PlanState.SUBMITTED.value, PlanState.IN_REVIEW.value)
# An appeal is open until the employee accepts the answer or the admins decide.
OPEN_APPEALS = (
    FeedbackState.OPEN.value,
    FeedbackState.ANSWERED.value,
    FeedbackState.ESCALATED.value,
)


@dataclass(frozen=True)
class OverdueStep:
    step: ProcessStep
    count: int
    due: date | None  # the earliest deadline missed


def _day(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _period_params(period: Period, company_id: UUID, dialect: str) -> list[Any]:
    start = period.start if dialect == "postgres" else period.start.isoformat()
    return [sql.uuid_param(company_id, dialect), str(period.kind), start]


def _reached(reach: Reach) -> frozenset[UUID] | None:
    """The departments a plan must cover to count (None: every plan of the company)."""
    if reach.departments is None:
        return reach.within
    if reach.within is None:
        return reach.departments
    return reach.departments & reach.within


def _plans_sql(period: Period, reach: Reach, dialect: str, today: date, params: list[Any]) -> str:
    """Late plans of the period per step: unsubmitted past ``submission_due``, awaiting
    review past ``review_due``. Outside the whole company, the plans covering a reached
    department."""
    day = today if dialect == "postgres" else today.isoformat()
    reached = _reached(reach)
    covered = ""
    if reached is not None:
        covered = (
            " AND EXISTS (SELECT 1 FROM plan_department pd WHERE pd.plan_id = p.id AND "
            + sql.ids_in("department_id", dialect, "pd")
            + ")"
        )
    parts = []
    for step, states, column in (
        (ProcessStep.PLAN_SUBMISSION, UNSUBMITTED, "submission_due"),
        (ProcessStep.PLAN_REVIEW, IN_REVIEW, "review_due"),
    ):
        params += [step.value, *_period_params(period, reach.company_id, dialect)]
        if reached is not None:
            params.append(sql.ids_param(reached, dialect))
        params += [*states, day]
        marks = ", ".join("?" for _ in states)
        parts.append(
            f"SELECT ?, count(*), min(p.{column}) FROM plan p "
            "WHERE p.company_id = ? AND p.period_kind = ? AND p.period_start = ?"
            f"{covered} AND p.state IN ({marks}) AND p.{column} < ?"
        )
    return " UNION ALL ".join(parts)


def _feedback_sql(
    period: Period, reach: Reach, dialect: str, now: datetime, params: list[Any]
) -> str:
    """Feedback of the period's plans in reach: unanswered past its deadline (per the
    reminders' rule), and every open appeal."""
    moment = sql.time_param(now, dialect)
    params += [*AWAITING, moment, *AWAITING, moment, *OPEN_APPEALS]
    params += _period_params(period, reach.company_id, dialect)
    where = reach_filter(reach, "f", params)
    awaiting = ", ".join("?" for _ in AWAITING)
    open_marks = ", ".join("?" for _ in OPEN_APPEALS)
    return f"""
SELECT sum(CASE WHEN f.state IN ({awaiting}) AND f.answer_due_at < ? THEN 1 ELSE 0 END),
       min(CASE WHEN f.state IN ({awaiting}) AND f.answer_due_at < ? THEN f.answer_due_at END),
       sum(CASE WHEN f.state IN ({open_marks}) THEN 1 ELSE 0 END)
FROM feedback f JOIN plan p ON p.id = f.plan_id
WHERE p.company_id = ? AND p.period_kind = ? AND p.period_start = ? AND {where}
"""


def _evaluations_sql(
    period: Period, reach: Reach, dialect: str, horizon: date, params: list[Any]
) -> str:
    """Per kind, the count and earliest deadline of the evaluations due by ``horizon`` and
    not submitted, of the period's assignments in reach (the reminders' rule, above). The
    plans come first, then their assignments by plan id (``analytics.sql.PLAN_SCORES``)."""
    day = horizon if dialect == "postgres" else horizon.isoformat()
    parts = []
    for step, kind, column in (
        (ProcessStep.SELF_EVALUATION, EvaluationKind.SELF, "self_evaluation_due"),
        (ProcessStep.MANAGER_EVALUATION, EvaluationKind.MANAGER, "manager_evaluation_due"),
    ):
        params += [step.value, kind.value, *_period_params(period, reach.company_id, dialect)]
        params.append(EVALUATING)
        where = reach_filter(reach, "a", params, plan="p")
        params.append(day)
        parts.append(f"""
SELECT ?, count(*), min(d.due) FROM (
  SELECT CASE WHEN v.reopened_until IS NOT NULL AND v.reopened_until > p.{column}
              THEN v.reopened_until ELSE p.{column} END AS due
  FROM plan p CROSS JOIN assignment a
  JOIN employee e ON e.id = a.employee_id
  LEFT JOIN evaluation v ON v.assignment_id = a.id AND v.kind = ?
  WHERE a.plan_id = p.id AND p.company_id = ? AND p.period_kind = ? AND p.period_start = ?
    AND p.state = ? AND (v.id IS NULL OR v.state <> 'submitted') AND e.is_active AND {where}
) d WHERE d.due <= ?""")
    return " UNION ALL ".join(parts)


@dataclass(frozen=True)
class Process:
    overdue: list[OverdueStep]
    open_appeals: int


async def process(period: Period, reach: Reach, now: datetime, today: date) -> Process:
    """Overdue steps (in ``ProcessStep`` order, the empty ones left out) and open appeals.

    ``today`` is the company's day: a deadline is missed the day after it."""
    dialect = sql.dialect(sql.client())
    found: dict[ProcessStep, OverdueStep] = {}
    params: list[Any] = []
    for r in await sql.fetch(_plans_sql(period, reach, dialect, today, params), params):
        found[ProcessStep(str(r[0]))] = OverdueStep(ProcessStep(str(r[0])), int(r[1]), _day(r[2]))
    params = []
    text = _evaluations_sql(period, reach, dialect, today - timedelta(days=1), params)
    for r in await sql.fetch(text, params):
        found[ProcessStep(str(r[0]))] = OverdueStep(ProcessStep(str(r[0])), int(r[1]), _day(r[2]))
    params = []
    awaiting, earliest, appeals = (
        await sql.fetch(_feedback_sql(period, reach, dialect, now, params), params)
    )[0]
    found[ProcessStep.FEEDBACK_ANSWER] = OverdueStep(
        ProcessStep.FEEDBACK_ANSWER, int(awaiting or 0), _day(earliest)
    )
    steps = [found[s] for s in ProcessStep if s in found and found[s].count]
    return Process(steps, int(appeals or 0))
