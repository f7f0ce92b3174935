"""A tenant with two finalized months for the analytics (helper CORE's tests).

December 2026 is tests/schema/calibration/support.finalized_scene (a total is
6 x revenue + 40 and the completion the same in percent):

    sales (销售一部, division 营销中心): mgr 94, staff 94, s1 94, s2 82, s3 82, s4 70, s5 70, s6 58
    plant (装配车间, division 生产中心): worker 82, p1 82, p2 70, p3 58, p4 94

then a company session moves staff from excellent to good (his total stays 94) and is
locked. November 2026 is a second plan over both: every sales person at revenue 7 (82),
every plant person at 5 (70).
"""

from __future__ import annotations

from typing import Any

from schema.ids import decode
from server.scoring.recompute import recompute
from tests.schema.calibration.support import PUBLISH, change, finalized_scene, lock, open_session
from tests.schema.plans.planning import CREATE, plan_input, step
from tests.schema.results.support import SALES_INDICATORS
from tests.server.score_pipeline_support import Scene

SALES = ("mgr", "staff", "s1", "s2", "s3", "s4", "s5", "s6")
PLANT = ("worker", "p1", "p2", "p3", "p4")
NOVEMBER = {"sales": "7", "plant": "5"}

DISTRIBUTION = """query($p: AnalyticsPeriodInput!, $s: AnalyticsScopeInput) {
  gradeDistribution(period: $p, scope: $s) {
    period { kind start end label } scopeName headcount scored
    grades { grade label computedCount computedShare calibratedCount calibratedShare
      minShare maxShare targetShare }
    guideline { minGroupSize } } }"""
RANKING = """query($p: AnalyticsPeriodInput!, $s: AnalyticsScopeInput, $b: RankingBasis!) {
  departmentRanking(period: $p, scope: $s, rankBy: $b) {
    period { label } previousPeriod { start label } rankBy companyAverage
    rows { department { name } rank headcount scored completionRate averageScore
      interval { low high level } shrunkenAverage previousRank previousAverage
      averageChange completionChange } } }"""
TREND = """query($s: TrendSubjectInput!, $f: Date!, $t: Date!, $k: PeriodKind!) {
  trend(subject: $s, from: $f, to: $t, kind: $k) {
    subjectName mean sd upperLimit lowerLimit
    points { period { start label } scored averageScore completionRate grade outOfControl } } }"""
DECEMBER = {"kind": "MONTH", "start": "2026-12-01"}


async def november(scene: Scene) -> None:
    """The November plan over both departments, FINALIZED, with the revenues above."""
    sandbox = scene.sandbox
    data = plan_input(
        [sandbox.ids["sales"], sandbox.ids["plant"]],
        name="2026-11 绩效计划",
        periodStart="2026-11-01",
        periodEnd="2026-11-30",
        deadlines={
            "submission": "2026-10-25",
            "review": "2026-10-31",
            "selfEvaluation": "2026-12-03",
            "managerEvaluation": "2026-12-06",
        },
        indicators=SALES_INDICATORS,
    )
    created = await scene.api.gql(CREATE, {"i": data}, as_user=sandbox.user("perf"))
    assert "errors" not in created, created
    plan = created["data"]["createPlan"]
    for action, user in (
        ("SUBMIT", "perf"),
        ("APPROVE", "hrvp"),
        ("APPROVE", "vpa"),
        ("APPROVE", "vpb"),
        ("FILE", "perf"),
        ("ACKNOWLEDGE", "gm"),
    ):
        done = await step(scene.api, plan["id"], action, sandbox.user(user))
        assert "errors" not in done, (action, done)
    keys = [i["key"] for i in plan["indicators"]]
    nov = Scene(
        scene.api,
        sandbox,
        decode(plan["id"], "Plan"),
        scene.company_id,
        scene.people,
        keys[0],
        keys[1],
    )
    for group, people in (("sales", SALES), ("plant", PLANT)):
        for local in people:
            await nov.assign(local)
            await nov.actual(local, nov.revenue, NOVEMBER[group])
            await nov.actual(local, nov.customers, "4")
    await recompute(nov.company_id, nov.plan_id)
    for action in ("START_EVALUATION", "FINALIZE"):
        assert "errors" not in await nov.step(action), action


async def two_months(api: Any, make_company: Any) -> Scene:
    """December (calibrated: staff excellent -> good) and November, both FINALIZED."""
    scene = await finalized_scene(api, make_company)
    opened = await open_session(scene)
    assert "errors" not in opened, opened
    sid = opened["data"]["openCalibrationSession"]["id"]
    moved = await change(scene, sid, "staff", "good", "跨期订单，按季度口径调整")
    assert "errors" not in moved, moved
    locked = await lock(scene, sid)
    assert "errors" not in locked, locked
    await november(scene)
    return scene


async def publish_december(scene: Scene) -> None:
    from schema.ids import encode

    done = await scene.api.gql(
        PUBLISH,
        {"p": encode("Plan", scene.plan_id), "at": None},
        as_user=scene.sandbox.user("hrvp"),
    )
    assert "errors" not in done, done


def error(answer: dict[str, Any]) -> tuple[str, str]:
    extensions = answer["errors"][0]["extensions"]
    return extensions["code"], extensions["reason"]
