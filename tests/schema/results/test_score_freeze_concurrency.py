"""Two reopens, or two freezes, of one score at the same moment: exactly one succeeds."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from tortoise.exceptions import IntegrityError

from server.errors import Conflict
from server.models import AuditEntry, Score, ScoreVersion
from server.scoring.freezing import freeze_score, reopen_score
from server.scoring.recompute import recompute
from server.scoring.writes import insert_versions
from tests.schema.results.test_score_freeze import finalize
from tests.server.score_pipeline_support import Scene, make_scene


@pytest.fixture
async def scene(db, api, make_company) -> Scene:
    scene = await make_scene(api, make_company)
    await scene.assign("staff")
    await scene.actual("staff", scene.revenue, "12")
    await scene.actual("staff", scene.customers, "5")
    await recompute(scene.company_id, scene.plan_id)
    await finalize(scene)
    return scene


def outcome(results: list[object]) -> list[str]:
    for r in results:
        if isinstance(r, BaseException) and not isinstance(r, Conflict):
            raise r
    return sorted("conflict" if isinstance(r, Conflict) else "done" for r in results)


async def test_two_reopens_at_once_one_succeeds(scene: Scene) -> None:
    staff = await scene.score("staff")
    perf = await scene.actor("perf")
    results = await asyncio.gather(
        reopen_score(perf, staff.id, "first"),
        reopen_score(perf, staff.id, "second"),
        return_exceptions=True,
    )
    assert outcome(results) == ["conflict", "done"]
    assert await AuditEntry.filter(object_id=str(staff.id), action="score.reopen").count() == 1
    row = await Score.get(id=staff.id)
    assert (row.frozen, row.version) == (False, 1)


async def test_two_freezes_at_once_one_succeeds(scene: Scene) -> None:
    staff = await scene.score("staff")
    perf = await scene.actor("perf")
    await reopen_score(perf, staff.id, "a correction")
    results = await asyncio.gather(
        freeze_score(perf, staff.id), freeze_score(perf, staff.id), return_exceptions=True
    )
    assert outcome(results) == ["conflict", "done"]
    versions = await ScoreVersion.filter(score_id=staff.id).order_by("version")
    assert [v.version for v in versions] == [1, 2]
    assert await AuditEntry.filter(object_id=str(staff.id), action="score.freeze").count() == 1
    row = await Score.get(id=staff.id)
    assert (row.frozen, row.version) == (True, 2)


async def test_the_database_keeps_one_row_per_version(scene: Scene) -> None:
    staff = await scene.score("staff")
    with pytest.raises(IntegrityError):
        await insert_versions([(uuid4(), staff.id)], None, datetime.now(UTC))
    assert await ScoreVersion.filter(score_id=staff.id).count() == 1
