"""scoreEvents over the websocket: each event reaches only those who could read it.

"Hears nothing" is shown by order, never by waiting: after the events a listener must not
hear, one it may hear is sent; had anything leaked, it would arrive first.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from schema.ids import encode
from server.events import ScoreEvent, score_events
from server.models import Employee
from server.outbox import emit
from server.scoring.feed import may_hear
from server.scoring.recompute import recompute
from server.scoring.vocabulary import ScoreEventKind
from tests.schema.wsclient import (
    connect,
    errors_of,
    next_message,
    run,
    subscribe,
    wait_for_subscribers,
)
from tests.server.score_pipeline_support import Scene, make_scene

EVENTS = "subscription($p: ID) { scoreEvents(planId: $p) { kind planId scoreId employeeId } }"


@pytest.fixture
async def scene(db, api, make_company) -> Scene:
    return await make_scene(api, make_company)


async def heard(ws: Any) -> dict[str, Any]:
    message = await next_message(ws)
    assert message["type"] == "next", message
    return message["payload"]["data"]["scoreEvents"]


async def marker(company_id: Any, person: Employee, plan_id: Any = None) -> ScoreEvent:
    """A computed event for ``person``'s score (in another plan unless given), written to
    the outbox."""
    event = ScoreEvent(
        company_id,
        plan_id or uuid4(),
        ScoreEventKind.COMPUTED.value,
        employee_id=person.id,
        department_id=person.department_id,
        manager_id=person.manager_id,
        score_id=uuid4(),
    )
    await emit(event)
    return event


async def test_scores_are_heard_as_they_are_read(scene: Scene, make_company) -> None:
    api, sandbox = scene.api, scene.sandbox
    stranger = await make_company()
    plan_id = encode("Plan", scene.plan_id)
    staff = encode("Employee", scene.people["staff"].id)
    await scene.assign("staff")
    async with (
        connect(api, await api.token(sandbox.user("mgr"))) as mgr,
        connect(api, await api.token(sandbox.user("staff"))) as employee,
        connect(api, await api.token(sandbox.user("vpb"))) as vpb,
        connect(api, await api.token(stranger.user("gm"))) as outsider,
    ):
        await subscribe(mgr, "1", EVENTS, {"p": plan_id})
        for ws in (employee, vpb, outsider):
            await subscribe(ws, "1", EVENTS)
        await wait_for_subscribers(score_events, scene.company_id, 3)
        await wait_for_subscribers(score_events, stranger.company_id)

        await scene.actual("staff", scene.revenue, "12")
        await scene.actual("staff", scene.customers, "5")
        assert await recompute(scene.company_id, scene.plan_id) == 1
        computed = await heard(mgr)
        score_id = encode("Score", (await scene.score("staff")).id)
        assert computed == {
            "kind": "COMPUTED",
            "planId": plan_id,
            "scoreId": score_id,
            "employeeId": staff,
        }
        for action in ("START_EVALUATION", "FINALIZE"):
            assert "errors" not in await scene.step(action), action
        assert (await heard(mgr))["kind"] == "FROZEN"
        published = await api.gql(
            "mutation($p: ID!) { publishResults(planId: $p) { effective } }",
            {"p": plan_id},
            as_user=sandbox.user("hrvp"),
        )
        assert "errors" not in published, published
        expected = {"kind": "PUBLISHED", "planId": plan_id, "scoreId": None, "employeeId": None}
        assert await heard(mgr) == expected
        # The employee heard nothing of his score being computed or frozen: the release is
        # the first thing he hears.
        assert await heard(employee) == expected

        # Another division's VP heard none of it, another company nothing at all: each
        # first hears an event of his own.
        await marker(scene.company_id, scene.people["worker"])
        assert (await heard(vpb))["employeeId"] == encode("Employee", scene.people["worker"].id)
        theirs = await Employee.get(username=stranger.user("worker"))
        await marker(stranger.company_id, theirs)
        assert (await heard(outsider))["employeeId"] == encode("Employee", theirs.id)

        # Once published, his own score's news in that plan is his to hear; a colleague's
        # is not, nor his own in a plan not released.
        await marker(scene.company_id, scene.people["mgr"], scene.plan_id)
        await marker(scene.company_id, scene.people["staff"])
        await marker(scene.company_id, scene.people["staff"], scene.plan_id)
        own = await heard(employee)
        assert (own["kind"], own["planId"], own["employeeId"]) == ("COMPUTED", plan_id, staff)


async def test_a_plan_out_of_sight_cannot_be_followed(scene: Scene, make_company) -> None:
    stranger = await make_company()
    plan_id = encode("Plan", scene.plan_id)
    async with connect(scene.api, await scene.api.token(stranger.user("gm"))) as ws:
        messages = await run(ws, EVENTS, {"p": plan_id})
    assert [e["extensions"]["reason"] for e in errors_of(messages)] == ["NOT_FOUND"]


async def test_a_plan_wide_event_reaches_whoever_reads_a_score_of_the_plan(
    scene: Scene,
) -> None:
    """A recompute of many people is one event without a person: heard by the plan's
    readers at once, by its scored employees once the results are out."""
    api, sandbox = scene.api, scene.sandbox
    plan_id = encode("Plan", scene.plan_id)
    await scene.assign("staff")
    await recompute(scene.company_id, scene.plan_id)
    plan_wide = ScoreEvent(scene.company_id, scene.plan_id, ScoreEventKind.COMPUTED.value)
    async with (
        connect(api, await api.token(sandbox.user("mgr"))) as mgr,
        connect(api, await api.token(sandbox.user("staff"))) as employee,
        connect(api, await api.token(sandbox.user("vpb"))) as vpb,
    ):
        for ws in (mgr, employee, vpb):
            await subscribe(ws, "1", EVENTS)
        await wait_for_subscribers(score_events, scene.company_id, 3)
        await emit(plan_wide)
        assert await heard(mgr) == {
            "kind": "COMPUTED",
            "planId": plan_id,
            "scoreId": None,
            "employeeId": None,
        }
        for action in ("START_EVALUATION", "FINALIZE"):
            assert "errors" not in await scene.step(action), action
        published = await api.gql(
            "mutation($p: ID!) { publishResults(planId: $p) { effective } }",
            {"p": plan_id},
            as_user=sandbox.user("perf"),
        )
        assert "errors" not in published, published
        assert (await heard(employee))["kind"] == "PUBLISHED"
        await emit(plan_wide)
        assert (await heard(employee))["kind"] == "COMPUTED"
        await marker(scene.company_id, scene.people["worker"])
        assert (await heard(vpb))["employeeId"] == encode("Employee", scene.people["worker"].id)


async def test_news_older_than_the_release_stays_unheard_by_the_employee(scene: Scene) -> None:
    """A feed that reaches an event only after the release (it fell behind) judges the
    release as of when the event was written: the employee never hears that his score was
    frozen before his results were out, whatever the timing."""
    staff = scene.people["staff"]
    await scene.assign("staff")
    for action in ("START_EVALUATION", "FINALIZE"):
        assert "errors" not in await scene.step(action), action
    frozen = ScoreEvent(
        scene.company_id,
        scene.plan_id,
        ScoreEventKind.FROZEN.value,
        employee_id=staff.id,
        department_id=staff.department_id,
        manager_id=staff.manager_id,
        score_id=uuid4(),
    )
    before = datetime.now(UTC)
    published = await scene.api.gql(
        "mutation($p: ID!) { publishResults(planId: $p) { effective } }",
        {"p": encode("Plan", scene.plan_id)},
        as_user=scene.sandbox.user("perf"),
    )
    assert "errors" not in published, published
    employee, manager = await scene.actor("staff"), await scene.actor("mgr")
    after = datetime.now(UTC) + timedelta(seconds=1)
    assert not await may_hear(employee, frozen, before)
    assert await may_hear(manager, frozen, before)
    assert await may_hear(employee, frozen, after)
    # The release itself, however late the feed reads it, is heard.
    plan_wide = ScoreEvent(scene.company_id, scene.plan_id, ScoreEventKind.PUBLISHED.value)
    assert await may_hear(employee, plan_wide, before)
    computed = ScoreEvent(scene.company_id, scene.plan_id, ScoreEventKind.COMPUTED.value)
    assert not await may_hear(employee, computed, before)
    assert await may_hear(employee, computed, after)
