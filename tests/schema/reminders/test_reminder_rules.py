"""Every reminder rule fires once, for the right person, in the right tenant; a re-run adds
nothing. Rules run as the scheduler runs them (``run_company``) over rows the real app wrote."""

from __future__ import annotations

from datetime import timedelta

from schema.ids import decode
from server.db import using
from server.i18n import MESSAGES
from server.models import ConnectorConfig, Plan, SyncRun
from server.models.notifications import Notification
from server.reminders.engine import run_company
from tests.schema.plans.planning import create
from tests.schema.reminders.support import noon, sent
from tests.schema.results.test_evaluations_deadlines import REOPEN_NEW as REOPEN_BY_ASSIGNMENT
from tests.schema.results.test_evaluations_support import (
    SAVE_SELF,
    evaluating_plan,
    open_dates,
    past_dates,
    today,
)


async def test_a_late_period_alerts_each_person_once(api, make_company) -> None:
    s = await make_company()
    other = await make_company()  # a tenant with nothing due
    await evaluating_plan(api, s, past_dates())  # both evaluations long overdue, nothing done
    with using(api.runtime.db):
        first = await run_company(s.company_id, noon())
        assert await run_company(other.company_id, noon()) == 0
    assert await sent(api, s) == [
        ("mgr", "employee_completion", "below"),  # staff: 0 of 4 items
        ("mgr", "manager_evaluation", "overdue"),
        ("staff", "self_evaluation", "overdue"),
        ("vpa", "department_completion", "below"),  # 销售一部: 0 of 1 people complete
        ("vpa", "manager_evaluation", "escalated"),  # staff's skip-level: mgr's manager
        ("vpa", "self_evaluation", "escalated"),
    ]
    assert first == 6
    assert await sent(api, other) == []
    with using(api.runtime.db):  # a re-run, and a run of the next day, add nothing
        assert await run_company(s.company_id, noon()) == 0
        assert await run_company(s.company_id, noon(1)) == 0
        row = await Notification.get(company_id=s.company_id, rule="department_completion")
        stored = await Notification.filter(company_id=s.company_id)
    for n in stored:  # every text renders in both languages from the params given
        assert all(text.format(**n.params) for text in MESSAGES[n.message_key]), n.message_key
    assert row.message_key == "reminder_department_completion"
    assert row.params["department"] == "销售一部" and row.params["completion"] == "0"
    assert row.params["threshold"] == "80"


async def test_an_evaluation_is_reminded_ahead_on_the_day_then_late_then_escalated(
    api, make_company
) -> None:
    s = await make_company()
    due = today() + timedelta(days=2)
    await evaluating_plan(api, s, open_dates(self_due=due, manager_due=due + timedelta(days=30)))

    async def stages(day: int) -> list[tuple[str, str, str]]:
        with using(api.runtime.db):
            await run_company(s.company_id, noon(day))
        return [n for n in await sent(api, s) if n[1] == "self_evaluation"]

    assert await stages(0) == [("staff", "self_evaluation", "due_soon")]
    assert await stages(1) == [("staff", "self_evaluation", "due_soon")]  # once per stage
    assert [n[2] for n in await stages(2)] == ["due_soon", "due_today"]
    assert [n[2] for n in await stages(3)] == ["due_soon", "due_today", "overdue"]
    assert await stages(4) == await stages(3)
    assert await stages(5) == [  # 3 days late: staff's skip-level (vpa) hears of it
        ("staff", "self_evaluation", "due_soon"),
        ("staff", "self_evaluation", "due_today"),
        ("staff", "self_evaluation", "overdue"),
        ("vpa", "self_evaluation", "escalated"),
    ]


async def test_a_submitted_evaluation_is_not_reminded(api, make_company) -> None:
    s = await make_company()
    _, assignment = await evaluating_plan(api, s, open_dates(self_due=today()))
    done = await api.gql(SAVE_SELF, {"a": assignment, "i": {}, "s": True}, as_user=s.user("staff"))
    assert "errors" not in done, done
    with using(api.runtime.db):
        await run_company(s.company_id, noon())
    assert [n for n in await sent(api, s) if n[1] == "self_evaluation"] == []


async def test_a_plan_late_for_submission_alerts_the_hr_vp(api, make_company) -> None:
    s = await make_company()
    plan = await create(api, s, **open_dates())  # a draft
    with using(api.runtime.db):
        await Plan.filter(id=decode(plan["id"], "Plan")).update(
            submission_due=today() - timedelta(days=1)
        )
        assert await run_company(s.company_id, noon()) == 1
        assert await run_company(s.company_id, noon()) == 0
        row = await Notification.get(company_id=s.company_id)
    assert await sent(api, s) == [("hrvp", "plan_submission", "overdue")]
    assert row.subject == str(decode(plan["id"], "Plan"))


async def test_a_failed_sync_alerts_the_tenant_admin(api, make_company) -> None:
    s = await make_company()
    with using(api.runtime.db):
        config = await ConnectorConfig.create(
            company_id=s.company_id, connector="sample", name="考勤机"
        )
        old = noon(-30)
        for status, started in (("failed", noon()), ("succeeded", noon()), ("failed", old)):
            run = await SyncRun.create(
                company_id=s.company_id,
                config=config,
                status=status,
                period_start=today(),
                period_end=today(),
                error="HTTP 503",
            )
            await SyncRun.filter(id=run.id).update(started_at=started)
        assert await run_company(s.company_id, noon()) == 1  # the old failure is history
        assert await run_company(s.company_id, noon()) == 0
        row = await Notification.get(company_id=s.company_id)
    assert await sent(api, s) == [("admin", "sync_failed", "failed")]
    assert row.params == {"connector": "考勤机", "error": "HTTP 503"}


async def test_a_reopened_evaluation_is_reminded_again_for_its_new_deadline(
    api, make_company
) -> None:
    s = await make_company()
    _, assignment = await evaluating_plan(api, s, past_dates())
    with using(api.runtime.db):
        await run_company(s.company_id, noon())
    reopened = await api.gql(
        REOPEN_BY_ASSIGNMENT,
        {"a": assignment, "k": "SELF", "r": "出差", "u": today().isoformat()},
        as_user=s.user("perf"),
    )
    assert "errors" not in reopened, reopened
    with using(api.runtime.db):
        await run_company(s.company_id, noon())
        rows = await Notification.filter(
            company_id=s.company_id, rule="self_evaluation", recipient__username=s.user("staff")
        ).order_by("created_at")
    assert [(r.stage, r.period) for r in rows] == [
        ("overdue", past_dates()["deadlines"]["selfEvaluation"]),
        ("due_today", today().isoformat()),
    ]
