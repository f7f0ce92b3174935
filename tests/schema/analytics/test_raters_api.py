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

import base64
import json
import logging
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
QUERY = """query($p: AnalyticsPeriodInput!, $s: AnalyticsScopeInput) {
  raterEffects(period: $p, scope: $s) {
    scopeName companyMean companySd minRatees
    raters { manager { username } ratees ratings mean sd meanGap selfGap pValue flags } } }"""
NORMALIZED = """query($p: AnalyticsPeriodInput!, $m: ID, $f: Int!, $a: String) {
  raterEffects(period: $p) { normalizedScores(managerId: $m, first: $f, after: $a) {
    edges { cursor node { employee { username } manager { username } score zScore } }
    pageInfo { hasNextPage endCursor } } } }"""
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


async def effects(scene: Scene, who: str, **scope: str) -> dict:
    variables: dict[str, Any] = {"p": PERIOD, "s": scope or None}
    return await scene.api.gql(QUERY, variables, as_user=scene.sandbox.user(who))


async def normalized(scene: Scene, first: int = 50, after: str | None = None, **more: Any) -> dict:
    variables = {"p": PERIOD, "f": first, "a": after, **more}
    return await scene.api.gql(NORMALIZED, variables, as_user=scene.sandbox.user("hrvp"))


async def every_normalized(scene: Scene, first: int, manager: str | None = None) -> list[dict]:
    """Every row, ``first`` at a time, following the cursors."""
    rows: list[dict] = []
    after = None
    while True:
        answer = await normalized(scene, first, after, m=manager)
        assert "errors" not in answer, answer
        page = answer["data"]["raterEffects"]["normalizedScores"]
        assert len(page["edges"]) <= first
        rows += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return rows
        after = page["pageInfo"]["endCursor"]


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


def name(row: dict, role: str = "employee") -> str:
    return row[role]["username"].split("@")[0]


async def test_normalized_scores_are_z_scores_within_the_rater(scene: Scene) -> None:
    rows = await every_normalized(scene, 50)
    assert {name(r, "manager") for r in rows} == {"vpa", "vpb"}
    totals = {
        s.employee_id: s.total
        for s in await Score.filter(plan_id=scene.plan_id, total__not_isnull=True)
    }
    for rater in ("vpa", "vpb"):
        mine = [r for r in rows if name(r, "manager") == rater]
        people = [scene.people[p].id for p in RATINGS[rater] if scene.people[p].id in totals]
        values = [float(totals[p]) for p in people]
        mean, sd = statistics.mean(values), statistics.stdev(values)
        expected = {
            p: round((float(totals[scene.people[p].id]) - mean) / sd, 6)
            for p in RATINGS[rater]
            if scene.people[p].id in totals
        }
        assert {name(r): r["zScore"] for r in mine} == pytest.approx(expected)
    # by rater, then score (z-score) descending: each rater's rows together
    raters = [name(r, "manager") for r in rows]
    assert raters == sorted(raters, key=lambda r: raters.index(r))
    for rater in ("vpa", "vpb"):
        scores = [Decimal(r["score"]) for r in rows if name(r, "manager") == rater]
        assert scores == sorted(scores, reverse=True)


async def test_normalized_scores_page_with_cursors_and_filter_by_rater(scene: Scene) -> None:
    whole = await every_normalized(scene, 100)
    assert len(whole) >= 8
    for first in (1, 3):
        assert await every_normalized(scene, first) == whole  # no row lost or repeated
    vpb = scene.sandbox.ids["vpb"]
    assert await every_normalized(scene, 2, vpb) == [
        r for r in whole if name(r, "manager") == "vpb"
    ]
    # a rater not shown (mgr rated 3 < minRatees people) or no rater: an empty page
    for who in ("mgr", "staff"):
        answer = await normalized(scene, m=scene.sandbox.ids[who])
        assert answer["data"]["raterEffects"]["normalizedScores"]["edges"] == [], answer
    first_page = await normalized(scene, 0)
    assert first_page["data"]["raterEffects"]["normalizedScores"]["pageInfo"]["hasNextPage"]


async def test_normalized_scores_refuse_odd_pages(scene: Scene) -> None:
    assert error(await normalized(scene, 101))[0] == "BAD_USER_INPUT"
    assert error(await normalized(scene, -1))[0] == "BAD_USER_INPUT"
    page = await normalized(scene, 1)
    good = page["data"]["raterEffects"]["normalizedScores"]["edges"][0]["cursor"]
    key, row = json.loads(base64.urlsafe_b64decode(good + "=" * (-len(good) % 4)))
    odd = [
        ["x/1", row],
        [key.split("/")[0] + "/abc", row],
        [key.split("/")[0] + "/" + "9" * 30, row],
    ]
    for value in ("nonsense", *(_cursor(k) for k in odd)):
        assert error(await normalized(scene, 1, value)) == ("BAD_USER_INPUT", "BAD_CURSOR"), value
    assert error(await normalized(scene, 1, m="nonsense"))[0] == "BAD_USER_INPUT"


def _cursor(value: list[str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


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
    answer = await scene.api.gql(QUERY, {"p": PERIOD, "s": None}, as_user=other.user("hrvp"))
    assert "errors" not in answer, answer
    assert answer["data"]["raterEffects"]["raters"] == []
    assert answer["data"]["raterEffects"]["companyMean"] is None
    foreign = await scene.api.gql(
        QUERY,
        {
            "p": PERIOD,
            "s": {"level": "DIVISION", "departmentId": scene.sandbox.ids["divA"]},
        },
        as_user=other.user("hrvp"),
    )
    assert error(foreign)[0] == "NOT_FOUND"


async def test_a_page_costs_the_same_statements_whatever_its_size(scene: Scene, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="tortoise.db_client")
    counts: dict[int, int] = {}
    for first in (2, 2, 50, 2, 50):  # the first request warms the caches
        caplog.clear()
        assert "errors" not in await normalized(scene, first)
        found = sum(
            1 for r in caplog.records if r.name == "tortoise.db_client" and r.msg == "%s: %s"
        )
        # the least of two: a cache expiring (sign-in, settings) may add one to a request
        counts[first] = min(counts.get(first, found), found)
    assert counts[2] == counts[50], counts
