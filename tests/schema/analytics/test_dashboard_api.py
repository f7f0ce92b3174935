"""``dashboard`` per role through the API: the GM's company, a VP's division, a manager's
team, an employee himself, and another tenant's GM who sees none of it.

The finalized calibration scene (2026-12, sales 8 people and plant 5, one department plan
over both) plus, in the same period:

- a company plan (draft) carrying 销售额 Revenue and 客户满意度 Satisfaction;
- a plant department plan (draft) carrying 新客户数 New customers;
  both drafts are past their submission deadline (2026-11-25);
- an open appeal by s6 (sales) whose answer was due yesterday.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from schema.ids import decode, encode
from server.models import Department, Feedback, Plan, Score
from server.org_tree import forget
from tests.schema.calibration.support import PUBLISH, finalized_scene
from tests.schema.plans.planning import CREATE, plan_input
from tests.server.score_pipeline_support import Scene

QUERY = """query($p: AnalyticsPeriodInput!) { dashboard(period: $p) {
  view scopeName period { label }
  completion { department { name } headcount scored completionRate averageScore }
  distribution { headcount scored grades { grade calibratedCount } }
  ranking { rows { department { name } rank } }
  overdue { step count due }
  openAppeals
  alignment { department { name } plan { name } companyIndicators carried missing share }
  me { score grade completionRate trend { subjectName points { period { label } averageScore } } }
} }"""
PERIOD = {"kind": "MONTH", "start": "2026-12-01"}
GOALS = ["销售额 Revenue", "客户满意度 Satisfaction"]


def goal(name: str) -> dict[str, Any]:
    return {"name": name, "weight": "50", "target": "10", "unit": ""}


async def planted(api: Any, make_company: Any) -> Scene:
    scene = await finalized_scene(api, make_company)
    sandbox = scene.sandbox
    for departments, level, name, indicators in (
        ([sandbox.ids["root"]], "COMPANY", "公司 2026-12 目标", [goal(g) for g in GOALS]),
        (
            [sandbox.ids["plant"]],
            "DEPARTMENT",
            "装配车间 2026-12 补充计划",
            [{"name": "新客户数 New customers", "weight": "100", "target": "4", "unit": ""}],
        ),
    ):
        data = plan_input(departments, name=name, level=level, indicators=indicators)
        created = await api.gql(CREATE, {"i": data}, as_user=sandbox.user("perf"))
        assert "errors" not in created, created
    s6 = scene.people["s6"]
    score = await Score.get(plan_id=scene.plan_id, employee_id=s6.id)
    await Feedback.create(
        company_id=scene.company_id,
        score_id=score.id,
        plan_id=scene.plan_id,
        employee_id=s6.id,
        department_id=s6.department_id,
        manager_id=s6.manager_id,
        handler_id=s6.manager_id,
        category="target_too_high",
        text="目标太高",
        answer_due_at=datetime.now(UTC) - timedelta(days=1),
    )
    return scene


@pytest.fixture
async def scene(db, api, make_company) -> Scene:
    return await planted(api, make_company)


async def board(scene: Scene, who: str, user: str | None = None) -> dict[str, Any]:
    answer = await scene.api.gql(QUERY, {"p": PERIOD}, as_user=user or scene.sandbox.user(who))
    assert "errors" not in answer, answer
    return answer["data"]["dashboard"]


def named(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["department"]["name"]: r for r in rows}


async def test_the_gm_sees_every_department(scene: Scene) -> None:
    found = await board(scene, "gm")
    assert (found["view"], found["period"]["label"]) == ("COMPANY", "2026-12")
    completion = named(found["completion"])
    assert set(completion) == {"销售一部", "装配车间"}
    sales = completion["销售一部"]
    # revenue 9 9 9 7 7 5 5 3 of 10 (60 %), customers 4 of 4 (40 %): 6 x revenue + 40
    assert (sales["headcount"], sales["scored"], sales["averageScore"]) == (8, 8, "80.5")
    assert sales["completionRate"] == "0.805"
    assert completion["装配车间"]["averageScore"] == "77.2"  # 82 82 70 58 94
    assert found["distribution"]["headcount"] == 13
    assert {r["department"]["name"]: r["rank"] for r in found["ranking"]["rows"]} == {
        "销售一部": 1,
        "装配车间": 2,
    }
    overdue = {o["step"]: o for o in found["overdue"]}
    assert overdue["PLAN_SUBMISSION"]["count"] == 2
    assert overdue["PLAN_SUBMISSION"]["due"] == "2026-11-25"
    assert overdue["FEEDBACK_ANSWER"]["count"] == 1
    assert found["openAppeals"] == 1
    alignment = [
        (a["department"]["name"], a["plan"]["name"], a["share"]) for a in found["alignment"]
    ]
    assert sorted(alignment) == [
        ("装配车间", "2026-12 绩效计划", "0.5"),
        ("装配车间", "装配车间 2026-12 补充计划", "0"),
        ("销售一部", "2026-12 绩效计划", "0.5"),
    ]
    sales_plan = next(a for a in found["alignment"] if a["department"]["name"] == "销售一部")
    assert sales_plan["companyIndicators"] == GOALS
    assert (sales_plan["carried"], sales_plan["missing"]) == ([GOALS[0]], [GOALS[1]])
    assert found["me"] is None


async def test_a_vp_sees_his_division(scene: Scene) -> None:
    a = await board(scene, "vpa")
    assert (a["view"], a["scopeName"]) == ("DIVISION", "营销中心")
    assert set(named(a["completion"])) == {"销售一部"}
    assert a["distribution"]["headcount"] == 8
    assert [r["department"]["name"] for r in a["ranking"]["rows"]] == ["销售一部"]
    assert {o["step"] for o in a["overdue"]} == {"FEEDBACK_ANSWER"}  # no plan of his is late
    assert a["openAppeals"] == 1
    assert {x["department"]["name"] for x in a["alignment"]} == {"销售一部"}
    b = await board(scene, "vpb")
    assert set(named(b["completion"])) == {"装配车间"}
    assert {o["step"]: o["count"] for o in b["overdue"]} == {"PLAN_SUBMISSION": 1}
    assert b["openAppeals"] == 0


async def test_a_manager_sees_his_team(scene: Scene) -> None:
    found = await board(scene, "mgr")
    assert found["view"] == "TEAM"
    assert set(named(found["completion"])) == {"销售一部"}
    assert found["ranking"] is None
    assert found["distribution"]["headcount"] == 8


async def test_an_employee_sees_himself_once_released(scene: Scene) -> None:
    hidden = await board(scene, "staff")
    assert hidden["view"] == "SELF"
    assert (hidden["completion"], hidden["distribution"], hidden["overdue"]) == ([], None, [])
    assert hidden["me"]["score"] is None  # not released yet
    published = await scene.api.gql(
        PUBLISH, {"p": encode("Plan", scene.plan_id)}, as_user=scene.sandbox.user("hrvp")
    )
    assert "errors" not in published, published
    me = (await board(scene, "staff"))["me"]
    assert (me["score"], me["grade"], me["completionRate"]) == ("94", "excellent", "0.94")
    points = me["trend"]["points"]
    assert len(points) == 12 and points[-1]["period"]["label"] == "2026-12"
    assert points[-1]["averageScore"] == "94"


async def test_another_tenant_sees_none_of_it(scene: Scene, make_company) -> None:
    other = await make_company()
    found = await board(scene, "gm", user=other.user("gm"))
    assert found["view"] == "COMPANY"
    assert (found["completion"], found["alignment"], found["openAppeals"]) == ([], [], 0)
    assert found["distribution"]["headcount"] == 0


async def _statements(scene: Scene, caplog: Any) -> int:
    caplog.clear()
    await board(scene, "gm")
    return sum(
        1
        for r in caplog.records
        if r.name == "tortoise.db_client"
        and r.msg == "%s: %s"
        and '"outbox_event"' not in str(r.args[0])
    )


async def test_statements_do_not_grow_with_the_departments(scene: Scene, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG, logger="tortoise.db_client")
    await board(scene, "gm")  # caches (org chart, settings) warm
    before = await _statements(scene, caplog)
    root = await Department.get(id=decode(scene.sandbox.ids["divA"], "Department"))
    added = []
    for n in range(3):
        row = await Department.create(
            company_id=scene.company_id, name=f"新部门{n}", kind="sales", parent=root
        )
        added.append(encode("Department", row.id))
    forget(scene.company_id)
    data = plan_input(added, name="新部门 2026-12", indicators=[goal(GOALS[0]), goal(GOALS[1])])
    created = await scene.api.gql(CREATE, {"i": data}, as_user=scene.sandbox.user("perf"))
    assert "errors" not in created, created
    await board(scene, "gm")
    after = await _statements(scene, caplog)
    found = await board(scene, "gm")
    assert len(found["alignment"]) == 6  # the three new departments are there
    assert after == before, (before, after)


async def test_late_evaluations_are_counted_in_reach(scene: Scene) -> None:
    # Back to EVALUATING with both deadlines passed: no one has evaluated yet.
    await Plan.filter(id=scene.plan_id).update(
        state="evaluating",
        self_evaluation_due=date(2026, 11, 20),
        manager_evaluation_due=date(2026, 11, 22),
    )
    steps = {o["step"]: (o["count"], o["due"]) for o in (await board(scene, "gm"))["overdue"]}
    assert steps["SELF_EVALUATION"] == (13, "2026-11-20")
    assert steps["MANAGER_EVALUATION"] == (13, "2026-11-22")
    b = {o["step"]: o["count"] for o in (await board(scene, "vpb"))["overdue"]}
    assert (b["SELF_EVALUATION"], b["MANAGER_EVALUATION"]) == (5, 5)
