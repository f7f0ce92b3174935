"""Finalizing a plan freezes its scores (version 1) in the step's transaction; nothing
recomputes a frozen score; the performance admin reopens one with a reason and freezes it
again as version 2, and version 1 stays readable."""

from __future__ import annotations

from decimal import Decimal

import pytest

from server.errors import BadInput, Conflict, Forbidden, NotFound
from server.events import ScoreEvent
from server.models import AuditEntry, OutboxEvent, Score, ScoreVersion, ScoringFormula
from server.outbox import read_after
from server.scoring import snapshot
from server.scoring.freezing import freeze_score, reopen_score
from server.scoring.recompute import recompute
from server.scoring.results import score_versions
from server.scoring.vocabulary import ActualSource
from tests.server.score_pipeline_support import Scene, make_scene


@pytest.fixture
async def scene(db, api, make_company) -> Scene:
    scene = await make_scene(api, make_company)
    for person in ("staff", "mgr"):
        await scene.assign(person)
        await scene.actual(person, scene.revenue, "12", ActualSource.CONNECTOR)
        await scene.actual(person, scene.customers, "5")
    await recompute(scene.company_id, scene.plan_id)
    return scene


async def finalize(scene: Scene) -> None:
    for action in ("START_EVALUATION", "FINALIZE"):
        done = await scene.step(action)
        assert "errors" not in done, (action, done)


async def newest_event_id() -> int:
    newest = await OutboxEvent.all().order_by("-id").first()
    return newest.id if newest else 0


async def test_finalizing_freezes_every_score_as_version_one(scene: Scene) -> None:
    # A fact that arrived without a recompute yet: finalizing scores once more first.
    await scene.actual("mgr", scene.customers, "2")
    start = await newest_event_id()
    await finalize(scene)
    scores = {s.employee_id: s for s in await Score.filter(plan_id=scene.plan_id)}
    assert {(s.frozen, s.version) for s in scores.values()} == {(True, 1)}
    assert scores[scene.people["staff"].id].total == Decimal("122.00")
    assert scores[scene.people["mgr"].id].total == Decimal("92.00")
    versions = await ScoreVersion.filter(plan_id=scene.plan_id)
    assert len(versions) == 2
    perf = scene.people["perf"].id
    assert {(v.version, v.frozen_by, v.reopen_reason) for v in versions} == {(1, perf, "")}
    staff_version = next(v for v in versions if v.employee_id == scene.people["staff"].id)
    assert staff_version.total == Decimal("122.00") and staff_version.grade == "excellent"
    assert staff_version.inputs == scores[scene.people["staff"].id].inputs
    explanations = scores[scene.people["staff"].id].result["explanations"]
    assert explanations["en"]["total"] == "72 + 50 = 122 → Excellent"
    assert explanations["zh"]["total"] == "72 + 50 = 122 → 优秀"
    assert set(explanations["zh"]["items"]) == {scene.revenue, scene.customers}
    entry = await AuditEntry.get(company_id=scene.company_id, action="score.freeze")
    assert (entry.object_type, entry.object_id) == ("plan", str(scene.plan_id))
    assert entry.after["scores"] == 2
    frozen = [
        e.event
        for e in await read_after(start, company_id=scene.company_id)
        if isinstance(e.event, ScoreEvent)
    ]
    assert sorted((e.kind, e.version) for e in frozen) == [("frozen", 1), ("frozen", 1)]


async def test_before_finalizing_a_fact_counts_and_after_it_nothing_does(scene: Scene) -> None:
    await scene.actual("staff", scene.revenue, "9", ActualSource.CONNECTOR)
    assert await recompute(scene.company_id, scene.plan_id) == 1
    assert (await scene.score("staff")).total == Decimal("104.00")  # 54 + 50
    await finalize(scene)
    frozen = await scene.score("staff")
    assert frozen.total == Decimal("104.00")
    # a connector's later fact
    await scene.actual("staff", scene.revenue, "20", ActualSource.CONNECTOR)
    assert await recompute(scene.company_id, scene.plan_id) == 0
    # a target changed on the assignment
    assignment = await frozen.assignment
    assignment.indicators = scene.article(revenue_target="5")
    assignment.revision += 1
    await assignment.save()
    assert await recompute(scene.company_id, scene.plan_id) == 0
    # a new final-score formula for the company
    await ScoringFormula.create(company_id=scene.company_id, version=1, expression="indicators / 2")
    assert await recompute(scene.company_id, scene.plan_id) == 0
    after = await scene.score("staff")
    assert (after.total, after.grade, after.inputs, after.result) == (
        frozen.total,
        frozen.grade,
        frozen.inputs,
        frozen.result,
    )
    assert after.computed_at == frozen.computed_at


async def test_reopen_then_freeze_again_as_version_two(scene: Scene) -> None:
    await finalize(scene)
    staff = await scene.score("staff")
    perf = await scene.actor("perf")
    # Reopening needs the permission, a reason and a frozen score.
    with pytest.raises(Forbidden):
        await reopen_score(await scene.actor("mgr"), staff.id, "typo")
    with pytest.raises(NotFound):
        await reopen_score(await scene.actor("worker"), staff.id, "typo")
    with pytest.raises(BadInput) as blank:
        await reopen_score(perf, staff.id, "  \u200b ")
    assert (blank.value.key, blank.value.field) == ("required", "reason")
    with pytest.raises(Conflict) as live:
        await freeze_score(perf, staff.id)
    assert live.value.key == "score_frozen"
    # The revenue was wrong: the connector's corrected fact arrives after finalizing.
    await scene.actual("staff", scene.revenue, "10", ActualSource.CONNECTOR)
    assert (await scene.score("staff")).total == Decimal("122.00")
    start = await newest_event_id()
    reopened = await reopen_score(perf, staff.id, "revenue double-counted a refund")
    assert (reopened.frozen, reopened.version) == (False, 1)
    assert reopened.total == Decimal("110.00")  # recomputed at once: 60 + 50
    kinds = [e.event.kind for e in await read_after(start, company_id=scene.company_id)]
    assert kinds == ["reopened", "computed"]
    with pytest.raises(Conflict) as twice:
        await reopen_score(perf, staff.id, "again")
    assert twice.value.key == "score_not_frozen"
    # Live again: a change recomputes it.
    await scene.actual("staff", scene.customers, "4")
    assert await recompute(scene.company_id, scene.plan_id) == 1
    refrozen = await freeze_score(perf, staff.id)
    assert (refrozen.frozen, refrozen.version, refrozen.total) == (True, 2, Decimal("100.00"))
    versions = await score_versions(perf, staff.id)
    assert [(v.version, v.total) for v in versions] == [
        (1, Decimal("122.00")),
        (2, Decimal("100.00")),
    ]
    assert versions[1].reopen_reason == "revenue double-counted a refund"
    assert versions[1].reopened_by == scene.people["perf"].id
    assert versions[0].reopen_reason == "" and versions[0].reopened_by is None
    assert snapshot.explanation(versions[0], "en", frozen=True).total == "72 + 50 = 122 → Excellent"
    assert snapshot.explanation(versions[1], "en", frozen=True).total == "60 + 40 = 100 → Excellent"
    actions = [
        (e.action, e.after.get("reason") or e.after.get("reopen_reason"))
        for e in await AuditEntry.filter(object_id=str(staff.id)).order_by("created_at")
    ]
    assert actions == [
        ("score.reopen", "revenue double-counted a refund"),
        ("score.freeze", "revenue double-counted a refund"),
    ]
    with pytest.raises(Conflict) as frozen_again:
        await freeze_score(perf, staff.id)
    assert frozen_again.value.key == "score_frozen"
    # Frozen again: nothing recomputes it.
    await scene.actual("staff", scene.customers, "8")
    assert await recompute(scene.company_id, scene.plan_id) == 0


async def test_a_frozen_explanation_never_changes(
    scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    await finalize(scene)
    staff = await scene.score("staff")
    before = snapshot.explanation(staff, "zh", frozen=True)
    assert before.total == "72 + 50 = 122 → 优秀"
    assert before.items[scene.revenue] == "12 / 10 × 60 % = 72"
    # The engine's wording changes in a later release: the frozen text does not.
    from server.scoring import messages

    monkeypatch.setitem(messages.FORMULAS, "total", ("{parts} ⇒ {total}",) * 2)
    assert snapshot.explanation(staff, "zh", frozen=True) == before
    assert snapshot.explanation(staff, "zh", frozen=False).total == "72 + 50 ⇒ 122"
    # A live score's explanation is written from its own snapshot.
    reopened = await reopen_score(await scene.actor("perf"), staff.id, "check")
    assert snapshot.explanation(reopened, "en", frozen=reopened.frozen).total == "72 + 50 ⇒ 122"
