"""Frozen versions through GraphQL: finalizing freezes version 1, a correction reopens the
score and freezes version 2, and every version stays readable with why it was reopened."""

from __future__ import annotations

from typing import Any

import pytest

from schema.ids import encode
from server.scoring.recompute import recompute
from tests.server.score_pipeline_support import Scene, make_scene

SCORE = """query($id: ID!) { score(id: $id) { total frozen version explanation
  versions { version status total grade { key name } explanation frozenAt
    frozenBy { username } reopenReason reopenedBy { username } indicators { key score } } } }"""
REOPEN = """mutation($id: ID!, $r: String!) { reopenScore(id: $id, reason: $r) {
  frozen version total } }"""
FREEZE = "mutation($id: ID!) { freezeScore(id: $id) { frozen version total } }"


@pytest.fixture
async def scene(db, api, make_company) -> Scene:
    return await make_scene(api, make_company)


async def as_(scene: Scene, person: str, query: str, variables: Any) -> Any:
    return await scene.api.gql(query, variables, as_user=scene.sandbox.user(person))


def reason(answer: dict[str, Any]) -> str:
    return answer["errors"][0]["extensions"]["reason"]


async def test_a_correction_is_a_new_version_and_the_old_one_stays(scene: Scene) -> None:
    await scene.assign("staff")
    await scene.actual("staff", scene.revenue, "12")
    await scene.actual("staff", scene.customers, "5")
    await recompute(scene.company_id, scene.plan_id)
    score_id = encode("Score", (await scene.score("staff")).id)
    for action in ("START_EVALUATION", "FINALIZE"):
        assert "errors" not in await scene.step(action), action

    frozen = (await as_(scene, "mgr", SCORE, {"id": score_id}))["data"]["score"]
    assert (frozen["frozen"], frozen["version"], frozen["total"]) == (True, 1, "122")
    (first,) = frozen["versions"]
    assert (first["version"], first["total"], first["grade"]["key"]) == (1, "122", "excellent")
    assert first["explanation"] == "72 + 50 = 122 → Excellent"
    assert (first["reopenReason"], first["reopenedBy"]) == ("", None)
    assert first["frozenBy"]["username"] == scene.sandbox.user("perf")

    # Only the performance admin corrects a score; a manager who reads it may not.
    assert reason(await as_(scene, "mgr", REOPEN, {"id": score_id, "r": "改"})) == "FORBIDDEN"
    assert reason(await as_(scene, "perf", REOPEN, {"id": score_id, "r": " "})) == "REQUIRED"
    reopened = await as_(scene, "perf", REOPEN, {"id": score_id, "r": "新客户数录入有误"})
    assert reopened["data"]["reopenScore"] == {"frozen": False, "version": 1, "total": "122"}
    await scene.actual("staff", scene.customers, "4")
    await recompute(scene.company_id, scene.plan_id)
    done = await as_(scene, "perf", FREEZE, {"id": score_id})
    assert done["data"]["freezeScore"] == {"frozen": True, "version": 2, "total": "112"}
    assert reason(await as_(scene, "perf", FREEZE, {"id": score_id})) == "SCORE_FROZEN"

    read = await scene.api.gql(
        SCORE, {"id": score_id}, as_user=scene.sandbox.user("hrvp"), lang="zh"
    )
    old, new = read["data"]["score"]["versions"]
    assert (old["version"], old["total"], old["explanation"]) == (1, "122", "72 + 50 = 122 → 优秀")
    assert (new["version"], new["total"], new["grade"]["name"]) == (2, "112", "优秀")
    assert new["explanation"] == "72 + 40 = 112 → 优秀"
    assert new["reopenReason"] == "新客户数录入有误"
    assert new["reopenedBy"]["username"] == scene.sandbox.user("perf")
    assert [i["score"] for i in new["indicators"]] == ["120", "100"]


async def test_the_employee_sees_no_half_done_correction(scene: Scene) -> None:
    await scene.assign("staff")
    await scene.actual("staff", scene.revenue, "12")
    await scene.actual("staff", scene.customers, "5")
    await recompute(scene.company_id, scene.plan_id)
    score_id = encode("Score", (await scene.score("staff")).id)
    for action in ("START_EVALUATION", "FINALIZE"):
        assert "errors" not in await scene.step(action), action
    publish = "mutation($p: ID!) { publishResults(planId: $p) { publishAt } }"
    plan = encode("Plan", scene.plan_id)
    assert "errors" not in await as_(scene, "perf", publish, {"p": plan})
    mine = "query { myScores { total version } }"
    assert (await as_(scene, "staff", mine, {}))["data"]["myScores"] == [
        {"total": "122", "version": 1}
    ]

    await as_(scene, "perf", REOPEN, {"id": score_id, "r": "新客户数录入有误"})
    await scene.actual("staff", scene.customers, "4")
    await recompute(scene.company_id, scene.plan_id)
    # Under correction: the manager sees the live 112, the employee nothing of it.
    assert (await as_(scene, "mgr", SCORE, {"id": score_id}))["data"]["score"]["total"] == "112"
    assert (await as_(scene, "staff", mine, {}))["data"]["myScores"] == []
    hidden = await as_(scene, "staff", SCORE, {"id": score_id})
    assert hidden["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    await as_(scene, "perf", FREEZE, {"id": score_id})
    assert (await as_(scene, "staff", mine, {}))["data"]["myScores"] == [
        {"total": "112", "version": 2}
    ]
