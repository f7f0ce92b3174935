"""A finalized plan over both sandbox departments, with a spread of grades, for calibration.

``make_company``'s sandbox, plus extra people created as rows: 销售一部 (sales, division A)
has 8 people, 装配车间 (plant, division B) 5. Revenue (60 %, target 10) is set per person and
new customers (40 %, target 4) at 4, so a total is 6 x revenue + 40: 9 -> 94 Excellent,
7 -> 82 Good, 5 -> 70 Pass, 3 -> 58 Fail.

    sales: mgr E, staff E, s1 E, s2 G, s3 G, s4 P, s5 P, s6 F
    plant: worker G, p1 G, p2 P, p3 F, p4 E
    company (13): E 4, G 4, P 3, F 2
"""

from __future__ import annotations

from typing import Any

from schema.ids import decode, encode
from server.models import Employee, Plan, Score
from server.scoring.recompute import recompute
from tests.schema.plans.planning import CREATE, plan_input, step
from tests.schema.results.support import SALES_INDICATORS
from tests.server.score_pipeline_support import Scene

REVENUE = {
    "mgr": "9",
    "staff": "9",
    "s1": "9",
    "s2": "7",
    "s3": "7",
    "s4": "5",
    "s5": "5",
    "s6": "3",
    "worker": "7",
    "p1": "7",
    "p2": "5",
    "p3": "3",
    "p4": "9",
}
EXTRA = {"s1": "sales", "s2": "sales", "s3": "sales", "s4": "sales", "s5": "sales"}
EXTRA |= {"s6": "sales", "p1": "plant", "p2": "plant", "p3": "plant", "p4": "plant"}

OPEN = """mutation($i: OpenCalibrationSessionInput!) { openCalibrationSession(input: $i) {
  id scope state revision department { name } openedBy { username } } }"""
CHANGE = """mutation($i: CalibrateResultInput!) { calibrateResult(input: $i) {
  id revision reason total computedTotal grade { key } computedGrade { key }
  changedBy { username } } }"""
LOCK = "mutation($id: ID!) { lockCalibrationSession(id: $id) { id state lockedAt revision } }"
GUIDELINE = """mutation($i: CalibrationGuidelineInput!) { updateCalibrationGuideline(input: $i) {
  enforcement minGroupSize revision rules { grade minShare maxShare targetShare } } }"""
DISTRIBUTION = """query($s: ID!) { calibrationDistribution(sessionId: $s) {
  guideline { enforcement minGroupSize }
  scope { kind name headcount masked average computedAverage withinGuideline
    grades { grade { key } count computedCount share minCount maxCount targetCount status } }
  divisions { kind name headcount masked average withinGuideline
    grades { grade { key } count share status } }
  departments { kind name department { name } headcount masked average computedAverage
    withinGuideline grades { grade { key } count computedCount share status } } } }"""
SESSION = "query($id: ID!) { calibrationSession(id: $id) { id state } }"
EXPORT = "query($s: ID!) { calibrationExportLink(sessionId: $s) { url expiresAt } }"
PUBLISH = "mutation($p: ID!, $at: DateTime) { publishResults(planId: $p, at: $at) { effective } }"


def error(answer: dict[str, Any]) -> tuple[str, str]:
    extensions = answer["errors"][0]["extensions"]
    return extensions["code"], extensions["reason"]


async def finalized_scene(api: Any, make_company: Any, **revenue: str) -> Scene:
    """The plan FINALIZED (every score frozen at version 1), the people as above."""
    sandbox = await make_company()
    data = plan_input(
        [sandbox.ids["sales"], sandbox.ids["plant"]],
        name="2026-12 绩效计划",
        indicators=SALES_INDICATORS,
    )
    created = await api.gql(CREATE, {"i": data}, as_user=sandbox.user("perf"))
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
        done = await step(api, plan["id"], action, sandbox.user(user))
        assert "errors" not in done, (action, done)
    assert done["data"]["transitionPlan"]["state"] == "ACTIVE"
    row = await Plan.get(id=decode(plan["id"], "Plan"))
    people = {e.username.split("@")[0]: e for e in await Employee.filter(company_id=row.company_id)}
    for number, (local, dept) in enumerate(EXTRA.items(), start=100):
        boss = people["mgr"] if dept == "sales" else people["vpb"]
        people[local] = await Employee.create(
            company_id=row.company_id,
            username=f"{local}@{sandbox.slug}",
            name=f"{local.upper()} 测试",
            employee_number=f"T{number:04d}",
            department_id=decode(sandbox.ids[dept], "Department"),
            manager_id=boss.id,
        )
    keys = [i["key"] for i in plan["indicators"]]
    scene = Scene(api, sandbox, row.id, row.company_id, people, keys[0], keys[1])
    for local, value in (REVENUE | revenue).items():
        await scene.assign(local)
        await scene.actual(local, scene.revenue, value)
        await scene.actual(local, scene.customers, "4")
    await recompute(scene.company_id, scene.plan_id)
    for action in ("START_EVALUATION", "FINALIZE"):
        assert "errors" not in await scene.step(action), action
    return scene


async def score_id(scene: Scene, person: str) -> str:
    row = await Score.get(plan_id=scene.plan_id, employee_id=scene.people[person].id)
    return encode("Score", row.id)


async def open_session(
    scene: Scene, person: str = "hrvp", scope: str = "COMPANY", department: str | None = None
) -> dict[str, Any]:
    data: dict[str, Any] = {"planId": encode("Plan", scene.plan_id), "scope": scope}
    if department is not None:
        data["departmentId"] = scene.sandbox.ids[department]
    return await scene.api.gql(OPEN, {"i": data}, as_user=scene.sandbox.user(person))


async def change(
    scene: Scene, session: str, person: str, grade: str, reason: str, by: str = "hrvp", **more: Any
) -> dict[str, Any]:
    data = {
        "sessionId": session,
        "scoreId": await score_id(scene, person),
        "grade": grade,
        "reason": reason,
        **more,
    }
    return await scene.api.gql(CHANGE, {"i": data}, as_user=scene.sandbox.user(by))


async def guideline(scene: Scene, by: str = "hrvp", **patch: Any) -> dict[str, Any]:
    return await scene.api.gql(GUIDELINE, {"i": patch}, as_user=scene.sandbox.user(by))


async def lock(scene: Scene, session: str, by: str = "hrvp") -> dict[str, Any]:
    return await scene.api.gql(LOCK, {"id": session}, as_user=scene.sandbox.user(by))


async def distribution(scene: Scene, session: str, by: str = "hrvp") -> dict[str, Any]:
    return await scene.api.gql(DISTRIBUTION, {"s": session}, as_user=scene.sandbox.user(by))
