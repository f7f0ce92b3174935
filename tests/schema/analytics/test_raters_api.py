"""``raterEffects`` through the API: a planted lenient and severe manager are flagged, a
manager with too few people is hidden, normalized scores are z-scores within the rater, and
the reach is the caller's (a VP's division, nothing for a manager or another tenant).

The finalized calibration scene (13 people, tests/schema/calibration/support.py) gets
overall ratings from three raters:

    VPA (lenient) rates mgr s1 s2 s3 s4    5 5 4 3 5   mean 4.4, sd 0.894
    VPB (severe)  rates worker p1..p4      1 2 1 3 1   mean 1.6, sd 0.894
    MGR (hidden)  rates staff s5 s6        3 3 3       3 people < minRatees 5

Company: n 13, sum 39, squares 143 -> mean 3.00, sd sqrt(338/156) = 1.47. Half an sd is
0.74; VPA's gap +1.40 and VPB's -1.40 lie beyond it, and Welch's p (VPA against the other
eight: t = 4.28, df 9.35) is far below 0.05. Neither sd is below half the company's.
"""

from __future__ import annotations

import statistics
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from server.models import Assignment, Evaluation, Score
from tests.schema.calibration.support import error, finalized_scene
from tests.server.score_pipeline_support import Scene

RATINGS = {
    "vpa": {"mgr": 5, "s1": 5, "s2": 4, "s3": 3, "s4": 5},
    "vpb": {"worker": 1, "p1": 2, "p2": 1, "p3": 3, "p4": 1},
    "mgr": {"staff": 3, "s5": 3, "s6": 3},
}
QUERY = """query($p: AnalyticsPeriodInput!, $s: AnalyticsScopeInput, $n: Boolean!) {
  raterEffects(period: $p, scope: $s, normalized: $n) {
    scopeName companyMean companySd minRatees
    raters { manager { username } ratees ratings mean sd meanGap selfGap pValue flags }
    normalizedScores { employee { username } manager { username } score zScore } } }"""
SETTINGS = """mutation($i: UpdateAnalyticsSettingsInput!) {
  updateAnalyticsSettings(input: $i) { minRatees } }"""
PERIOD = {"kind": "MONTH", "start": "2026-12-01"}


async def rate(
    scene: Scene,
    rater: str,
    person: str,
    overall: int,
    kind: str = "manager",
    items: dict[str, Any] | None = None,
) -> None:
    employee = scene.people[person]
    assignment = await Assignment.get(plan_id=scene.plan_id, employee_id=employee.id)
    await Evaluation.filter(assignment_id=assignment.id, kind=kind).delete()
    await Evaluation.create(
        company_id=scene.company_id,
        assignment_id=assignment.id,
        plan_id=scene.plan_id,
        employee_id=employee.id,
        department_id=employee.department_id,
        manager_id=employee.manager_id,
        kind=kind,
        state="submitted",
        items=items or {},
        overall_rating=overall if kind == "manager" else None,
        author_id=scene.people[rater].id,
        submitted_at=datetime.now(UTC),
    )


async def rated_scene(api: Any, make_company: Any) -> Scene:
    scene = await finalized_scene(api, make_company)
    for rater, people in RATINGS.items():
        for person, overall in people.items():
            await rate(scene, rater, person, overall)
    return scene


@pytest.fixture
async def scene(db, api, make_company) -> Scene:
    return await rated_scene(api, make_company)


async def effects(scene: Scene, who: str, normalized: bool = False, **scope: str) -> dict:
    variables: dict[str, Any] = {"p": PERIOD, "n": normalized, "s": scope or None}
    return await scene.api.gql(QUERY, variables, as_user=scene.sandbox.user(who))


def by_rater(answer: dict) -> dict[str, dict]:
    assert "errors" not in answer, answer
    return {
        r["manager"]["username"].split("@")[0]: r for r in answer["data"]["raterEffects"]["raters"]
    }


async def test_flags_the_lenient_and_the_severe_manager_and_hides_the_small_one(
    scene: Scene,
) -> None:
    answer = await effects(scene, "hrvp")
    found = answer["data"]["raterEffects"]
    assert (found["companyMean"], found["companySd"], found["minRatees"]) == ("3", "1.47", 5)
    raters = by_rater(answer)
    assert set(raters) == {"vpa", "vpb"}  # mgr rated 3 people: hidden
    vpa, vpb = raters["vpa"], raters["vpb"]
    assert (vpa["ratees"], vpa["mean"], vpa["sd"], vpa["meanGap"]) == (5, "4.4", "0.89", "1.4")
    assert vpa["flags"] == ["LENIENT"]
    assert (vpb["mean"], vpb["meanGap"], vpb["flags"]) == ("1.6", "-1.4", ["SEVERE"])
    assert 0 < vpa["pValue"] < 0.01
    # scipy.stats.ttest_ind([5,5,4,3,5], [1,2,1,3,1,3,3,3], equal_var=False).pvalue
    assert vpa["pValue"] == pytest.approx(0.00188414, rel=1e-5)
    # A lower minimum shows the third rater, who rates everyone alike.
    changed = await scene.api.gql(
        SETTINGS, {"i": {"minRatees": 3}}, as_user=scene.sandbox.user("perf")
    )
    assert "errors" not in changed, changed
    mgr = by_rater(await effects(scene, "hrvp"))["mgr"]
    assert (mgr["ratees"], mgr["sd"], mgr["flags"]) == (3, "0", ["CENTRAL_TENDENCY"])


async def test_self_gap_compares_self_evaluated_figures_with_the_recorded_ones(
    scene: Scene,
) -> None:
    # s1 claims revenue 10 where 9 was recorded (target 10): +10 points; s2 claims 7 of 7.
    await rate(scene, "s1", "s1", 0, "self", {scene.revenue: {"value": "10", "comment": ""}})
    await rate(scene, "s2", "s2", 0, "self", {scene.revenue: {"value": "7", "comment": ""}})
    raters = by_rater(await effects(scene, "gm"))
    assert raters["vpa"]["selfGap"] == "5"
    assert raters["vpb"]["selfGap"] is None


async def test_normalized_scores_are_z_scores_within_the_rater(scene: Scene) -> None:
    answer = await effects(scene, "hrvp", normalized=True)
    assert "errors" not in answer, answer
    rows = answer["data"]["raterEffects"]["normalizedScores"]
    assert {r["manager"]["username"].split("@")[0] for r in rows} == {"vpa", "vpb"}
    vpa = [r for r in rows if r["manager"]["username"].startswith("vpa@")]
    totals = {
        s.employee_id: s.total
        for s in await Score.filter(plan_id=scene.plan_id, total__not_isnull=True)
    }
    people = [scene.people[p].id for p in RATINGS["vpa"]]
    values = [float(totals[p]) for p in people]
    mean, sd = statistics.mean(values), statistics.stdev(values)
    expected = {
        f"{p}@{scene.sandbox.slug}": round((float(totals[scene.people[p].id]) - mean) / sd, 6)
        for p in RATINGS["vpa"]
    }
    assert {r["employee"]["username"]: r["zScore"] for r in vpa} == pytest.approx(expected)
    assert [Decimal(r["score"]) for r in vpa] == sorted(
        (Decimal(r["score"]) for r in vpa), reverse=True
    )


async def test_reach_is_the_callers(scene: Scene) -> None:
    # VPA reaches division A only: his own ratings and mgr's (hidden), never VPB's.
    answer = await effects(scene, "vpa")
    assert set(by_rater(answer)) == {"vpa"}
    assert answer["data"]["raterEffects"]["scopeName"] == "营销中心"
    assert (
        answer["data"]["raterEffects"]["companyMean"] == "3.88"
    )  # (22 + 9) / 8 = 3.875, half to even
    division_b = await effects(
        scene, "hrvp", level="DIVISION", departmentId=scene.sandbox.ids["divB"]
    )
    assert set(by_rater(division_b)) == {"vpb"}
    assert error(
        await effects(scene, "vpa", level="DIVISION", departmentId=scene.sandbox.ids["divB"])
    ) == (
        "FORBIDDEN",
        "FORBIDDEN",
    )
    for who in ("mgr", "staff"):
        assert error(await effects(scene, who))[0] == "FORBIDDEN"


async def test_another_tenant_sees_nothing_of_this_one(scene: Scene, make_company) -> None:
    other = await make_company()
    answer = await scene.api.gql(
        QUERY, {"p": PERIOD, "n": True, "s": None}, as_user=other.user("hrvp")
    )
    assert "errors" not in answer, answer
    assert answer["data"]["raterEffects"]["raters"] == []
    assert answer["data"]["raterEffects"]["companyMean"] is None
    foreign = await scene.api.gql(
        QUERY,
        {
            "p": PERIOD,
            "n": False,
            "s": {"level": "DIVISION", "departmentId": scene.sandbox.ids["divA"]},
        },
        as_user=other.user("hrvp"),
    )
    assert error(foreign)[0] == "NOT_FOUND"
