"""The score pipeline's fast paths say exactly what the plain ones say: a live score kept
compact reads back (``snapshot.attach``) as the full snapshot and result of its inputs; the
batch ``Scorer`` and the frozen texts equal ``compute_person`` and the dicts dumped whole."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from tortoise.transactions import in_transaction

from server.indicators import Band, Gate
from server.models import Assignment, Score, ScoringFormula
from server.scoring import loading, snapshot, specs, sql
from server.scoring import settings as scoring_settings
from server.scoring.compute import compute_person
from server.scoring.loading import inputs_of, load_inputs, load_sources
from server.scoring.recompute import Scorer, recompute, salt
from server.scoring.snapshot_text import FrozenTexts
from server.scoring.vocabulary import ActualSource
from server.vocabulary import BandBasis, Direction, ScoringKind
from tests.server.score_pipeline_support import Scene, make_scene


@pytest.fixture
async def scene(db, api, make_company) -> Scene:
    scene = await make_scene(api, make_company)
    gated = scene.spec(
        "quality", "20", "2", direction=Direction.LOWER, gate=Gate(Decimal(60), Decimal(50))
    )
    banded = scene.spec(
        "savings",
        "20",
        "100",
        kind=ScoringKind.BANDS,
        basis=BandBasis.ACHIEVEMENT,
        bands=(Band(Decimal(0), Decimal(0)), Band(Decimal(80), Decimal(90))),
    )
    rated = scene.spec("conduct", "20", None, kind=ScoringKind.RATING)
    many = [scene.spec(scene.revenue, "40", "10", cap=Decimal(150)), gated, banded, rated]
    for person in ("staff", "mgr", "worker", "vpa"):
        await scene.assign(person, many)
    await scene.actual(
        "staff", scene.revenue, "12.5", ActualSource.CONNECTOR, connector_source="crm 销售"
    )
    await scene.actual("staff", "quality", "5", note='a "quoted" note\n第二行')
    await scene.actual("staff", "savings", "85")
    await scene.rate("staff", {"conduct": 4}, overall=3)
    await scene.actual("mgr", scene.revenue, "12.5")  # the same value as staff's
    await scene.actual("mgr", "quality", "0")  # lower is better, zero: undefined
    await scene.actual("worker", scene.revenue, None)  # cleared
    await scene.rate("worker", {"conduct": 9}, overall=None)  # out of range
    return scene


async def test_a_live_score_is_kept_compact_and_reads_back_whole(scene: Scene) -> None:
    assert await recompute(scene.company_id, scene.plan_id) == 4
    setup = await scoring_settings.load_setup(scene.company_id)
    bands = snapshot.bands_json(setup.grade_bands)
    for person in await load_inputs(scene.company_id, scene.plan_id):
        row = await Score.get(plan_id=scene.plan_id, employee_id=person.employee_id)
        assert row.inputs == {} and "items" not in row.result and snapshot.is_compact(row)
        digest = row.result["digest"]
        await snapshot.attach([row])
        assert not snapshot.is_compact(row)
        assert row.inputs == person.to_json()
        expected = snapshot.result_json(compute_person(person, setup), None, digest, bands)
        assert row.result == expected
    staff = await scene.score("staff")
    assert staff.result["indicators"]["gated_by"] == ["quality"]
    assert staff.inputs["indicators"][1]["provenance"]["note"] == 'a "quoted" note\n第二行'


async def test_the_batch_scorer_and_frozen_texts_equal_the_plain_paths(scene: Scene) -> None:
    formula = "0.5 * indicators + 0.5 * manager_rating"
    await ScoringFormula.create(company_id=scene.company_id, version=1, expression=formula)
    setup = await scoring_settings.load_setup(scene.company_id)
    bands = snapshot.bands_json(setup.grade_bands)
    scorer = Scorer(setup)
    texts = FrozenTexts(formula, bands)
    sources = await load_sources(scene.company_id, scene.plan_id, stored=True)
    assert len(sources) == 4
    statuses = set()
    for source in sources:
        inputs = inputs_of(source)
        plain = compute_person(inputs, setup)
        fast = scorer.score(source)
        digest = source.digest(salt(setup).encode())
        expected = snapshot.result_json(plain, formula, digest, bands)
        expected["explanations"] = snapshot.explanations_json(plain)
        assert json.loads(texts.result(fast, digest)) == expected
        assert json.loads(texts.inputs(source)) == inputs.to_json()
        statuses.add(plain.status.value)
    assert statuses == {"ok", "incomplete"}


async def test_assignments_new_to_the_process_are_read_whole(scene: Scene) -> None:
    assert await recompute(scene.company_id, scene.plan_id) == 4
    loading._SPECS.clear()
    specs._TEXTS.clear()
    assignment = await Assignment.get(plan_id=scene.plan_id, employee_id=scene.people["staff"].id)
    assignment.indicators = scene.article(revenue_target="12")
    assignment.revision += 1
    await assignment.save()
    assert await recompute(scene.company_id, scene.plan_id) == 1
    staff = await scene.score("staff")
    assert (staff.status, staff.result["indicators"]["missing"]) == (
        "incomplete",
        [scene.customers],
    )
    assert [i["target"] for i in staff.inputs["indicators"]] == ["12", "4"]
    assert await recompute(scene.company_id, scene.plan_id) == 0


async def test_an_assignment_written_twice_in_one_transaction_is_read_again(
    db, api, make_company
) -> None:
    scene = await make_scene(api, make_company)
    await scene.assign("staff")
    await scene.actual("staff", scene.revenue, "12")
    await scene.actual("staff", scene.customers, "5")
    assert await recompute(scene.company_id, scene.plan_id) == 1
    async with in_transaction(sql.connection_name()):
        assignment = await Assignment.get(
            plan_id=scene.plan_id, employee_id=scene.people["staff"].id
        )
        assignment.indicators = scene.article(revenue_target="12")
        assignment.revision += 1
        await assignment.save()
        assert await recompute(scene.company_id, scene.plan_id) == 1
        # The same transaction writes it again (even at the same revision): read again.
        assignment.indicators = scene.article(revenue_target="5")
        await assignment.save()
        assert await recompute(scene.company_id, scene.plan_id) == 1
    assert (await scene.score("staff")).total == Decimal("194.00")  # 12/5 × 60 + 5/4 × 40


def test_kept_answers_stay_bounded_and_keep_what_is_still_used() -> None:
    """The engine's answers kept between recomputes: two generations of ``size``, an answer
    still in use comes back to the recent one, one nobody asks for again is dropped."""
    from server.scoring.recompute import _Answers

    answers = _Answers(2)
    item = object()
    answers.keep(("a", 1), item)  # type: ignore[arg-type]
    answers.keep(("b", 1), item)  # type: ignore[arg-type]
    answers.keep(("c", 1), item)  # type: ignore[arg-type]  # "a" and "b" are older now
    assert set(answers.recent) == {("c", 1)} and set(answers.older) == {("a", 1), ("b", 1)}
    assert answers.earlier(("a", 1)) is item  # type: ignore[arg-type]
    answers.keep(("a", 1), item)  # type: ignore[arg-type]  # used again: recent
    answers.keep(("d", 1), item)  # type: ignore[arg-type]  # full: "b" goes
    assert answers.earlier(("b", 1)) is None  # type: ignore[arg-type]
    assert set(answers.older) == {("c", 1), ("a", 1)}
    assert len(answers.recent) + len(answers.older) <= 4
