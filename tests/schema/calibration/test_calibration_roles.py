"""Who may open, read, change, lock and export a calibration session, and set the guideline:
the shipped policy through the app. Another tenant's ids are NOT_FOUND."""

from __future__ import annotations

from typing import Any

import pytest

from schema.ids import encode
from tests.schema.calibration.support import (
    CHANGE,
    EXPORT,
    SESSION,
    change,
    error,
    finalized_scene,
    guideline,
    lock,
    open_session,
    score_id,
)
from tests.server.score_pipeline_support import Scene, make_scene

READ_GUIDELINE = "query { calibrationGuideline { enforcement minGroupSize revision } }"
SESSIONS = "query($p: ID) { calibrationSessions(planId: $p) { id } }"
EVERYONE = ("gm", "hrvp", "perf", "vpa", "vpb", "mgr", "staff", "worker", "admin")


@pytest.fixture
async def scene(db, api, make_company) -> Scene:
    return await finalized_scene(api, make_company)


def outcome(answer: dict[str, Any]) -> str:
    return "ok" if "errors" not in answer else error(answer)[0]


async def ask(scene: Scene, query: str, variables: dict[str, Any], person: str) -> str:
    return outcome(await scene.api.gql(query, variables, as_user=scene.sandbox.user(person)))


async def test_who_opens_a_session(scene: Scene, make_company: Any) -> None:
    found = {p: outcome(await open_session(scene, p, "DIVISION", "divA")) for p in EVERYONE}
    # The GM opened it; after him, the one session of the scope exists (CONFLICT) for
    # whoever may open one; everyone else is refused before that.
    assert found == {
        "gm": "ok",
        "hrvp": "CONFLICT",
        "perf": "FORBIDDEN",
        "vpa": "FORBIDDEN",
        "vpb": "FORBIDDEN",
        "mgr": "FORBIDDEN",
        "staff": "FORBIDDEN",
        "worker": "FORBIDDEN",
        "admin": "NOT_FOUND",  # IT does not see plans
    }
    assert error(await open_session(scene, "gm", "DIVISION", "divA")) == (
        "CONFLICT",
        "CALIBRATION_EXISTS",
    )
    # A scope inside an open one is refused: one person is calibrated by one session.
    assert error(await open_session(scene, "gm", "DEPARTMENT", "sales")) == (
        "CONFLICT",
        "CALIBRATION_OVERLAP",
    )
    assert error(await open_session(scene, "gm", "COMPANY")) == ("CONFLICT", "CALIBRATION_OVERLAP")
    assert outcome(await open_session(scene, "gm", "DEPARTMENT", "plant")) == "ok"
    # A division scope names a division, a department scope a department.
    assert error(await open_session(scene, "gm", "DIVISION", "plant")) == (
        "BAD_USER_INPUT",
        "INVALID_FORMAT",
    )
    assert error(await open_session(scene, "gm", "DEPARTMENT")) == ("BAD_USER_INPUT", "REQUIRED")
    other = await make_company()
    stranger = await scene.api.gql(
        "mutation($i: OpenCalibrationSessionInput!) { openCalibrationSession(input: $i) { id } }",
        {"i": {"planId": _plan(scene), "scope": "COMPANY"}},
        as_user=other.user("hrvp"),
    )
    assert error(stranger) == ("NOT_FOUND", "NOT_FOUND")


def _plan(scene: Scene) -> str:
    return encode("Plan", scene.plan_id)


async def test_a_session_is_only_opened_over_finalized_results(db, api, make_company) -> None:
    active = await make_scene(api, make_company)
    refused = await open_session(active)
    assert error(refused) == ("CONFLICT", "CALIBRATION_NOT_FINAL")
    assert "active" in refused["errors"][0]["message"]


async def test_who_reads_changes_locks_and_exports(scene: Scene, make_company: Any) -> None:
    sid = (await open_session(scene))["data"]["openCalibrationSession"]["id"]
    reads = {p: await ask(scene, SESSION, {"id": sid}, p) for p in EVERYONE}
    assert reads == {
        "gm": "ok",
        "hrvp": "ok",
        "perf": "ok",
        **{p: "NOT_FOUND" for p in ("vpa", "vpb", "mgr", "staff", "worker", "admin")},
    }
    listed = {
        p: len(
            (await scene.api.gql(SESSIONS, {"p": _plan(scene)}, as_user=scene.sandbox.user(p)))[
                "data"
            ]["calibrationSessions"]
        )
        for p in EVERYONE
    }
    assert listed == {p: 1 if p in ("gm", "hrvp", "perf") else 0 for p in EVERYONE}

    changes = {
        p: outcome(await change(scene, sid, "s2", "excellent", f"by {p}", by=p)) for p in EVERYONE
    }
    assert changes == {
        "gm": "ok",
        "hrvp": "ok",
        "perf": "FORBIDDEN",
        **{p: "NOT_FOUND" for p in ("vpa", "vpb", "mgr", "staff", "worker", "admin")},
    }
    exports = {p: await ask(scene, EXPORT, {"s": sid}, p) for p in EVERYONE}
    assert exports == {
        "gm": "ok",
        "hrvp": "ok",
        "perf": "FORBIDDEN",
        **{p: "NOT_FOUND" for p in ("vpa", "vpb", "mgr", "staff", "worker", "admin")},
    }
    locks = {p: outcome(await lock(scene, sid, p)) for p in EVERYONE if p not in ("gm", "hrvp")}
    assert locks == {
        "perf": "FORBIDDEN",
        **{p: "NOT_FOUND" for p in ("vpa", "vpb", "mgr", "staff", "worker", "admin")},
    }

    # Another tenant: its HR VP sees nothing of this session, and this session takes none of
    # its scores.
    other = await make_company()
    stranger = await scene.api.gql(SESSION, {"id": sid}, as_user=other.user("hrvp"))
    assert error(stranger) == ("NOT_FOUND", "NOT_FOUND")
    locked_by_stranger = await scene.api.gql(
        "mutation($id: ID!) { lockCalibrationSession(id: $id) { id } }",
        {"id": sid},
        as_user=other.user("hrvp"),
    )
    assert error(locked_by_stranger) == ("NOT_FOUND", "NOT_FOUND")
    other_scene = await finalized_scene(scene.api, make_company)
    crossed = await scene.api.gql(
        CHANGE,
        {
            "i": {
                "sessionId": sid,
                "scoreId": await score_id(other_scene, "staff"),
                "grade": "good",
                "reason": "not ours",
            }
        },
        as_user=scene.sandbox.user("hrvp"),
    )
    assert error(crossed) == ("NOT_FOUND", "NOT_FOUND")

    assert outcome(await lock(scene, sid, "gm")) == "ok"
    assert error(await lock(scene, sid, "hrvp")) == ("CONFLICT", "CALIBRATION_LOCKED")


async def test_who_reads_and_sets_the_guideline(scene: Scene) -> None:
    reads = {p: await ask(scene, READ_GUIDELINE, {}, p) for p in EVERYONE}
    assert reads == {p: "ok" if p in ("gm", "hrvp", "perf") else "FORBIDDEN" for p in EVERYONE}
    sets = {p: outcome(await guideline(scene, p, minGroupSize=4)) for p in EVERYONE}
    assert sets == {p: "ok" if p == "hrvp" else "FORBIDDEN" for p in EVERYONE}
    read = await scene.api.gql(READ_GUIDELINE, as_user=scene.sandbox.user("gm"))
    assert read["data"]["calibrationGuideline"] == {
        "enforcement": "WARN",
        "minGroupSize": 4,
        "revision": 1,
    }
    stale = await guideline(scene, "hrvp", minGroupSize=3, expectedRevision=0)
    assert error(stale) == ("CONFLICT", "CALIBRATION_SETTINGS_CHANGED")
    bad = [
        ({"rules": [{"grade": "superb", "maxShare": "20"}]}, "CALIBRATION_UNKNOWN_GRADE"),
        (
            {"rules": [{"grade": "fail", "minShare": "30", "maxShare": "20"}]},
            "CALIBRATION_GUIDELINE_INVALID",
        ),
        ({"rules": [{"grade": "fail", "targetShare": "30"}]}, "CALIBRATION_GUIDELINE_INVALID"),
        ({"rules": [{"grade": "fail"}, {"grade": "fail"}]}, "DUPLICATE_NAME"),
        ({"rules": [{"grade": "fail", "maxShare": "120"}]}, "INVALID_FORMAT"),
        ({"minGroupSize": 0}, "INVALID_FORMAT"),
        ({}, "NOTHING_TO_UPDATE"),
    ]
    for patch, reason in bad:
        assert error(await guideline(scene, "hrvp", **patch)) == ("BAD_USER_INPUT", reason), patch
