"""Reading evaluations: the person sees the manager's evaluation of him only once the results
are published; a plan's list is filtered in SQL by the policy, department and kind; labels
are the tenant's or the defaults."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from schema.ids import decode
from server.evaluations.access import results_published
from server.evaluations.ratings import DEFAULT_RATING_LABELS, labels_from_json, rating_labels
from server.models import ResultsRelease, ScoringSettings
from tests.schema.results.test_evaluations_support import (
    LIST,
    READ,
    SAVE_MANAGER,
    SAVE_SELF,
    assign,
    error,
    evaluating_plan,
    keys,
)

NODE = "query($id: ID!) { node(id: $id) { ... on Evaluation { id kind overallRating } } }"
LABELS = "{ ratingLabels { rating label } }"


async def _both_submitted(api, s):
    plan, assignment = await evaluating_plan(api, s)
    _, _, teamwork = keys(plan)
    own = await api.gql(
        SAVE_SELF,
        {"a": assignment, "i": {"overallComment": "自评"}, "s": True},
        as_user=s.user("staff"),
    )
    rating = {"items": [{"indicatorKey": teamwork, "rating": 2}], "overallRating": 2}
    managers = await api.gql(
        SAVE_MANAGER, {"a": assignment, "i": rating, "s": True}, as_user=s.user("mgr")
    )
    return (
        plan,
        assignment,
        own["data"]["saveSelfEvaluation"]["id"],
        managers["data"]["saveManagerEvaluation"]["id"],
    )


async def test_the_employee_sees_the_managers_evaluation_once_published(api, make_company, db):
    s = await make_company()
    plan, assignment, own_id, manager_id = await _both_submitted(api, s)
    staff = s.user("staff")

    async def seen() -> tuple[object, ...]:
        read = await api.gql(READ, {"a": assignment, "k": "MANAGER"}, as_user=staff)
        node = await api.gql(NODE, {"id": manager_id}, as_user=staff)
        page = await api.gql(LIST, {"p": plan["id"]}, as_user=staff)
        kinds = sorted(e["node"]["kind"] for e in page["data"]["evaluations"]["edges"])
        found = read["data"]["evaluation"]
        return (
            None if found is None else found["overallRating"],
            "errors" not in node and node["data"]["node"]["overallRating"],
            kinds,
        )

    assert await seen() == (None, False, ["SELF"])
    own = await api.gql(READ, {"a": assignment, "k": "SELF"}, as_user=staff)
    assert own["data"]["evaluation"]["id"] == own_id  # his own, always
    plan_id = decode(plan["id"], "Plan")
    release = await ResultsRelease.create(
        company_id=s.company_id,
        plan_id=plan_id,
        publish_at=datetime.now(UTC) + timedelta(hours=1),
        released_by=decode(s.ids["perf"], "Employee"),
    )
    assert await seen() == (None, False, ["SELF"])  # set to publish later: not yet
    await ResultsRelease.filter(id=release.id).update(
        publish_at=datetime.now(UTC) - timedelta(minutes=1)
    )
    assert await results_published(plan_id, datetime.now(UTC))
    assert await seen() == (2, 2, ["MANAGER", "SELF"])
    # His manager saw it all along.
    read = await api.gql(READ, {"a": assignment, "k": "MANAGER"}, as_user=s.user("mgr"))
    assert read["data"]["evaluation"]["overallRating"] == 2


async def test_lists_follow_the_policy_department_and_kind(api, make_company):
    s = await make_company()
    plan, _, _, _ = await _both_submitted(api, s)
    await assign(api, s, plan, who="mgr")  # a second person, nothing written yet

    async def usernames(user: str, **given: object) -> list[tuple[str, str]]:
        page = await api.gql(LIST, {"p": plan["id"], **given}, as_user=user)
        assert "errors" not in page, page
        return [
            (e["node"]["employee"]["username"], e["node"]["kind"])
            for e in page["data"]["evaluations"]["edges"]
        ]

    both = [(s.user("staff"), "MANAGER"), (s.user("staff"), "SELF")]
    for user in ("mgr", "vpa", "perf", "hrvp", "gm"):
        assert sorted(await usernames(s.user(user))) == both, user
    assert await usernames(s.user("worker")) == []
    assert await usernames(s.user("vpb")) == []
    assert sorted(await usernames(s.user("vpa"), d=s.ids["divA"])) == both
    assert await usernames(s.user("vpa"), d=s.ids["plant"]) == []
    assert await usernames(s.user("perf"), k="SELF") == [(s.user("staff"), "SELF")]

    first = await api.gql(LIST, {"p": plan["id"], "f": 1}, as_user=s.user("perf"))
    page = first["data"]["evaluations"]
    assert (len(page["edges"]), page["pageInfo"]["hasNextPage"]) == (1, True)
    rest = await api.gql(
        LIST,
        {"p": plan["id"], "f": 1, "after": page["pageInfo"]["endCursor"]},
        as_user=s.user("perf"),
    )
    seen = {page["edges"][0]["node"]["id"], rest["data"]["evaluations"]["edges"][0]["node"]["id"]}
    assert len(seen) == 2
    too_many = await api.gql(LIST, {"p": plan["id"], "f": 101}, as_user=s.user("perf"))
    assert error(too_many)["extensions"]["reason"] == "PAGE_SIZE"


async def test_rating_labels_are_the_tenants_or_the_defaults(api, make_company, db):
    s = await make_company()
    default = await api.gql(LABELS, as_user=s.user("staff"))
    assert default["data"]["ratingLabels"] == [
        {"rating": label.rating, "label": label.en} for label in DEFAULT_RATING_LABELS
    ]
    zh = await api.gql(LABELS, as_user=s.user("staff"), lang="zh")
    assert [x["label"] for x in zh["data"]["ratingLabels"]] == [
        "不合格",
        "待改进",
        "达到期望",
        "超出期望",
        "卓越",
    ]
    await ScoringSettings.create(
        company_id=s.company_id,
        rating_labels=[{"rating": 5, "en": "Star", "zh": "明星"}, {"rating": 9, "en": "?"}],
    )
    labels = await rating_labels(s.company_id)
    assert [(x.rating, x.en, x.zh) for x in labels][3:] == [
        (4, "Exceeds expectations", "超出期望"),
        (5, "Star", "明星"),
    ]
    custom = await api.gql(LABELS, as_user=s.user("staff"), lang="zh")
    assert custom["data"]["ratingLabels"][4] == {"rating": 5, "label": "明星"}
    assert labels_from_json([]) == DEFAULT_RATING_LABELS
