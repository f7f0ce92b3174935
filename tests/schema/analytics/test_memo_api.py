"""Kept answers (server/analytics/memo.py) never outlive the rows beneath them: after a
write through the app's own writers, a repeated request answers what a first one would."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from schema.ids import encode
from server.analytics import memo
from server.analytics.periods import period_of
from server.analytics.scope import Reach
from server.models import MetricFact, ResultsRelease
from server.vocabulary import PeriodKind
from tests.schema.analytics.correlation_support import (
    DRIVERS_QUERY,
    PERIOD,
    correlate,
    planted_scene,
)
from tests.server.score_pipeline_support import Scene

REOPEN = """mutation($id: ID!, $r: String!) { reopenScore(id: $id, reason: $r) { version } }"""
FREEZE = "mutation($id: ID!) { freezeScore(id: $id) { version } }"


@pytest.fixture
async def scene(db: Any, api: Any, make_company: Any) -> Scene:
    return await planted_scene(api, make_company)


async def drivers(scene: Scene) -> Any:
    answer = await scene.api.gql(
        DRIVERS_QUERY, {"p": PERIOD, "s": None}, as_user=scene.sandbox.user("perf")
    )
    assert "errors" not in answer, answer
    return answer["data"]["scoreDrivers"]


async def test_a_corrected_score_reaches_the_next_request(scene: Scene) -> None:
    before = await drivers(scene)
    assert await drivers(scene) == before  # kept
    # A correction: the score is reopened (recomputed from its actuals, which the planted
    # total did not come from) and frozen again as a new version.
    score_id = encode("Score", (await scene.score("s3")).id)
    perf = scene.sandbox.user("perf")
    reopened = await scene.api.gql(REOPEN, {"id": score_id, "r": "fix"}, as_user=perf)
    assert "errors" not in reopened, reopened
    frozen = await scene.api.gql(FREEZE, {"id": score_id}, as_user=perf)
    assert "errors" not in frozen, frozen
    after = await drivers(scene)
    memo.forget()
    assert after == await drivers(scene)  # what a first request answers
    assert after != before


async def test_a_new_metric_fact_reaches_the_next_request(scene: Scene) -> None:
    before = await correlate(scene)
    assert "errors" not in before, before
    assert await correlate(scene) == before  # kept
    await MetricFact.create(
        company_id=scene.company_id,
        employee_id=scene.people["s3"].id,
        metric="attendance.rate",
        period_start=date(2026, 12, 20),
        period_end=date(2026, 12, 20),
        value=Decimal("0.5"),
        source="wecom",
        source_id="att-s3-again",
    )
    after = await correlate(scene)
    memo.forget()
    assert after == await correlate(scene)
    assert after != before


async def test_a_release_passing_changes_a_released_only_readers_stamp(scene: Scene) -> None:
    # Who reads only his own released results (a VP's own score) is kept an answer too: the
    # clock reaches him only through which plans are released, and that is in the stamp.
    moment = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
    await ResultsRelease.filter(plan_id=scene.plan_id).delete()
    await ResultsRelease.create(
        company_id=scene.company_id,
        plan_id=scene.plan_id,
        publish_at=moment,
        released_by=scene.people["s3"].id,
    )
    period = period_of(PeriodKind.MONTH, date.fromisoformat(PERIOD["start"]))

    def reader(now: datetime) -> Reach:
        return Reach(scene.company_id, None, scene.people["s3"].id, None, True, "s3", now=now)

    before = await memo.stamp(reader(moment - timedelta(hours=1)), [period])
    assert before is not None
    assert await memo.stamp(reader(moment - timedelta(minutes=5)), [period]) == before
    after = await memo.stamp(reader(moment + timedelta(minutes=5)), [period])
    assert after is not None and after != before
