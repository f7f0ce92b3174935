"""Templates, copying last period's plan, progress with deadlines in the tenant's time zone,
plan events per subscriber, and an audit log that cannot be changed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from schema.ids import decode
from server.db import using
from server.events import plan_events
from server.plans.progress import today_in
from tests.schema.plans.planning import COMMENT, CREATE, create, plan_input, step
from tests.schema.wsclient import connect, next_message, subscribe, wait_for_subscribers

TEMPLATES = "query($k: DepartmentKind) { templates(departmentKind: $k) { id name framework indicators { name weight dataSource } } }"


async def test_seeded_templates_and_a_plan_from_one(api, make_company) -> None:
    s = await make_company()
    library = await api.gql(TEMPLATES, {"k": None}, as_user=s.user("staff"))
    kinds = {t["name"] for t in library["data"]["templates"]}
    assert len(kinds) >= 7 and any("OKR" in t["framework"] for t in library["data"]["templates"])
    sales = await api.gql(TEMPLATES, {"k": "SALES"}, as_user=s.user("perf"))
    kpi = next(t for t in sales["data"]["templates"] if t["framework"] == "KPI")
    assert [i["dataSource"] for i in kpi["indicators"]] == ["sales.revenue", "sales.new_customers"]
    made = await api.gql(
        CREATE,
        {"i": {**plan_input([s.ids["sales"]]), "indicators": None, "templateId": kpi["id"]}},
        as_user=s.user("perf"),
    )
    assert [i["name"] for i in made["data"]["createPlan"]["indicators"]] == [
        i["name"] for i in kpi["indicators"]
    ]


async def test_template_editing_is_validated_and_limited_to_the_performance_admin(
    api, make_company
) -> None:
    s = await make_company()
    save = """mutation($i: TemplateInput!) { createTemplate(input: $i) { id name } }"""
    good = {
        "name": "质检部 KPI",
        "departmentKind": "QUALITY",
        "indicators": [{"name": "一次合格率", "weight": "100", "target": "98", "unit": "%"}],
    }
    assert "errors" not in await api.gql(save, {"i": good}, as_user=s.user("perf"))
    bad = await api.gql(
        save,
        {"i": {**good, "indicators": [{**good["indicators"][0], "weight": "90"}]}},
        as_user=s.user("perf"),
    )
    assert bad["errors"][0]["extensions"]["field"] == "indicators"
    denied = await api.gql(save, {"i": good}, as_user=s.user("mgr"))
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_copying_last_periods_plan(api, make_company) -> None:
    s = await make_company()
    november = await create(
        api,
        s,
        periodStart="2026-11-01",
        periodEnd="2026-11-30",
        name="十一月",
        deadlines={
            "submission": "2026-10-25",
            "review": "2026-10-30",
            "selfEvaluation": "2026-12-03",
            "managerEvaluation": "2026-12-06",
        },
    )
    copy = await api.gql(
        CREATE,
        {
            "i": {
                **plan_input([s.ids["plant"]]),
                "indicators": None,
                "copyFromPlanId": november["id"],
                "name": "十二月",
            }
        },
        as_user=s.user("perf"),
    )
    made = copy["data"]["createPlan"]
    assert [(i["name"], i["target"]) for i in made["indicators"]] == [
        (i["name"], i["target"]) for i in november["indicators"]
    ]
    assert {i["key"] for i in made["indicators"]}.isdisjoint(
        {i["key"] for i in november["indicators"]}
    )


def test_today_follows_the_tenant_time_zone() -> None:
    late_evening_utc = datetime(2026, 11, 25, 17, 30, tzinfo=UTC)
    assert today_in("Asia/Shanghai", late_evening_utc) == date(
        2026, 11, 26
    )  # already the 26th in Beijing
    assert today_in("UTC", late_evening_utc) == date(2026, 11, 25)


async def test_progress_for_hr_vp_and_gm(api, make_company) -> None:
    s = await make_company()
    late = await create(api, s, name="未提交")  # submission was due 2026-11-25: overdue by now
    in_review = await create(api, s, [s.ids["sales"]], name="审阅中")
    await step(api, in_review["id"], "SUBMIT", s.user("perf"))
    await step(api, in_review["id"], "APPROVE", s.user("hrvp"))
    query = """{ planProgress(periodStart: "2026-12-01", periodEnd: "2026-12-31") { department { name } missing overdue
      plans { plan { name state } waitingOn submissionOverdue reviewOverdue } } }"""
    rows = {
        r["department"]["name"]: r
        for r in (await api.gql(query, as_user=s.user("gm")))["data"]["planProgress"]
    }
    assert rows["装配车间"]["plans"][0]["plan"]["name"] == "未提交"
    assert rows["装配车间"]["plans"][0]["waitingOn"] == ["PERF_ADMIN"]
    overdue = datetime.now(UTC).date() > date(2026, 11, 25)
    assert rows["装配车间"]["plans"][0]["submissionOverdue"] is overdue
    assert rows["销售一部"]["plans"][0]["waitingOn"] == ["VP"]
    assert rows["营销中心"]["missing"] is True
    denied = await api.gql(query, as_user=s.user("vpa"))
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    del late


async def test_plan_events_reach_only_those_who_may_see_the_plan(api, make_company) -> None:
    from server.models import Plan

    mine, other = await make_company(), await make_company()
    plan = await create(api, mine)
    # A plan already in force on the floor: everyone there may hear of its comments.
    floor = await create(api, mine, name="已生效")
    with using(api.runtime.db):
        await Plan.filter(id=decode(floor["id"], "Plan")).update(state="active")
    query = "subscription { planEvents { planId kind state } }"
    async with (
        connect(api, await api.token(mine.user("vpb"))) as vpb,
        connect(api, await api.token(mine.user("worker"))) as worker,
        connect(api, await api.token(other.user("perf"))) as stranger,
    ):
        for ws in (vpb, worker, stranger):
            await subscribe(ws, "1", query)
        await wait_for_subscribers(plan_events, mine.company_id, 2)
        await wait_for_subscribers(plan_events, other.company_id)
        await step(api, plan["id"], "SUBMIT", mine.user("perf"))
        # Then one event each listener may hear: anything it heard of the submission (or
        # anything more the VP heard) would arrive before it.
        marked = await api.gql(
            COMMENT, {"id": floor["id"], "b": "本月照常执行"}, as_user=mine.user("perf")
        )
        assert "errors" not in marked, marked
        theirs = await create(api, other)

        async def heard(ws) -> dict:
            message = await next_message(ws)
            assert message["type"] == "next", message
            return message["payload"]["data"]["planEvents"]

        submitted = {"planId": plan["id"], "kind": "STATE", "state": "SUBMITTED"}
        commented = {"planId": floor["id"], "kind": "COMMENT", "state": "ACTIVE"}
        assert [await heard(vpb), await heard(vpb)] == [submitted, commented]
        # employees never hear of drafts or plans in review; other companies hear nothing
        assert await heard(worker) == commented
        assert (await heard(stranger))["planId"] == theirs["id"]


@pytest.mark.parametrize("operation", ["save", "delete"])
async def test_audit_entries_are_append_only(api, db, operation) -> None:
    from server.models import AuditEntry, Company

    company = await Company.get(slug="demo")
    entry = await AuditEntry.create(
        company_id=company.id, action="test.probe", object_type="test", object_id="1"
    )
    with pytest.raises(PermissionError):
        if operation == "save":
            entry.action = "tampered"
            await entry.save()
        else:
            await entry.delete()
