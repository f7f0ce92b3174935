"""Reading scores: filtered in SQL by the policy, the employee's own only once published."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.errors import BadInput, NotFound
from server.models import ResultsRelease
from server.scoring.recompute import recompute
from server.scoring.results import get_score, list_scores, score_versions
from tests.server.score_pipeline_support import Scene, make_scene


@pytest.fixture
async def scene(db, api, make_company) -> Scene:
    scene = await make_scene(api, make_company)
    for person in ("staff", "mgr", "worker"):
        await scene.assign(person)
        await scene.actual(person, scene.revenue, "12")
        await scene.actual(person, scene.customers, "5")
    assert await recompute(scene.company_id, scene.plan_id) == 3
    return scene


async def seen(scene: Scene, person: str, **filters) -> set[str]:
    page = await list_scores(await scene.actor(person), scene.plan_id, first=100, **filters)
    names = {e.id: name for name, e in scene.people.items()}
    return {names[r.employee_id] for r in page.rows}


async def test_each_role_lists_the_scores_its_grant_covers(scene: Scene) -> None:
    assert await seen(scene, "mgr") == {"staff", "mgr"}  # his department
    assert await seen(scene, "vpa") == {"staff", "mgr"}  # his division
    assert await seen(scene, "vpb") == {"worker"}
    assert await seen(scene, "perf") == {"staff", "mgr", "worker"}
    assert await seen(scene, "gm") == {"staff", "mgr", "worker"}
    assert await seen(scene, "staff") == set()  # not published yet
    plant = scene.people["worker"].department_id
    assert await seen(scene, "perf", department_id=plant) == {"worker"}


async def test_an_employee_reads_his_own_score_once_the_release_is_in_effect(
    scene: Scene,
) -> None:
    staff_actor = await scene.actor("staff")
    own = await scene.score("staff")
    with pytest.raises(NotFound):
        await get_score(staff_actor, own.id)
    release = await ResultsRelease.create(
        company_id=scene.company_id,
        plan_id=scene.plan_id,
        publish_at=datetime.now(UTC) + timedelta(days=1),
        released_by=scene.people["perf"].id,
    )
    assert await seen(scene, "staff") == set()
    release.publish_at = datetime.now(UTC) - timedelta(seconds=1)
    await release.save()
    assert await seen(scene, "staff") == {"staff"}
    assert (await get_score(staff_actor, own.id)).id == own.id
    assert await score_versions(staff_actor, own.id) == []
    # Never another's, published or not.
    with pytest.raises(NotFound):
        await get_score(staff_actor, (await scene.score("mgr")).id)


async def test_out_of_sight_or_another_company_is_not_found(scene: Scene, make_company) -> None:
    worker_score = await scene.score("worker")
    with pytest.raises(NotFound):
        await get_score(await scene.actor("mgr"), worker_score.id)
    with pytest.raises(NotFound):
        await score_versions(await scene.actor("mgr"), worker_score.id)
    other = await make_scene(scene.api, make_company)
    with pytest.raises(NotFound):
        await get_score(await other.actor("perf"), worker_score.id)
    page = await list_scores(await other.actor("perf"), scene.plan_id, first=10)
    assert page.rows == []


async def test_pages_follow_the_employee_order(scene: Scene) -> None:
    perf = await scene.actor("perf")
    first = await list_scores(perf, scene.plan_id, first=2)
    assert first.has_next and len(first.rows) == 2
    rest = await list_scores(perf, scene.plan_id, first=2, after=first.cursors[-1])
    assert not rest.has_next and len(rest.rows) == 1
    ordered = [r.employee_id for r in first.rows + rest.rows]
    assert ordered == sorted(ordered)
    with pytest.raises(BadInput):
        await list_scores(perf, scene.plan_id, first=101)
    with pytest.raises(BadInput):
        await list_scores(perf, scene.plan_id, first=2, after="nonsense")
