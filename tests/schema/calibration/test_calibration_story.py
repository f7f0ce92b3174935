"""The calibration story through the app: a session over the company, blocked by the guideline
in BLOCK mode, two grades moved with reasons, locked as the scores' next version, published."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from schema.ids import decode, encode
from server.models import AuditEntry, Score, ScoreVersion
from server.scoring import publishing
from tests.schema.calibration.support import (
    PUBLISH,
    change,
    distribution,
    error,
    finalized_scene,
    guideline,
    lock,
    open_session,
)
from tests.server.score_pipeline_support import Scene

ENTRIES = """query($s: ID!, $d: ID) { calibrationEntries(sessionId: $s, departmentId: $d, first: 20) {
  edges { node { employee { username } computedGrade { key } grade { key } computedTotal total
    change { reason } } } } }"""
MY_SCORE = "query { myScores { total grade { key } version frozen } }"


@pytest.fixture
async def scene(db, api, make_company) -> Scene:
    return await finalized_scene(api, make_company)


def grade_counts(group: dict[str, Any]) -> dict[str, tuple[int, str]]:
    return {g["grade"]["key"]: (g["count"], g["status"]) for g in group["grades"]}


async def test_block_then_two_changes_then_lock_and_publish(scene: Scene) -> None:
    set_block = await guideline(scene, enforcement="BLOCK")
    assert set_block["data"]["updateCalibrationGuideline"]["enforcement"] == "BLOCK", set_block
    opened = await open_session(scene)
    assert "errors" not in opened, opened
    session = opened["data"]["openCalibrationSession"]
    assert (session["scope"], session["state"], session["department"]) == (
        "COMPANY",
        "OPEN",
        None,
    )
    sid = session["id"]
    node = "query($id: ID!) { node(id: $id) { ... on CalibrationSession { state scope } } }"
    by_id = await scene.api.gql(node, {"id": sid}, as_user=scene.sandbox.user("gm"))
    assert by_id["data"]["node"] == {"state": "OPEN", "scope": "COMPANY"}, by_id
    hidden = await scene.api.gql(node, {"id": sid}, as_user=scene.sandbox.user("staff"))
    assert error(hidden)[0] == "NOT_FOUND", hidden

    # 13 people, 4 of them Excellent: 30.8 % against at most 20 % (2 heads).
    answer = await distribution(scene, sid)
    assert "errors" not in answer, answer
    before = answer["data"]["calibrationDistribution"]
    assert before["scope"]["headcount"] == 13
    assert grade_counts(before["scope"])["excellent"] == (4, "ABOVE")
    assert before["scope"]["withinGuideline"] is False

    blocked = await lock(scene, sid)
    assert error(blocked) == ("CONFLICT", "CALIBRATION_OUTSIDE_GUIDELINE")
    message = blocked["errors"][0]["message"]
    assert "excellent" in message and f"Test {scene.sandbox.slug}" in message, message
    assert (
        await Score.get(plan_id=scene.plan_id, employee_id=scene.people["staff"].id)
    ).version == 1

    # Two grades move, each with a reason; the computed result stays beside them.
    first = await change(scene, sid, "staff", "good", "大客户订单跨期，按季度口径调整")
    assert "errors" not in first, first
    moved = first["data"]["calibrateResult"]
    assert (moved["computedGrade"]["key"], moved["grade"]["key"]) == ("excellent", "good")
    assert (moved["computedTotal"], moved["total"], moved["revision"]) == ("94", None, 1)
    assert moved["changedBy"]["username"] == scene.sandbox.user("hrvp")
    second = await change(
        scene, sid, "s1", "good", "Team result, not individual", by="gm", total="85"
    )
    assert second["data"]["calibrateResult"]["total"] == "85", second
    no_reason = await change(scene, sid, "s2", "excellent", "  ")
    assert error(no_reason) == ("BAD_USER_INPUT", "REQUIRED")
    unknown = await change(scene, sid, "s2", "superb", "why not")
    assert error(unknown) == ("BAD_USER_INPUT", "CALIBRATION_UNKNOWN_GRADE")

    after = (await distribution(scene, sid))["data"]["calibrationDistribution"]
    assert grade_counts(after["scope"])["excellent"] == (2, "WITHIN")
    assert grade_counts(after["scope"])["good"] == (6, "UNCHECKED")  # no rule for good
    sales = next(g for g in after["departments"] if g["name"] == "销售一部")
    assert {g["grade"]["key"]: (g["count"], g["computedCount"]) for g in sales["grades"]} == {
        "excellent": (1, 3),
        "good": (4, 2),
        "pass": (2, 2),
        "fail": (1, 1),
    }
    assert sales["withinGuideline"] is True
    assert after["scope"]["withinGuideline"] is True

    entries = await scene.api.gql(
        ENTRIES, {"s": sid, "d": scene.sandbox.ids["sales"]}, as_user=scene.sandbox.user("hrvp")
    )
    rows = {
        e["node"]["employee"]["username"].split("@")[0]: e["node"]
        for e in entries["data"]["calibrationEntries"]["edges"]
    }
    assert len(rows) == 8
    assert (rows["s1"]["computedGrade"]["key"], rows["s1"]["grade"]["key"]) == ("excellent", "good")
    assert (rows["s1"]["computedTotal"], rows["s1"]["total"]) == ("94", "85")
    assert rows["s1"]["change"]["reason"] == "Team result, not individual"
    assert rows["s2"]["change"] is None and rows["s2"]["total"] == "82"

    locked = await lock(scene, sid)
    assert "errors" not in locked, locked
    assert locked["data"]["lockCalibrationSession"]["state"] == "LOCKED"
    late = await change(scene, sid, "s2", "excellent", "too late")
    assert error(late) == ("CONFLICT", "CALIBRATION_LOCKED")
    # Locked, the scores hold the calibrated results; the computed ones are still shown.
    final = (await distribution(scene, sid))["data"]["calibrationDistribution"]["scope"]
    excellent = next(g for g in final["grades"] if g["grade"]["key"] == "excellent")
    assert (excellent["count"], excellent["computedCount"]) == (2, 4)
    assert final["computedAverage"] != final["average"]  # s1's 94 became 85

    # The calibrated results are the scores' next frozen version, with the reasons.
    staff = await Score.get(plan_id=scene.plan_id, employee_id=scene.people["staff"].id)
    assert (staff.frozen, staff.version, staff.grade, staff.total) == (True, 2, "good", 94)
    assert staff.result["calibration"]["computed_grade"] == "excellent"
    s1 = await Score.get(plan_id=scene.plan_id, employee_id=scene.people["s1"].id)
    assert (s1.version, s1.grade, s1.total) == (2, "good", 85)
    versions = await ScoreVersion.filter(score_id=s1.id).order_by("version")
    assert [(v.version, v.grade) for v in versions] == [(1, "excellent"), (2, "good")]
    assert versions[1].reopen_reason == "calibration: Team result, not individual"
    assert versions[1].reopened_by == scene.people["gm"].id
    untouched = await Score.get(plan_id=scene.plan_id, employee_id=scene.people["s2"].id)
    assert untouched.version == 1
    audited = await AuditEntry.filter(
        company_id=scene.company_id, object_id=str(decode(sid, "CalibrationSession"))
    ).values_list("action", flat=True)
    assert sorted(audited) == sorted(
        ["calibration.open", "calibration.change", "calibration.change", "calibration.lock"]
    )

    # Nothing reaches the employee before publishing; then the calibrated result does.
    hidden = await scene.api.gql(MY_SCORE, as_user=scene.sandbox.user("staff"))
    assert hidden["data"]["myScores"] == []
    published = await scene.api.gql(
        PUBLISH, {"p": encode("Plan", scene.plan_id)}, as_user=scene.sandbox.user("hrvp")
    )
    assert published["data"]["publishResults"]["effective"] is True, published
    shown = await scene.api.gql(MY_SCORE, as_user=scene.sandbox.user("staff"))
    assert shown["data"]["myScores"] == [
        {"total": "94", "grade": {"key": "good"}, "version": 2, "frozen": True}
    ]


async def test_a_locked_session_is_published_on_a_set_date(
    scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = (await open_session(scene, "gm"))["data"]["openCalibrationSession"]["id"]
    assert "errors" not in await change(
        scene, sid, "worker", "excellent", "Saved the line", by="gm"
    )
    # WARN (the default): the breach is shown, the lock goes through.
    assert (await lock(scene, sid, "gm"))["data"]["lockCalibrationSession"]["state"] == "LOCKED"
    at = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    scheduled = await scene.api.gql(
        PUBLISH,
        {"p": encode("Plan", scene.plan_id), "at": at.isoformat()},
        as_user=scene.sandbox.user("hrvp"),
    )
    assert scheduled["data"]["publishResults"]["effective"] is False, scheduled
    assert (await scene.api.gql(MY_SCORE, as_user=scene.sandbox.user("worker")))["data"][
        "myScores"
    ] == []
    monkeypatch.setattr(publishing, "utcnow", lambda: at + timedelta(seconds=1))
    shown = await scene.api.gql(MY_SCORE, as_user=scene.sandbox.user("worker"))
    assert shown["data"]["myScores"][0]["grade"] == {"key": "excellent"}
    # Published (even if only scheduled): no new session, no change.
    again = await open_session(scene, scope="DIVISION", department="divA")
    assert error(again) == ("CONFLICT", "CALIBRATION_PUBLISHED")


async def test_results_wait_for_an_open_session(scene: Scene) -> None:
    """Publishing while a session is open would release uncalibrated results (and leave the
    session unable to lock): refused until the session is locked."""
    sid = (await open_session(scene, "gm"))["data"]["openCalibrationSession"]["id"]
    early = await scene.api.gql(
        PUBLISH, {"p": encode("Plan", scene.plan_id)}, as_user=scene.sandbox.user("hrvp")
    )
    assert error(early) == ("CONFLICT", "RESULTS_CALIBRATING")
    assert "calibration" in early["errors"][0]["message"]
    assert (await lock(scene, sid, "gm"))["data"]["lockCalibrationSession"]["state"] == "LOCKED"
    published = await scene.api.gql(
        PUBLISH, {"p": encode("Plan", scene.plan_id)}, as_user=scene.sandbox.user("hrvp")
    )
    assert published["data"]["publishResults"]["effective"] is True, published


async def test_small_groups_show_counts_only(scene: Scene) -> None:
    assert "errors" not in await guideline(scene, minGroupSize=6)
    sid = (await open_session(scene))["data"]["openCalibrationSession"]["id"]
    found = (await distribution(scene, sid))["data"]["calibrationDistribution"]
    assert found["guideline"]["minGroupSize"] == 6
    groups = {g["name"]: g for g in found["departments"] + found["divisions"]}
    assert set(groups) == {"销售一部", "装配车间", "营销中心", "生产中心"}
    plant, division_b = groups["装配车间"], groups["生产中心"]
    for small in (plant, division_b):
        assert (small["headcount"], small["masked"], small["average"]) == (5, True, None)
        assert small["withinGuideline"] is None
        assert {g["share"] for g in small["grades"]} == {None}
        assert {g["status"] for g in small["grades"]} == {"UNCHECKED"}
        assert sum(g["count"] for g in small["grades"]) == 5  # the counts stay
    assert plant["computedAverage"] is None
    sales = groups["销售一部"]
    assert (sales["headcount"], sales["masked"]) == (8, False)
    # 6 x (9+9+9+7+7+5+5+3) + 8 x 40 = 644, over 8 people.
    assert sales["average"] == "80.5" or sales["average"] == "80.50"
    shares = {g["grade"]["key"]: g["share"] for g in sales["grades"]}
    assert shares["excellent"] in ("37.5", "37.50")
    scope = found["scope"]
    assert (scope["masked"], scope["headcount"]) == (False, 13)
    # No target shares in the default guideline: no target counts.
    assert {g["targetCount"] for g in scope["grades"]} == {None}
    assert "errors" not in await guideline(
        scene,
        rules=[
            {"grade": "excellent", "maxShare": "20", "targetShare": "20"},
            {"grade": "good", "targetShare": "30"},
            {"grade": "pass", "targetShare": "40"},
            {"grade": "fail", "minShare": "5", "targetShare": "10"},
        ],
    )
    found = (await distribution(scene, sid))["data"]["calibrationDistribution"]
    # 13 people: 2.6 3.9 5.2 1.3 -> 2 3 5 1 and the remainders .9 then .6 -> 3 4 5 1.
    targets = [g["targetCount"] for g in found["scope"]["grades"]]
    assert targets == [3, 4, 5, 1]
    assert sum(targets) == 13
