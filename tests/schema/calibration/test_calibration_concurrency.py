"""Only one lock, however many lockers race; concurrent changes of one person are safe; a
change racing a lock is either in the pushed version or refused."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest

from schema.ids import decode
from server.models import AuditEntry, CalibrationChange, CalibrationSession, Score, ScoreVersion
from tests.schema.calibration.support import change, error, finalized_scene, lock, open_session
from tests.server.score_pipeline_support import Scene


@pytest.fixture
async def scene(db, api, make_company) -> Scene:
    return await finalized_scene(api, make_company)


def outcomes(answers: list[dict[str, Any]]) -> Counter[str]:
    return Counter("ok" if "errors" not in a else error(a)[1] for a in answers)


async def test_concurrent_locks_lock_once(scene: Scene) -> None:
    sid = (await open_session(scene))["data"]["openCalibrationSession"]["id"]
    assert "errors" not in await change(scene, sid, "staff", "good", "one")
    assert "errors" not in await change(scene, sid, "p4", "good", "two")
    answers = await asyncio.gather(*(lock(scene, sid, p) for p in ("hrvp", "gm", "hrvp", "gm")))
    assert outcomes(answers) == Counter({"ok": 1, "CALIBRATION_LOCKED": 3}), answers
    session_id = decode(sid, "CalibrationSession")
    assert (await CalibrationSession.get(id=session_id)).state == "locked"
    for person in ("staff", "p4"):
        row = await Score.get(plan_id=scene.plan_id, employee_id=scene.people[person].id)
        assert (row.version, row.grade) == (2, "good")
        assert await ScoreVersion.filter(score_id=row.id).count() == 2
    locks = AuditEntry.filter(object_id=str(session_id), action="calibration.lock")
    assert await locks.count() == 1


async def test_concurrent_first_changes_of_one_person_one_wins(scene: Scene) -> None:
    sid = (await open_session(scene))["data"]["openCalibrationSession"]["id"]
    answers = await asyncio.gather(
        change(scene, sid, "s2", "excellent", "first", expectedRevision=0),
        change(scene, sid, "s2", "pass", "second", by="gm", expectedRevision=0),
    )
    assert outcomes(answers) == Counter({"ok": 1, "CALIBRATION_SCORE_CHANGED": 1}), answers
    (row,) = await CalibrationChange.filter(session_id=decode(sid, "CalibrationSession"))
    assert row.revision == 1
    # The loser reads revision 1 and changes it again; a stale revision is refused.
    again = await change(scene, sid, "s2", "good", "third", expectedRevision=1)
    assert again["data"]["calibrateResult"]["revision"] == 2
    stale = await change(scene, sid, "s2", "fail", "fourth", expectedRevision=1)
    assert error(stale) == ("CONFLICT", "CALIBRATION_SCORE_CHANGED")


async def test_a_change_racing_the_lock_is_pushed_or_refused(scene: Scene) -> None:
    sid = (await open_session(scene))["data"]["openCalibrationSession"]["id"]
    changed, locked = await asyncio.gather(
        change(scene, sid, "s4", "good", "racing"), lock(scene, sid, "gm")
    )
    assert "errors" not in locked, locked
    row = await Score.get(plan_id=scene.plan_id, employee_id=scene.people["s4"].id)
    if "errors" in changed:
        assert error(changed) == ("CONFLICT", "CALIBRATION_LOCKED")
        assert (row.version, row.grade) == (1, "pass")
    else:
        assert (row.version, row.grade) == (2, "good")
