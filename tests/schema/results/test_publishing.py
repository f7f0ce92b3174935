"""publishResults: who releases a plan's results, when, once; and what employees see then."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from schema.ids import encode
from server.events import ScoreEvent
from server.models import AuditEntry, ResultsRelease
from server.outbox import head, read_after
from server.scoring import publishing
from server.scoring.publishing import announce, announce_due_releases
from server.scoring.recompute import recompute
from server.scoring.vocabulary import ScoreEventKind
from tests.server.score_pipeline_support import Scene, make_scene

PUBLISH = """mutation($p: ID!, $at: DateTime) { publishResults(planId: $p, at: $at) {
  publishAt announcedAt effective releasedBy { username } plan { id state } } }"""
SCORE = "query($id: ID!) { score(id: $id) { total published publishAt } }"


@pytest.fixture
async def scene(db, api, make_company) -> Scene:
    scene = await make_scene(api, make_company)
    await scene.assign("staff")
    await scene.actual("staff", scene.revenue, "12")
    await scene.actual("staff", scene.customers, "5")
    await recompute(scene.company_id, scene.plan_id)
    return scene


async def finalize(scene: Scene) -> None:
    for action in ("START_EVALUATION", "FINALIZE"):
        assert "errors" not in await scene.step(action), action


async def publish(scene: Scene, person: str, at: datetime | str | None = None) -> Any:
    when = at.isoformat() if isinstance(at, datetime) else at
    return await scene.api.gql(
        PUBLISH,
        {"p": encode("Plan", scene.plan_id), "at": when},
        as_user=scene.sandbox.user(person),
    )


def error(answer: dict[str, Any]) -> tuple[str, str]:
    extensions = answer["errors"][0]["extensions"]
    return extensions["code"], extensions["reason"]


async def published_events(scene: Scene, after: int) -> list[ScoreEvent]:
    stored = await read_after(after, company_id=scene.company_id)
    return [
        s.event
        for s in stored
        if isinstance(s.event, ScoreEvent) and s.event.kind == ScoreEventKind.PUBLISHED
    ]


async def test_only_a_finalized_plan_is_published_and_only_by_hr_or_the_perf_admin(
    scene: Scene,
) -> None:
    early = await publish(scene, "perf")
    assert error(early) == ("CONFLICT", "RESULTS_NOT_FINAL")
    assert "active" in early["errors"][0]["message"]
    await finalize(scene)
    assert error(await publish(scene, "mgr")) == ("FORBIDDEN", "FORBIDDEN")
    assert error(await publish(scene, "vpa")) == ("FORBIDDEN", "FORBIDDEN")
    assert error(await publish(scene, "worker")) == ("NOT_FOUND", "NOT_FOUND")
    assert await ResultsRelease.filter(plan_id=scene.plan_id).count() == 0


async def test_publishing_now_releases_audits_and_announces_in_one_go(scene: Scene) -> None:
    await finalize(scene)
    before = await head()
    done = await publish(scene, "hrvp")
    assert "errors" not in done, done
    release = done["data"]["publishResults"]
    assert release["effective"] is True and release["announcedAt"] is not None
    assert release["releasedBy"]["username"] == scene.sandbox.user("hrvp")
    assert release["plan"]["state"] == "FINALIZED"
    (event,) = await published_events(scene, before)
    assert (event.plan_id, event.employee_id) == (scene.plan_id, None)
    entry = await AuditEntry.get(company_id=scene.company_id, action="score.publish")
    assert (entry.object_type, entry.object_id) == ("plan", str(scene.plan_id))
    assert entry.actor_id == scene.people["hrvp"].id
    # The scheduler finds nothing left to announce here.
    await announce_due_releases(datetime.now(UTC) + timedelta(days=1))
    assert len(await published_events(scene, before)) == 1
    again = await publish(scene, "perf")
    assert error(again) == ("CONFLICT", "RESULTS_ALREADY_PUBLISHED")
    assert "UTC" in again["errors"][0]["message"]


async def test_concurrent_publishers_one_release(scene: Scene) -> None:
    await finalize(scene)
    before = await head()
    answers = await asyncio.gather(*(publish(scene, p) for p in ("hrvp", "perf", "hrvp", "perf")))
    won = [a for a in answers if "errors" not in a]
    lost = [error(a) for a in answers if "errors" in a]
    assert len(won) == 1, answers
    assert lost == [("CONFLICT", "RESULTS_ALREADY_PUBLISHED")] * 3
    assert await ResultsRelease.filter(plan_id=scene.plan_id).count() == 1
    assert len(await published_events(scene, before)) == 1
    assert await AuditEntry.filter(company_id=scene.company_id, action="score.publish").count() == 1


async def test_bad_times_are_refused(scene: Scene) -> None:
    await finalize(scene)
    now = datetime.now(UTC)
    past = await publish(scene, "perf", now - timedelta(minutes=5))
    assert error(past) == ("BAD_USER_INPUT", "PUBLISH_AT_PAST")
    assert past["errors"][0]["extensions"]["field"] == "at"
    naive = await publish(scene, "perf", "2030-01-10T09:00:00")
    assert error(naive) == ("BAD_USER_INPUT", "TIMEZONE_REQUIRED")
    far = await publish(scene, "perf", now + timedelta(days=400))
    assert error(far) == ("BAD_USER_INPUT", "DATE_RANGE")
    # A few seconds behind is "now" (a form's clock is never quite ours).
    fine = await publish(scene, "perf", now - timedelta(seconds=20))
    assert fine["data"]["publishResults"]["effective"] is True, fine


async def test_a_scheduled_release_is_invisible_until_its_time(
    scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    await finalize(scene)
    score_id = encode("Score", (await scene.score("staff")).id)
    at = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0)
    before = await head()
    scheduled = await publish(scene, "perf", at.astimezone(UTC).isoformat())
    release = scheduled["data"]["publishResults"]
    assert (release["effective"], release["announcedAt"]) == (False, None)
    assert datetime.fromisoformat(release["publishAt"]) == at

    hidden = await scene.api.gql(SCORE, {"id": score_id}, as_user=scene.sandbox.user("staff"))
    assert error(hidden) == ("NOT_FOUND", "NOT_FOUND")
    seen = await scene.api.gql(SCORE, {"id": score_id}, as_user=scene.sandbox.user("mgr"))
    assert seen["data"]["score"]["published"] is False
    await announce_due_releases(datetime.now(UTC))  # not due yet
    assert await published_events(scene, before) == []

    later = at + timedelta(seconds=1)
    due = await ResultsRelease.get(plan_id=scene.plan_id)
    assert await announce_due_releases(later) >= 1
    (event,) = await published_events(scene, before)
    assert (event.plan_id, event.at) == (scene.plan_id, at)
    assert (await ResultsRelease.get(plan_id=scene.plan_id)).announced_at == later
    # Other processes that read the same due release before it was claimed: the claim is a
    # conditional UPDATE, so none of them announces it again.
    claims = await asyncio.gather(*(announce(due, later) for _ in range(3)))
    assert claims == [False, False, False]
    await announce_due_releases(later + timedelta(minutes=1))
    assert len(await published_events(scene, before)) == 1

    monkeypatch.setattr(publishing, "utcnow", lambda: later)
    shown = await scene.api.gql(SCORE, {"id": score_id}, as_user=scene.sandbox.user("staff"))
    assert shown["data"]["score"]["total"] == "122", shown
    assert shown["data"]["score"]["published"] is True
