"""The rules' SQL: one statement per rule per tenant, whatever the headcount.

Completion (docs/reminders.md) is counted in SQL for every assignment of the tenant's live
plans (ACTIVE or EVALUATING) whose period has ended, when actuals and evaluations are due:

- a person's items due: his measurable (not qualitative) indicators, plus his self- and
  manager evaluation once the plan is EVALUATING;
- items done: the measurable indicators with a recorded actual (a value), plus the
  submitted evaluations once the plan is EVALUATING;
- an employee's completion is done / due; he is complete at 100 %;
- a department's completion is the share of its assigned people (the assignment's
  department) who are complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from server.scoring import sql
from server.scoring.vocabulary import EvaluationKind
from server.vocabulary import PlanState

LIVE = (PlanState.ACTIVE.value, PlanState.EVALUATING.value)
EVALUATING = PlanState.EVALUATING.value

_MEASURABLE = {
    "sqlite": "(SELECT count(*) FROM json_each(a.indicators) j "
    "WHERE coalesce(json_extract(j.value, '$.qualitative'), 0) = 0)",
    "postgres": "(SELECT count(*) FROM jsonb_array_elements(a.indicators::jsonb) j "
    "WHERE coalesce((j.value->>'qualitative')::boolean, false) = false)",
}
_LEAST = {"sqlite": "min", "postgres": "least"}

# MATERIALIZED: the per-person counts (a JSON walk per assignment) are computed once, not
# once per use below.
_PERSON = """
WITH counted AS MATERIALIZED (
  SELECT a.plan_id, a.employee_id, a.department_id, e.manager_id, e.name AS employee_name,
         p.name AS plan_name, p.state,
         {measurable} AS measurable,
         (SELECT count(*) FROM actual x
           WHERE x.assignment_id = a.id AND x.value IS NOT NULL) AS recorded,
         (SELECT count(*) FROM evaluation v
           WHERE v.assignment_id = a.id AND v.state = 'submitted') AS submitted
  FROM assignment a
  JOIN plan p ON p.id = a.plan_id
  JOIN employee e ON e.id = a.employee_id
  WHERE a.company_id = ? AND p.state IN (?, ?) AND p.period_end < ? AND e.is_active
), person AS MATERIALIZED (
  SELECT plan_id, employee_id, department_id, manager_id, employee_name, plan_name,
         measurable + CASE WHEN state = 'evaluating' THEN 2 ELSE 0 END AS due,
         {least}(recorded, measurable)
           + CASE WHEN state = 'evaluating' THEN {least}(submitted, 2) ELSE 0 END AS done
  FROM counted
)
"""

# Both completion rules in one statement: 'e' rows are employees below their threshold,
# 'd' rows departments below theirs (complete people, assigned people).
_BELOW = """
SELECT 'e' AS row_kind, plan_id, plan_name, employee_id, employee_name, manager_id, done, due
FROM person
WHERE due > 0 AND manager_id IS NOT NULL AND done * 10000 < ? * due
UNION ALL
SELECT 'd', plan_id, min(plan_name), department_id, NULL, NULL,
       sum(CASE WHEN done >= due THEN 1 ELSE 0 END), count(*)
FROM person WHERE due > 0
GROUP BY plan_id, department_id
HAVING sum(CASE WHEN done >= due THEN 1 ELSE 0 END) * 10000 < ? * count(*)
"""

_EVALUATIONS = """
SELECT a.id, a.plan_id, p.name, a.employee_id, e.name, e.manager_id, m.manager_id, due FROM (
  SELECT a.id AS aid,
         CASE WHEN v.reopened_until IS NOT NULL AND v.reopened_until > p.{column}
              THEN v.reopened_until ELSE p.{column} END AS due
  FROM assignment a
  JOIN plan p ON p.id = a.plan_id
  LEFT JOIN evaluation v ON v.assignment_id = a.id AND v.kind = ?
  WHERE a.company_id = ? AND p.state = ?
    AND (v.id IS NULL OR v.state <> 'submitted')
) d
JOIN assignment a ON a.id = d.aid
JOIN plan p ON p.id = a.plan_id
JOIN employee e ON e.id = a.employee_id
LEFT JOIN employee m ON m.id = e.manager_id
WHERE e.is_active AND d.due <= ?
"""


def _units(percent: Decimal) -> int:
    """A threshold in hundredths of a percent: ``done * 10000 < units * due`` is exact."""
    return int(percent * 100)


def _date(value: date, dialect: str) -> Any:
    return value if dialect == "postgres" else value.isoformat()


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class EmployeeCompletion:
    plan_id: UUID
    plan_name: str
    employee_id: UUID
    employee_name: str
    manager_id: UUID
    done: int
    due: int


@dataclass(frozen=True)
class DepartmentCompletion:
    plan_id: UUID
    plan_name: str
    department_id: UUID
    people: int
    complete: int


@dataclass(frozen=True)
class PendingEvaluation:
    assignment_id: UUID
    plan_id: UUID
    plan_name: str
    employee_id: UUID
    employee_name: str
    manager_id: UUID | None
    skip_level_id: UUID | None
    due: date


def _dialect() -> str:
    return sql.dialect(sql.client())


def _person(dialect: str) -> str:
    return _PERSON.format(measurable=_MEASURABLE[dialect], least=_LEAST[dialect])


def _person_params(company_id: UUID, today: date, dialect: str) -> list[Any]:
    return [sql.uuid_param(company_id, dialect), *LIVE, _date(today, dialect)]


@dataclass(frozen=True)
class Completion:
    employees: list[EmployeeCompletion]
    departments: list[DepartmentCompletion]


async def completion_below(
    company_id: UUID, today: date, employee_min: Decimal, department_min: Decimal
) -> Completion:
    """The employees and the departments below their thresholds, in one statement."""
    dialect = _dialect()
    rows = await sql.fetch(
        _person(dialect) + _BELOW,
        [
            *_person_params(company_id, today, dialect),
            _units(employee_min),
            _units(department_min),
        ],
    )
    found = Completion([], [])
    for r in rows:
        if r[0] == "e":
            found.employees.append(
                EmployeeCompletion(
                    sql.as_uuid(r[1]),
                    str(r[2]),
                    sql.as_uuid(r[3]),
                    str(r[4]),
                    sql.as_uuid(r[5]),
                    int(r[6]),
                    int(r[7]),
                )
            )
        else:
            found.departments.append(
                DepartmentCompletion(
                    sql.as_uuid(r[1]), str(r[2]), sql.as_uuid(r[3]), int(r[7]), int(r[6] or 0)
                )
            )
    return found


async def pending_evaluations(
    company_id: UUID, kind: EvaluationKind, horizon: date
) -> list[PendingEvaluation]:
    """Unsubmitted evaluations of ``kind`` due by ``horizon`` (a reopened one's own later
    deadline counts) in EVALUATING plans: only they take submissions."""
    dialect = _dialect()
    column = "self_evaluation_due" if kind is EvaluationKind.SELF else "manager_evaluation_due"
    rows = await sql.fetch(
        _EVALUATIONS.format(column=column),
        [kind.value, sql.uuid_param(company_id, dialect), EVALUATING, _date(horizon, dialect)],
    )
    return [
        PendingEvaluation(
            sql.as_uuid(r[0]),
            sql.as_uuid(r[1]),
            str(r[2]),
            sql.as_uuid(r[3]),
            str(r[4]),
            sql.as_optional_uuid(r[5]),
            sql.as_optional_uuid(r[6]),
            _day(r[7]),
        )
        for r in rows
    ]
