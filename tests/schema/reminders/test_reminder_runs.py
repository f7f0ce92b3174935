"""Runs that overlap add no duplicate: two runs at once, two server processes ticking at
once; the scheduler's tick runs each tenant once; outbox events run the rules too; feedback
left unanswered alerts the performance admin."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from schema.ids import decode
from server.db import using
from server.models import Assignment, ReminderLease, Score
from server.models.feedback import Feedback
from server.models.notifications import Notification
from server.reminders.engine import run_company, run_due
from server.runtime import start_runtime
from server.settings import Settings
from tests.schema.plans.planning import step
from tests.schema.reminders.support import noon, sent
from tests.schema.results.support import active_plan
from tests.schema.results.test_evaluations_support import (
    RATED_INDICATORS,
    assign,
    evaluating_plan,
    past_dates,
)

EXPECTED = 6  # a late period in the sandbox: see test_reminder_rules.py


async def test_two_runs_at_once_store_each_notification_once(api, make_company) -> None:
    s = await make_company()
    await evaluating_plan(api, s, past_dates())
    with using(api.runtime.db):
        results = await asyncio.gather(*(run_company(s.company_id, noon()) for _ in range(4)))
        count = await Notification.filter(company_id=s.company_id).count()
    assert count == EXPECTED
    # a run that found the lease held answers None; together they wrote each once
    assert sum(r or 0 for r in results) == EXPECTED


async def test_two_processes_ticking_at_once_run_each_tenant_once(api, make_company) -> None:
    s = await make_company()
    await evaluating_plan(api, s, past_dates())
    settings = Settings(
        database_url=api.runtime.settings.database_url,
        policy_dir=api.runtime.settings.policy_dir,
        policy_watch_seconds=0,
    )
    other = await start_runtime(settings, watch_policies=False, connection_name=api.backend)
    try:

        async def tick(runtime) -> int:
            with using(runtime.db):
                return await run_due(noon(), timedelta(seconds=27))

        written = await asyncio.gather(tick(api.runtime), tick(other), tick(other))
    finally:
        await other.close()
    with using(api.runtime.db):
        assert await Notification.filter(company_id=s.company_id).count() == EXPECTED
        lease = await ReminderLease.get(company_id=s.company_id)
        # within the tick's spacing, the tenant is not run again
        assert await run_due(noon() + timedelta(seconds=10), timedelta(seconds=27)) == 0
        assert (await ReminderLease.get(company_id=s.company_id)).last_run_at == lease.last_run_at
    assert sum(written) >= EXPECTED
    assert lease.lease_until is None and lease.last_written in (0, EXPECTED)


async def test_a_plan_event_runs_the_rules(api, make_company) -> None:
    s = await make_company()
    plan = await active_plan(api, s, indicators=RATED_INDICATORS, **past_dates())
    await assign(api, s, plan)
    with using(api.runtime.db):  # what the outbox held so far is handled
        while await api.runtime.dispatcher.run_once():
            pass
    before = await sent(api, s)
    started = await step(api, plan["id"], "START_EVALUATION", s.user("perf"))
    assert "errors" not in started, started
    with using(api.runtime.db):
        while await api.runtime.dispatcher.run_once():
            pass
    after = await sent(api, s)
    assert ("staff", "self_evaluation", "overdue") in after
    assert ("staff", "self_evaluation", "overdue") not in before


async def test_feedback_unanswered_past_its_deadline_alerts_the_performance_admin(
    api, make_company
) -> None:
    s = await make_company()
    _, assignment_id = await evaluating_plan(api, s)
    with using(api.runtime.db):
        assignment = await Assignment.get(id=decode(assignment_id, "Assignment"))
        score = await Score.create(
            company_id=s.company_id,
            plan_id=assignment.plan_id,
            assignment=assignment,
            employee_id=assignment.employee_id,
            department_id=assignment.department_id,
            manager_id=assignment.manager_id,
            status="ok",
            computed_at=noon(-2),
        )
        for state, due in (("open", noon(-1)), ("answered", noon(-1)), ("open", noon(1))):
            await Feedback.create(
                company_id=s.company_id,
                score=score,
                plan_id=assignment.plan_id,
                employee_id=assignment.employee_id,
                department_id=assignment.department_id,
                manager_id=assignment.manager_id,
                handler_id=assignment.manager_id,
                category="target_too_high",
                text="新客户目标太高：本月线索少",
                state=state,
                answer_due_at=due,
            )
        await run_company(s.company_id, noon())
        assert await run_company(s.company_id, noon()) == 0
        row = await Notification.get(company_id=s.company_id, rule="feedback_unanswered")
    assert [n for n in await sent(api, s) if n[1] == "feedback_unanswered"] == [
        ("perf", "feedback_unanswered", "overdue")
    ]
    assert row.params["employee"] == "STAFF 测试"
