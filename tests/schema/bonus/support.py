"""A plan with frozen grades, for the bonus tests: scores written as freezing leaves them
(the freezing itself is tested with the scores; here only the grades matter)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from schema.ids import decode
from server.db import using
from server.models import Assignment, Score
from tests.schema.results.test_evaluations_support import assign, evaluating_plan

ALLOCATION = """query($p: ID!, $d: ID) { bonusAllocation(planId: $p, departmentId: $d) {
  total pools { pool allocated department { name } }
  rows { employeeNumber name grade gradeName base coefficient amount
    employee { username } poolDepartment { name } } } }"""
BASES = """mutation($p: ID!, $r: [BonusBaseInput!]!) { setBonusBases(planId: $p, rows: $r) {
  saved rejected { index code reason field message } } }"""
POOL = """mutation($p: ID!, $d: ID!, $a: Decimal) {
  setBonusPool(planId: $p, departmentId: $d, amount: $a) }"""
SETTINGS = """mutation($c: [BonusCoefficientInput!], $b: Decimal) {
  setBonusSettings(coefficients: $c, defaultBase: $b) {
    coefficients { grade coefficient } defaultBase } }"""
LINK = """query($p: ID!, $d: ID) { bonusAllocationLink(planId: $p, departmentId: $d) { url } }"""


async def graded_plan(api: Any, s: Any, grades: dict[str, str | None]) -> str:
    """An evaluating plan with each of ``grades``' people assigned; a grade freezes the
    person's score with it, None leaves it live. Returns the plan's ID."""
    plan, _ = await evaluating_plan(api, s)
    for who in grades:
        if who != "staff":
            await assign(api, s, plan, who)
    with using(api.runtime.db):
        plan_id = decode(plan["id"], "Plan")
        for who, grade in grades.items():
            employee = decode(s.ids[who], "Employee")
            assignment = await Assignment.get(plan_id=plan_id, employee_id=employee)
            values = {
                "status": "ok",
                "grade": grade,
                "frozen": grade is not None,
                "version": 1 if grade else 0,
                "computed_at": datetime.now(UTC),
            }
            if not await Score.filter(plan_id=plan_id, employee_id=employee).update(**values):
                await Score.create(
                    company_id=assignment.company_id,
                    plan_id=plan_id,
                    assignment_id=assignment.id,
                    employee_id=employee,
                    department_id=assignment.department_id,
                    manager_id=assignment.manager_id,
                    **values,
                )
    return str(plan["id"])
