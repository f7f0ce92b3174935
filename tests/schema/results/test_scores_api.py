"""Scores through GraphQL: who reads which score when, and how each explains itself.

The article's plan (tests/server/score_pipeline_support.py): revenue 60 % target 10, new
customers 40 % target 4; ``staff`` (in 销售一部 under ``mgr``) reaches 12 and 5, so
``12 / 10 × 60 % = 72`` and ``72 + 50 = 122 → Excellent``.
"""

from __future__ import annotations

from typing import Any

import pytest

from schema.ids import encode
from server.scoring.recompute import recompute
from server.scoring.vocabulary import ActualSource
from tests.server.score_pipeline_support import Scene, make_scene

SCORE = """query($id: ID!) { score(id: $id) { id status total indicatorsTotal version frozen
  published publishAt explanation explanationEn explanationZh missing
  grade { key name } employee { username } department { name } plan { id state }
  indicators { key name weight target actual score contribution reasons explanation
    explanationEn explanationZh actualSource { source connectorSource note setBy { username } } }
  versions { version } } }"""
SCORES = """query($p: ID!, $d: ID, $first: Int) { scores(planId: $p, departmentId: $d, first: $first)
  { edges { cursor node { id total employee { username } } } pageInfo { hasNextPage endCursor } } }"""
MINE = "{ myScores { id total plan { id } } }"


@pytest.fixture
async def scene(db, api, make_company) -> Scene:
    return await make_scene(api, make_company)


async def article_score(scene: Scene) -> str:
    """The staff member's score as in the article; its global ID."""
    await scene.assign("staff")
    await scene.actual(
        "staff", scene.revenue, "12", ActualSource.CONNECTOR, connector_source="sales-crm"
    )
    await scene.actual("staff", scene.customers, "5", note="from the CRM export")
    assert await recompute(scene.company_id, scene.plan_id) == 1
    return encode("Score", (await scene.score("staff")).id)


async def read(scene: Scene, person: str, query: str, variables: Any = None, **kw: Any) -> Any:
    return await scene.api.gql(query, variables, as_user=scene.sandbox.user(person), **kw)


def reason(answer: dict[str, Any]) -> str:
    return answer["errors"][0]["extensions"]["reason"]


async def test_managers_vps_and_hr_read_a_score_as_soon_as_it_is_computed(scene: Scene) -> None:
    score_id = await article_score(scene)
    plan_id = encode("Plan", scene.plan_id)
    for person in ("mgr", "vpa", "gm", "hrvp", "perf"):
        found = await read(scene, person, SCORE, {"id": score_id})
        assert "errors" not in found, (person, found)
        score = found["data"]["score"]
        assert (score["status"], score["total"], score["grade"]["key"]) == (
            "OK",
            "122",
            "excellent",
        )
        assert score["published"] is False and score["publishAt"] is None
        assert score["employee"]["username"] == scene.sandbox.user("staff")
        listed = await read(scene, person, SCORES, {"p": plan_id})
        assert [e["node"]["id"] for e in listed["data"]["scores"]["edges"]] == [score_id]
    # Outside the grant: another division's VP, a worker elsewhere, the employee himself
    # before publishing (his score is not out yet) all answer as if there were none.
    for person in ("vpb", "worker", "staff"):
        found = await read(scene, person, SCORE, {"id": score_id})
        assert reason(found) == "NOT_FOUND", (person, found)
        node = await read(
            scene, person, "query($id: ID!) { node(id: $id) { id } }", {"id": score_id}
        )
        assert reason(node) == "NOT_FOUND", (person, node)


async def test_a_score_explains_itself_in_english_and_chinese(scene: Scene) -> None:
    score_id = await article_score(scene)
    en = (await read(scene, "mgr", SCORE, {"id": score_id}))["data"]["score"]
    zh = (await read(scene, "mgr", SCORE, {"id": score_id}, lang="zh-CN"))["data"]["score"]
    assert en["explanation"] == en["explanationEn"] == "72 + 50 = 122 → Excellent"
    assert zh["explanation"] == zh["explanationZh"] == en["explanationZh"] == "72 + 50 = 122 → 优秀"
    assert (en["grade"]["name"], zh["grade"]["name"]) == ("Excellent", "优秀")
    revenue, customers = en["indicators"]
    assert revenue["explanation"] == "12 / 10 × 60 % = 72"
    assert (revenue["score"], revenue["contribution"], revenue["reasons"]) == (
        "120",
        "72",
        ["OVERACHIEVED"],
    )
    assert (revenue["weight"], revenue["target"], revenue["actual"]) == ("60", "10", "12")
    assert revenue["actualSource"] == {
        "source": "CONNECTOR",
        "connectorSource": "sales-crm",
        "note": "",
        "setBy": None,
    }
    assert customers["explanation"] == "5 / 4 × 40 % = 50"
    assert customers["actualSource"]["source"] == "MANUAL"
    assert customers["actualSource"]["note"] == "from the CRM export"
    zh_revenue = zh["indicators"][0]
    assert zh_revenue["explanation"] == zh_revenue["explanationZh"] == revenue["explanationZh"]
    assert en["missing"] == [] and en["versions"] == []


async def test_an_incomplete_score_names_what_is_missing(scene: Scene) -> None:
    await scene.assign("staff")
    await scene.actual("staff", scene.revenue, "12")
    await recompute(scene.company_id, scene.plan_id)
    score_id = encode("Score", (await scene.score("staff")).id)
    found = (await read(scene, "mgr", SCORE, {"id": score_id}))["data"]["score"]
    assert (found["status"], found["total"], found["grade"]) == ("INCOMPLETE", None, None)
    assert found["missing"] == [scene.customers]
    assert scene.customers in found["explanationEn"] and "不完整" in found["explanationZh"]
    customers = found["indicators"][1]
    assert (customers["score"], customers["reasons"]) == (None, ["MISSING_ACTUAL"])


async def test_the_employee_sees_his_score_only_once_published(scene: Scene) -> None:
    score_id = await article_score(scene)
    plan_id = encode("Plan", scene.plan_id)
    hidden = await read(scene, "staff", SCORE, {"id": score_id})
    assert reason(hidden) == "NOT_FOUND"
    listed = await read(scene, "staff", SCORES, {"p": plan_id})
    assert listed["data"]["scores"]["edges"] == []
    assert (await read(scene, "staff", MINE))["data"]["myScores"] == []

    for action in ("START_EVALUATION", "FINALIZE"):
        assert "errors" not in await scene.step(action), action
    published = await read(
        scene,
        "hrvp",
        "mutation($p: ID!) { publishResults(planId: $p) { publishAt effective } }",
        {"p": plan_id},
    )
    assert published["data"]["publishResults"]["effective"] is True, published

    seen = (await read(scene, "staff", SCORE, {"id": score_id}))["data"]["score"]
    assert (seen["total"], seen["published"]) == ("122", True)
    assert seen["publishAt"] is not None
    listed = await read(scene, "staff", SCORES, {"p": plan_id})
    assert [e["node"]["id"] for e in listed["data"]["scores"]["edges"]] == [score_id]
    mine = (await read(scene, "staff", MINE))["data"]["myScores"]
    assert [(s["id"], s["plan"]["id"]) for s in mine] == [(score_id, plan_id)]
    # Published is his own only: a colleague's stays out of his sight.
    await scene.assign("mgr")
    await recompute(scene.company_id, scene.plan_id)
    others = encode("Score", (await scene.score("mgr")).id)
    assert reason(await read(scene, "staff", SCORE, {"id": others})) == "NOT_FOUND"
    listed = await read(scene, "staff", SCORES, {"p": plan_id})
    assert [e["node"]["id"] for e in listed["data"]["scores"]["edges"]] == [score_id]


async def test_another_tenants_ids_answer_not_found(scene: Scene, make_company) -> None:
    score_id = await article_score(scene)
    other = await make_company()
    for query, variables in (
        (SCORE, {"id": score_id}),
        (SCORES, {"p": encode("Plan", scene.plan_id)}),
    ):
        found = await scene.api.gql(query, variables, as_user=other.user("gm"))
        assert reason(found) == "NOT_FOUND", found


async def test_a_page_of_scores_by_department_and_cursor(scene: Scene) -> None:
    for person in ("staff", "mgr", "worker"):
        await scene.assign(person)
    await recompute(scene.company_id, scene.plan_id)
    plan_id = encode("Plan", scene.plan_id)
    first = await read(scene, "gm", SCORES, {"p": plan_id, "first": 2})
    page = first["data"]["scores"]
    assert len(page["edges"]) == 2 and page["pageInfo"]["hasNextPage"] is True
    rest = await read(
        scene,
        "gm",
        "query($p: ID!, $a: String) { scores(planId: $p, after: $a) { edges { node { id } } } }",
        {"p": plan_id, "a": page["pageInfo"]["endCursor"]},
    )
    ids = [e["node"]["id"] for e in page["edges"] + rest["data"]["scores"]["edges"]]
    assert len(set(ids)) == 3
    plant = await read(scene, "gm", SCORES, {"p": plan_id, "d": scene.sandbox.ids["plant"]})
    assert [e["node"]["employee"]["username"] for e in plant["data"]["scores"]["edges"]] == [
        scene.sandbox.user("worker")
    ]
    # The manager's grant ends at his department, whatever is asked for.
    mine = await read(scene, "mgr", SCORES, {"p": plan_id, "d": scene.sandbox.ids["sales"]})
    names = {e["node"]["employee"]["username"] for e in mine["data"]["scores"]["edges"]}
    assert names == {scene.sandbox.user("staff"), scene.sandbox.user("mgr")}
    outside = await read(scene, "mgr", SCORES, {"p": plan_id, "d": scene.sandbox.ids["plant"]})
    assert outside["data"]["scores"]["edges"] == []
    too_many = await read(scene, "gm", SCORES, {"p": plan_id, "first": 101})
    assert reason(too_many) == "PAGE_SIZE"
