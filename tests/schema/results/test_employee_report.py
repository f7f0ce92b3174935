"""The employee report through GraphQL: scores of the period, indicators with completion and
explanations, the trend, the rank where the policy allows, suggestions, in en and zh.

Scenes are made of rows as their services write them (plans, assignments, actuals) and
scored by the real pipeline (``recompute``); results are released with ``ResultsRelease``.
Three monthly plans over 销售一部: October and November are earlier periods (the trend),
December is the one reported. In December ``mgr`` totals 112, ``staff`` and ``peer`` 66
(a tie), ``newbie`` has no customers figure (no total).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from schema.ids import encode
from server.indicators import IndicatorSpec, ScoringRule
from server.models import Actual, Assignment, Department, Employee, Plan, ResultsRelease
from server.scoring.recompute import recompute

REPORT = """query Report($e: ID!, $s: Date!, $t: Date!) {
  employeeReport(employeeId: $e, periodStart: $s, periodEnd: $t) {
    employeeId employeeName departmentName periodStart periodEnd
    results { planId planName complete total grade gradeName explanation frozen
      rank { position count text }
      indicators { key name unit weight target actual completion score missing explanation } }
    trend { planName periodStart total grade gradeName }
    suggestions { kind text indicatorKey } } }"""
MONTHS = {"oct": date(2026, 10, 1), "nov": date(2026, 11, 1), "dec": date(2026, 12, 1)}
REVENUE, CUSTOMERS = "revenue", "customers"
# person -> month -> (revenue, customers); None: no actual
FIGURES: dict[str, dict[str, tuple[str | None, str | None]]] = {
    "staff": {"oct": ("10", "4"), "nov": ("9", "4"), "dec": ("6", "3")},
    "mgr": {"dec": ("12", "4")},
    "peer": {"dec": ("6", "3")},
    "newbie": {"dec": ("8", None)},
}
STAFF_NAME = "<script>alert('孙')</script> 孙婷"


def _month_end(start: date) -> date:
    following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _indicators() -> list[dict[str, Any]]:
    found = []
    for key, name, weight, target, unit in (
        (REVENUE, "销售额 Revenue", "60", "10", "万元"),
        (CUSTOMERS, "新客户数 New customers", "40", "4", "个"),
    ):
        spec = IndicatorSpec(
            name=name,
            weight=Decimal(weight),
            target=Decimal(target),
            key=key,
            unit=unit,
            scoring=ScoringRule(),
        )
        found.append(spec.to_json() | {"key": key, "personal": False})
    return found


@dataclass
class Scene:
    api: Any
    sandbox: Any
    company_id: UUID
    plans: dict[str, UUID]
    people: dict[str, Employee]

    def id(self, person: str) -> str:
        return encode("Employee", self.people[person].id)

    async def release(self, month: str, at: datetime | None = None) -> None:
        await ResultsRelease.create(
            company_id=self.company_id,
            plan_id=self.plans[month],
            publish_at=at or datetime.now(UTC) - timedelta(minutes=1),
            released_by=self.people["perf"].id,
        )

    async def report(
        self, user: str, person: str = "staff", month: str = "dec", lang: str = "en"
    ) -> dict[str, Any]:
        start = MONTHS[month]
        variables = {
            "e": self.id(person),
            "s": start.isoformat(),
            "t": _month_end(start).isoformat(),
        }
        return await self.api.gql(REPORT, variables, as_user=self.sandbox.user(user), lang=lang)


async def make_scene(api: Any, make_company: Any) -> Scene:
    """Plans, assignments and actuals as rows; scores by the real recompute."""
    sandbox = await make_company()
    staff = await Employee.get(username=sandbox.user("staff"))
    company_id, sales = staff.company_id, await Department.get(id=staff.department_id)
    staff.name = STAFF_NAME
    await staff.save()
    people = {e.username.split("@")[0]: e for e in await Employee.filter(company_id=company_id)}
    for number, local in enumerate(("peer", "newbie"), start=50):
        people[local] = await Employee.create(
            company_id=company_id,
            username=sandbox.user(local),
            name=f"{local} 测试",
            employee_number=f"T{number:04d}",
            department=sales,
            manager_id=people["mgr"].id,
        )
    plans: dict[str, UUID] = {}
    for month, start in MONTHS.items():
        end = _month_end(start)
        plan = await Plan.create(
            company_id=company_id,
            name=f"销售一部 {start:%Y-%m} 绩效计划",
            level="department",
            period_kind="month",
            period_start=start,
            period_end=end,
            submission_due=start - timedelta(days=5),
            review_due=start - timedelta(days=2),
            self_evaluation_due=end + timedelta(days=3),
            manager_evaluation_due=end + timedelta(days=6),
            state="finalized" if month != "dec" else "evaluating",
        )
        await plan.departments.add(sales)
        plans[month] = plan.id
        for person, figures in FIGURES.items():
            if month not in figures:
                continue
            employee = people[person]
            assignment = await Assignment.create(
                company_id=company_id,
                plan_id=plan.id,
                employee_id=employee.id,
                department_id=employee.department_id,
                manager_id=employee.manager_id,
                indicators=_indicators(),
            )
            for key, value in zip((REVENUE, CUSTOMERS), figures[month], strict=True):
                if value is None:
                    continue
                await Actual.create(
                    company_id=company_id,
                    assignment_id=assignment.id,
                    plan_id=plan.id,
                    employee_id=employee.id,
                    department_id=employee.department_id,
                    manager_id=employee.manager_id,
                    indicator_key=key,
                    value=Decimal(value),
                    source="manual",
                    set_at=datetime.now(UTC),
                )
        assert await recompute(company_id, plan.id) == len(
            [p for p in FIGURES.values() if month in p]
        )
    scene = Scene(api, sandbox, company_id, plans, people)
    await scene.release("oct")
    await scene.release("nov")
    return scene


def _ok(payload: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in payload, payload
    return payload["data"]["employeeReport"]


async def test_a_managers_report_explains_every_number(api, make_company, db) -> None:
    scene = await make_scene(api, make_company)
    report = _ok(await scene.report("mgr"))
    assert report["employeeName"] == STAFF_NAME
    assert (report["departmentName"], report["periodStart"], report["periodEnd"]) == (
        "销售一部",
        "2026-12-01",
        "2026-12-31",
    )
    [result] = report["results"]
    assert result["planId"] == encode("Plan", scene.plans["dec"])
    assert (result["complete"], result["total"], result["grade"], result["gradeName"]) == (
        True,
        "66",
        "fail",
        "Fail",
    )
    assert "66" in result["explanation"] and "Fail" in result["explanation"]
    revenue, customers = result["indicators"]
    assert {k: revenue[k] for k in ("key", "unit", "weight", "target", "actual")} == {
        "key": REVENUE,
        "unit": "万元",
        "weight": "60",
        "target": "10",
        "actual": "6",
    }
    assert (revenue["completion"], revenue["score"], revenue["missing"]) == ("60", "60", False)
    assert (customers["completion"], customers["score"]) == ("75", "75")
    assert "6" in revenue["explanation"] and "10" in revenue["explanation"]
    # ties share a place; newbie (no total) is not counted
    assert result["rank"] == {"position": 2, "count": 3, "text": "2 of 3"}
    mine = _ok(await scene.report("mgr", person="mgr"))
    assert mine["results"][0]["rank"]["position"] == 1

    # the trend: the earlier plans, oldest first
    assert [(p["periodStart"], p["total"], p["gradeName"]) for p in report["trend"]] == [
        ("2026-10-01", "100", "Excellent"),
        ("2026-11-01", "94", "Excellent"),
    ]
    kinds = [(s["kind"], s["indicatorKey"]) for s in report["suggestions"]]
    assert kinds == [
        ("TOTAL_DROP", None),
        ("LOW_ACHIEVEMENT", REVENUE),
        ("LOW_ACHIEVEMENT", CUSTOMERS),
        ("SCORE_DROP", REVENUE),
        ("SCORE_DROP", CUSTOMERS),
    ]
    assert report["suggestions"][0]["text"] == (
        "The total fell 28 points against 销售一部 2026-11 绩效计划 (94 → 66)."
    )

    # missing data: an indicator without an actual, a score without a total
    newbie = _ok(await scene.report("mgr", person="newbie"))["results"][0]
    assert (newbie["complete"], newbie["total"], newbie["rank"]) == (False, None, None)
    assert newbie["indicators"][1]["missing"] is True
    assert newbie["indicators"][1]["completion"] is None
    suggestions = _ok(await scene.report("mgr", person="newbie"))["suggestions"]
    assert [(s["kind"], s["indicatorKey"]) for s in suggestions] == [
        ("LOW_ACHIEVEMENT", REVENUE),
        ("MISSING_ACTUAL", CUSTOMERS),
    ]


async def test_the_report_speaks_the_callers_language(api, make_company, db) -> None:
    scene = await make_scene(api, make_company)
    zh = _ok(await scene.report("mgr", lang="zh-CN"))
    en = _ok(await scene.report("mgr", lang="en"))
    assert (zh["results"][0]["gradeName"], en["results"][0]["gradeName"]) == ("不合格", "Fail")
    assert zh["results"][0]["rank"]["text"] == "第 2 名，共 3 人"
    assert (
        zh["suggestions"][0]["text"]
        == "总分较上期（销售一部 2026-11 绩效计划）下降 28 分（94 → 66）。"
    )
    assert zh["suggestions"][1]["text"].startswith("销售额 Revenue：完成率 60%")
    assert zh["results"][0]["explanation"] != en["results"][0]["explanation"]
    assert "不合格" in zh["results"][0]["explanation"]
    assert [p["gradeName"] for p in zh["trend"]] == ["优秀", "优秀"]
    # the numbers do not change with the language
    assert zh["results"][0]["total"] == en["results"][0]["total"] == "66"


async def test_rank_needs_report_rank_and_employees_wait_for_publishing(
    api, make_company, db
) -> None:
    scene = await make_scene(api, make_company)
    # not published yet: the employee's own December report does not exist for him
    early = await scene.report("staff")
    assert early["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    # a release set for later is not in effect either
    await scene.release("dec", at=datetime.now(UTC) + timedelta(days=1))
    assert (await scene.report("staff"))["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    await ResultsRelease.filter(plan_id=scene.plans["dec"]).update(
        publish_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    own = _ok(await scene.report("staff"))
    assert own["results"][0]["total"] == "66"
    assert own["results"][0]["rank"] is None  # employees hold no report:rank by default
    assert [p["total"] for p in own["trend"]] == ["100", "94"]
    # only his own: a colleague's report is out of sight, published or not
    other = await scene.report("staff", person="peer")
    assert other["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    # other departments' people see nothing; the VP and HR see it with the rank
    stranger = await scene.report("worker")
    assert stranger["errors"][0]["extensions"] == {"code": "NOT_FOUND", "reason": "NOT_FOUND"}
    for user in ("vpa", "hrvp", "perf", "gm"):
        seen = _ok(await scene.report(user))
        assert seen["results"][0]["rank"]["text"] == "2 of 3", user


async def test_an_employee_sees_only_released_plans_in_his_trend(api, make_company, db) -> None:
    scene = await make_scene(api, make_company)
    await ResultsRelease.filter(plan_id=scene.plans["oct"]).delete()
    await scene.release("dec")
    own = _ok(await scene.report("staff"))
    assert [p["periodStart"] for p in own["trend"]] == ["2026-11-01"]
    # the manager reads scores as soon as they are computed
    assert len(_ok(await scene.report("mgr"))["trend"]) == 2


async def test_a_period_without_scores_and_bad_input(api, make_company, db) -> None:
    scene = await make_scene(api, make_company)
    empty = await scene.report("mgr", month="oct", person="mgr")
    assert empty["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    backwards = await api.gql(
        REPORT,
        {"e": scene.id("staff"), "s": "2026-12-31", "t": "2026-12-01"},
        as_user=scene.sandbox.user("mgr"),
    )
    assert backwards["errors"][0]["extensions"]["reason"] == "DATES_ORDER"
    wrong = await api.gql(
        REPORT,
        {"e": encode("Plan", scene.plans["dec"]), "s": "2026-12-01", "t": "2026-12-31"},
        as_user=scene.sandbox.user("mgr"),
    )
    assert wrong["errors"][0]["extensions"]["reason"] == "WRONG_ID_TYPE"
    # a whole year: the three plans, oldest first, each against the one before
    year = await api.gql(
        REPORT,
        {"e": scene.id("staff"), "s": "2026-01-01", "t": "2026-12-31"},
        as_user=scene.sandbox.user("mgr"),
    )
    report = _ok(year)
    assert [r["total"] for r in report["results"]] == ["100", "94", "66"]
    assert report["trend"] == []
