"""Set-up for feedback tests: the article's sales plan with ``staff`` scored, finalized and
(optionally) published, and the GraphQL operations of the feedback API.

The sandbox of ``make_company``: ``staff`` reports to ``mgr`` (manager of 销售一部), who
reports to ``vpa`` (the division's VP): the skip-level. ``perf`` is the performance admin.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from schema.ids import encode
from server.models import ResultsRelease, Score
from server.scoring.recompute import recompute
from server.scoring.vocabulary import ActualSource
from tests.server.score_pipeline_support import Scene, make_scene

FEEDBACK_FIELDS = """id state escalationLevel category text indicatorKey answerDueAt answer answeredLate
  escalationReason decision decisionReason scoreVersion revision
  employee { username } manager { username } handler { username }
  actions { id text dueOn status owner { username } } checkIns { on note }"""
RAISE = (
    f"""mutation($i: RaiseFeedbackInput!) {{ raiseFeedback(input: $i) {{ {FEEDBACK_FIELDS} }} }}"""
)
ANSWER = f"""mutation($id: ID!, $i: AnswerFeedbackInput!) {{
  answerFeedback(id: $id, input: $i) {{ {FEEDBACK_FIELDS} }} }}"""
ACCEPT = f"mutation($id: ID!) {{ acceptFeedback(id: $id) {{ {FEEDBACK_FIELDS} }} }}"
ESCALATE = f"""mutation($id: ID!, $r: String!) {{
  escalateFeedback(id: $id, reason: $r) {{ {FEEDBACK_FIELDS} }} }}"""
DECIDE = f"""mutation($id: ID!, $i: DecideFeedbackInput!) {{
  decideFeedback(id: $id, input: $i) {{ {FEEDBACK_FIELDS} }} }}"""
READ = f"query($id: ID!) {{ feedback(id: $id) {{ {FEEDBACK_FIELDS} }} }}"
LIST = """query($s: FeedbackState) { feedbacks(state: $s, first: 50) {
  edges { node { id state employee { username } } } } }"""

STORY_TEXT = "the new-customer target is too high: few leads this month"


def error(answer: dict[str, Any]) -> tuple[str, str]:
    assert "errors" in answer, answer
    extensions = answer["errors"][0]["extensions"]
    return extensions["code"], extensions["reason"]


def data(answer: dict[str, Any], field: str) -> Any:
    assert "errors" not in answer, answer
    return answer["data"][field]


async def scored_scene(api: Any, make_company: Any, *, publish: bool = True) -> Scene:
    """``staff`` (and ``worker``'s colleague ``mgr``) scored: revenue 10 of 10, new customers
    2 of 4 -> 60 + 20 = 80 (Good); the plan finalized (version 1 frozen) and published."""
    scene = await make_scene(api, make_company)
    for person in ("staff", "mgr"):
        await scene.assign(person)
        await scene.actual(person, scene.revenue, "10", ActualSource.CONNECTOR)
        await scene.actual(person, scene.customers, "2")
    await recompute(scene.company_id, scene.plan_id)
    for action in ("START_EVALUATION", "FINALIZE"):
        assert "errors" not in await scene.step(action), action
    if publish:
        published = await api.gql(
            "mutation($p: ID!) { publishResults(planId: $p) { publishAt } }",
            {"p": encode("Plan", scene.plan_id)},
            as_user=scene.sandbox.user("hrvp"),
        )
        assert "errors" not in published, published
    return scene


async def score_id(scene: Scene, person: str = "staff") -> str:
    row = await Score.get(plan_id=scene.plan_id, employee_id=scene.people[person].id)
    return encode("Score", row.id)


async def raise_on(
    scene: Scene, person: str = "staff", indicator: str | None = None, **more: Any
) -> dict[str, Any]:
    given = {
        "scoreId": await score_id(scene, person),
        "category": "TARGET_TOO_HIGH",
        "text": STORY_TEXT,
        "indicatorKey": indicator,
    } | more
    return await scene.api.gql(RAISE, {"i": given}, as_user=scene.sandbox.user(person))


async def published_days_ago(scene: Scene, days: float) -> None:
    """Move the release back in time instead of waiting."""
    at = datetime.now(UTC) - timedelta(days=days)
    await ResultsRelease.filter(plan_id=scene.plan_id).update(publish_at=at)


async def act(scene: Scene, query: str, person: str, **variables: Any) -> dict[str, Any]:
    return await scene.api.gql(query, variables, as_user=scene.sandbox.user(person))
