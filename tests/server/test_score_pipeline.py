"""The score pipeline over the real database: inputs loaded in one statement, the
article's numbers, only changed scores written, events through the outbox."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest

from server.events import ScoreEvent
from server.models import Assignment, OutboxEvent, Score, ScoringFormula
from server.outbox import read_after
from server.scoring import recompute as recomputing
from server.scoring import snapshot
from server.scoring.loading import load_inputs
from server.scoring.recompute import recompute
from server.scoring.vocabulary import ActualSource
from server.vocabulary import ScoringKind
from tests.server.score_pipeline_support import Scene, make_scene


@pytest.fixture
async def scene(db, api, make_company) -> Scene:
    return await make_scene(api, make_company)


def statements(caplog: pytest.LogCaptureFixture) -> int:
    return sum(
        1
        for r in caplog.records
        if r.name == "tortoise.db_client"
        and r.msg == "%s: %s"
        and '"outbox_event"' not in str(r.args[0])
    )


async def test_the_article_numbers_through_the_database(scene: Scene) -> None:
    await scene.assign("staff")
    await scene.actual(
        "staff", scene.revenue, "12", ActualSource.CONNECTOR, connector_source="sales-crm"
    )
    await scene.actual("staff", scene.customers, "5", note="from the CRM export")
    assert await recompute(scene.company_id, scene.plan_id) == 1
    score = await scene.score("staff")
    assert (score.status, score.total, score.grade) == ("ok", Decimal("122.00"), "excellent")
    assert score.indicators_total == Decimal(122)
    assert (score.frozen, score.version) == (False, 0)
    assert (score.department_id, score.manager_id) == (
        scene.people["staff"].department_id,
        scene.people["mgr"].id,
    )
    items = {i["key"]: i for i in score.result["items"]}
    assert Decimal(items[scene.revenue]["contribution"]) == 72
    assert Decimal(items[scene.customers]["score"]) == 125
    assert items[scene.revenue]["reasons"] == ["overachieved"]
    parts = [(k, Decimal(v)) for k, v in score.result["indicators"]["parts"]]
    assert parts == [(scene.revenue, 72), (scene.customers, 50)]
    revenue = score.inputs["indicators"][0]
    assert revenue["value"] == "12" and revenue["provenance"]["source"] == "connector"
    assert revenue["provenance"]["connector_source"] == "sales-crm"
    assert score.inputs["indicators"][1]["provenance"]["note"] == "from the CRM export"
    # Nothing new: nothing written.
    assert await recompute(scene.company_id, scene.plan_id) == 0
    assert (await scene.score("staff")).computed_at == score.computed_at


async def test_loading_costs_one_statement_for_any_number_of_people(
    scene: Scene, caplog: pytest.LogCaptureFixture
) -> None:
    for person in ("staff", "mgr", "worker", "vpa"):
        await scene.assign(person)
        await scene.actual(person, scene.revenue, "12")
    caplog.set_level(logging.DEBUG, logger="tortoise.db_client")
    counts = []
    for wanted in ([scene.people["staff"].id], None):
        caplog.clear()
        found = await load_inputs(scene.company_id, scene.plan_id, wanted)
        counts.append(statements(caplog))
        assert len(found) == (1 if wanted else 4)
    assert counts == [1, 1]
    found = await load_inputs(scene.company_id, scene.plan_id)
    assert [p.employee_id for p in found] == sorted(p.employee_id for p in found)
    caplog.clear()
    await recompute(scene.company_id, scene.plan_id)
    first = statements(caplog)
    caplog.clear()
    await recompute(scene.company_id, scene.plan_id, [scene.people["staff"].id])
    assert statements(caplog) <= first


async def test_a_rated_indicator_takes_the_submitted_manager_rating(scene: Scene) -> None:
    rated = scene.spec("conduct", "40", None, kind=ScoringKind.RATING)
    await scene.assign("staff", [scene.spec(scene.revenue, "60", "10"), rated])
    await scene.actual("staff", scene.revenue, "10")
    # An actual under a rated indicator's key is not what it is scored on.
    await scene.actual("staff", "conduct", "5")
    (person,) = await load_inputs(scene.company_id, scene.plan_id)
    assert person.indicators[1].value is None and person.manager_rating is None
    evaluation = await scene.rate("staff", {"conduct": 4}, overall=3)
    (person,) = await load_inputs(scene.company_id, scene.plan_id)
    conduct = person.indicators[1]
    assert conduct.value == 4 and conduct.qualitative
    assert conduct.provenance["source"] == "rating"
    assert conduct.provenance["evaluation_id"] == str(evaluation.id)
    assert person.manager_rating == 3
    assert await recompute(scene.company_id, scene.plan_id) == 1
    # 10/10 × 60 % + rating 4 (80) × 40 % = 92
    assert (await scene.score("staff")).total == Decimal("92.00")
    # A draft evaluation counts for nothing.
    evaluation.state = "draft"
    await evaluation.save()
    assert await recompute(scene.company_id, scene.plan_id) == 1
    score = await scene.score("staff")
    assert (score.status, score.total) == ("incomplete", None)
    assert score.result["indicators"]["missing"] == ["conduct"]


async def test_only_what_changed_is_written(scene: Scene) -> None:
    for person in ("staff", "mgr"):
        await scene.assign(person)
        await scene.actual(person, scene.revenue, "12")
        await scene.actual(person, scene.customers, "5")
    assert await recompute(scene.company_id, scene.plan_id) == 2
    before = {s.employee_id: s.computed_at for s in await Score.filter(plan_id=scene.plan_id)}
    await scene.actual("mgr", scene.customers, "2")
    assert await recompute(scene.company_id, scene.plan_id) == 1
    after = {s.employee_id: s for s in await Score.filter(plan_id=scene.plan_id)}
    assert after[scene.people["staff"].id].computed_at == before[scene.people["staff"].id]
    assert after[scene.people["mgr"].id].total == Decimal("92.00")  # 72 + 2/4 × 40
    # A note alone changes the snapshot, not the total: the snapshot is rewritten.
    await scene.actual("mgr", scene.customers, "2", note="checked")
    assert await recompute(scene.company_id, scene.plan_id) == 1
    assert await recompute(scene.company_id, scene.plan_id) == 0


async def test_no_assignment_no_score_and_a_removed_one_takes_it_away(scene: Scene) -> None:
    assignment = await scene.assign("staff")
    assert await recompute(scene.company_id, scene.plan_id, [scene.people["worker"].id]) == 0
    assert await recompute(scene.company_id, scene.plan_id) == 1
    score = await scene.score("staff")
    assert (score.status, score.result["indicators"]["missing"]) == (
        "incomplete",
        [scene.revenue, scene.customers],
    )
    await assignment.delete()
    assert not await Score.filter(plan_id=scene.plan_id).exists()
    assert await recompute(scene.company_id, scene.plan_id) == 0


async def test_an_assignment_change_is_recomputed(scene: Scene) -> None:
    assignment = await scene.assign("staff")
    await scene.actual("staff", scene.revenue, "12")
    await scene.actual("staff", scene.customers, "5")
    await recompute(scene.company_id, scene.plan_id)
    assignment.indicators = scene.article(revenue_target="12")
    assignment.revision += 1
    await assignment.save()
    assert await recompute(scene.company_id, scene.plan_id) == 1
    assert (await scene.score("staff")).total == Decimal("110.00")  # 60 + 50


async def test_events_one_per_person_then_one_for_the_plan(
    scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    for person in ("staff", "mgr", "worker"):
        await scene.assign(person)
    start = (await OutboxEvent.all().order_by("-id").first()).id
    assert await recompute(scene.company_id, scene.plan_id, [scene.people["staff"].id]) == 1
    events = [e.event for e in await read_after(start, company_id=scene.company_id)]
    assert events and all(isinstance(e, ScoreEvent) for e in events)
    (event,) = events
    staff = await scene.score("staff")
    assert (event.kind, event.employee_id, event.score_id) == (
        "computed",
        staff.employee_id,
        staff.id,
    )
    assert event.department_id == staff.department_id and event.manager_id == staff.manager_id
    monkeypatch.setattr(recomputing, "PLAN_WIDE_AFTER", 1)
    start = (await OutboxEvent.all().order_by("-id").first()).id
    assert await recompute(scene.company_id, scene.plan_id) == 2
    (event,) = [e.event for e in await read_after(start, company_id=scene.company_id)]
    assert isinstance(event, ScoreEvent)
    assert (event.kind, event.plan_id, event.employee_id) == ("computed", scene.plan_id, None)
    # Nothing changed: no event.
    start = (await OutboxEvent.all().order_by("-id").first()).id
    assert await recompute(scene.company_id, scene.plan_id) == 0
    assert await read_after(start, company_id=scene.company_id) == []


async def test_another_company_plan_loads_nothing(scene: Scene, make_company) -> None:
    await scene.assign("staff")
    other = await make_company()
    assert await load_inputs(other.company_id, scene.plan_id) == []
    assert await recompute(other.company_id, scene.plan_id) == 0
    assert await Assignment.filter(plan_id=scene.plan_id).count() == 1


async def test_a_new_formula_rescores_live_scores_and_explain_reads_the_row(scene: Scene) -> None:
    await scene.assign("staff")
    await scene.actual("staff", scene.revenue, "12")
    await scene.actual("staff", scene.customers, "5")
    assert await recompute(scene.company_id, scene.plan_id) == 1
    expression = "0.5 * indicators + 0.5 * manager_rating"
    await ScoringFormula.create(company_id=scene.company_id, version=1, expression=expression)
    assert await recompute(scene.company_id, scene.plan_id) == 1
    score = await scene.score("staff")
    assert (score.status, score.total, score.formula_version) == ("incomplete", None, 1)
    assert score.result["missing_components"] == ["manager_rating"]
    assert score.result["formula"] == expression
    await scene.rate("staff", {}, overall=4)
    assert await recompute(scene.company_id, scene.plan_id) == 1
    score = await scene.score("staff")
    assert (score.total, score.grade) == (Decimal("101.00"), "excellent")  # 61 + 40
    explained = snapshot.explain(score)
    assert (explained.total, explained.grade.key, explained.formula_version) == (
        Decimal("101.00"),
        "excellent",
        1,
    )
    assert explained.indicators.total == Decimal("122.00") == score.indicators_total
    assert [i.key for i in explained.items] == [scene.revenue, scene.customers]
    assert snapshot.items(score)[0].contribution == explained.items[0].contribution
    assert snapshot.explanation(score, "en", frozen=False).total == "72 + 50 = 122 → Excellent"


async def test_a_moved_person_takes_his_score_along_and_one_in_place_keeps_it(
    scene: Scene,
) -> None:
    """A recompute leaves a score's place alone when the assignment did not move (see
    writes._PLACE), and writes the new one when it did, with his new result either way."""
    staff = await scene.assign("staff")
    await scene.assign("worker")
    await scene.actual("staff", scene.customers, "5")
    await scene.actual("worker", scene.customers, "5")
    assert await recompute(scene.company_id, scene.plan_id) == 2
    plant, boss = scene.people["worker"].department_id, scene.people["worker"].manager_id
    await Assignment.filter(id=staff.id).update(
        department_id=plant, manager_id=boss, revision=staff.revision + 1
    )
    before = (await scene.score("worker")).result["digest"]
    await scene.actual("worker", scene.customers, "3")
    assert await recompute(scene.company_id, scene.plan_id) == 2
    moved, stayed = await scene.score("staff"), await scene.score("worker")
    assert (moved.department_id, moved.manager_id) == (plant, boss)
    assert (stayed.department_id, stayed.manager_id) == (plant, boss)
    assert stayed.result["digest"] != before  # rewritten, in place
