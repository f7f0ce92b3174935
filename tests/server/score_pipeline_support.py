"""Set-up for score pipeline tests: the article's sales plan, people assigned with the ORM.

``Scene`` holds an ACTIVE plan over the sandbox's sales department (tests/schema/results/
support.py): revenue 60 % target 10 (a connector's metric), new customers 40 % target 4.
Assignments, actuals and evaluations are created directly as rows, as their services will.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from schema.context import authorizer_for
from schema.ids import decode, encode
from server.audit import Actor
from server.indicators import IndicatorSpec, ScoringRule
from server.models import Actual, Assignment, Employee, Evaluation, Plan, Score
from server.scoring import snapshot
from server.scoring.vocabulary import ActualSource
from server.vocabulary import ScoringKind
from tests.schema.plans.planning import step
from tests.schema.results.support import active_plan


@dataclass
class Scene:
    api: Any
    sandbox: Any
    plan_id: UUID
    company_id: UUID
    people: dict[str, Employee]
    revenue: str  # the indicators' keys
    customers: str

    def spec(self, key: str, weight: str, target: str | None, **rule: Any) -> dict[str, Any]:
        qualitative = rule.get("kind") is ScoringKind.RATING
        spec = IndicatorSpec(
            name=key,
            weight=Decimal(weight),
            target=None if target is None else Decimal(target),
            key=key,
            scoring=ScoringRule(**rule),
            qualitative=qualitative,
        )
        return spec.to_json() | {"key": key, "personal": False}

    def article(self, revenue_weight: str = "60", revenue_target: str = "10") -> list[dict]:
        return [
            self.spec(self.revenue, revenue_weight, revenue_target),
            self.spec(self.customers, str(100 - int(revenue_weight)), "4"),
        ]

    async def assign(self, person: str, indicators: list[dict] | None = None) -> Assignment:
        employee = self.people[person]
        return await Assignment.create(
            company_id=self.company_id,
            plan_id=self.plan_id,
            employee_id=employee.id,
            department_id=employee.department_id,
            manager_id=employee.manager_id,
            indicators=indicators if indicators is not None else self.article(),
        )

    async def actual(
        self,
        person: str,
        key: str,
        value: str | None,
        source: ActualSource = ActualSource.MANUAL,
        **more: Any,
    ) -> Actual:
        """Set (or change) the current actual, as the actuals service does: a new revision."""
        employee = self.people[person]
        assignment = await Assignment.get(plan_id=self.plan_id, employee_id=employee.id)
        found = await Actual.get_or_none(assignment_id=assignment.id, indicator_key=key)
        number = None if value is None else Decimal(value)
        if found is not None:
            found.value, found.source, found.revision = number, source, found.revision + 1
            found.set_at = datetime.now(UTC)
            for name, given in more.items():
                setattr(found, name, given)
            await found.save()
            return found
        return await Actual.create(
            company_id=self.company_id,
            assignment_id=assignment.id,
            plan_id=self.plan_id,
            employee_id=employee.id,
            department_id=employee.department_id,
            manager_id=employee.manager_id,
            indicator_key=key,
            value=number,
            source=source,
            set_at=datetime.now(UTC),
            **more,
        )

    async def rate(self, person: str, ratings: dict[str, int], overall: int | None) -> Evaluation:
        employee = self.people[person]
        assignment = await Assignment.get(plan_id=self.plan_id, employee_id=employee.id)
        return await Evaluation.create(
            company_id=self.company_id,
            assignment_id=assignment.id,
            plan_id=self.plan_id,
            employee_id=employee.id,
            department_id=employee.department_id,
            manager_id=employee.manager_id,
            kind="manager",
            state="submitted",
            items={k: {"rating": r, "comment": ""} for k, r in ratings.items()},
            overall_rating=overall,
            author_id=employee.manager_id,
            submitted_at=datetime.now(UTC),
        )

    async def score(self, person: str) -> Score:
        """The person's score as readers see it (a live one with its snapshot attached)."""
        row = await Score.get(plan_id=self.plan_id, employee_id=self.people[person].id)
        await snapshot.attach([row])
        return row

    async def actor(self, person: str) -> Actor:
        runtime = self.api.runtime
        token = await self.api.token(self.sandbox.user(person))
        caller = await runtime.auth.caller_from_token(token)
        return Actor(await authorizer_for(runtime, caller), runtime.metrics)

    async def step(self, action: str, person: str = "perf") -> dict:
        return await step(self.api, encode("Plan", self.plan_id), action, self.sandbox.user(person))


async def make_scene(api: Any, make_company: Any) -> Scene:
    sandbox = await make_company()
    plan = await active_plan(api, sandbox)
    plan_id = decode(plan["id"], "Plan")
    keys = [i["key"] for i in plan["indicators"]]
    row = await Plan.get(id=plan_id)
    people = {e.username.split("@")[0]: e for e in await Employee.filter(company_id=row.company_id)}
    return Scene(api, sandbox, row.id, row.company_id, people, keys[0], keys[1])
