"""360 input through the API: asking, answering once, and anonymity below and above k."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from schema.ids import decode
from server.models import Employee, PeerResponse, PeerReview
from tests.schema.peer_reviews.support import (
    INVITATIONS,
    REQUEST,
    RESPONSES,
    SETTINGS,
    SUBMIT,
    SUMMARY,
    answer,
    ask,
    error,
    later,
)
from tests.schema.results.test_evaluations_support import evaluating_plan, keys


async def test_averages_appear_only_at_k_and_never_name_a_reviewer(api, make_company, db):
    s = await make_company()
    plan, assignment = await evaluating_plan(api, s)
    teamwork = keys(plan)[2]
    review = await ask(api, s, assignment, ["vpa", "vpb", "worker", "gm"])

    # The reviewer sees what he was asked, and answers once.
    invited = await api.gql(INVITATIONS, as_user=s.user("vpa"))
    [invitation] = invited["data"]["myPeerInvitations"]
    assert invitation["employee"]["username"] == s.user("staff")
    assert [i["key"] for i in invitation["indicators"]] == [teamwork]
    assert invitation["answer"] is None
    first = await answer(api, s, review, teamwork, "vpa", 4)
    assert first["data"]["submitPeerInput"]["ratings"] == [{"indicatorKey": teamwork, "rating": 4}]
    again = await answer(api, s, review, teamwork, "vpa", 5)
    assert error(again)["reason"] == "PEER_ALREADY_ANSWERED"

    # Below k (3): the subject and his manager see only the count.
    for who in ("staff", "mgr"):
        seen = (await api.gql(SUMMARY, {"a": assignment}, as_user=s.user(who)))["data"]
        assert seen["peerReview"]["answered"] == 1
        assert (seen["peerReview"]["average"], seen["peerReview"]["indicators"]) == (None, [])

    # Two submissions of one reviewer at once: exactly one is taken.
    racing = await asyncio.gather(
        answer(api, s, review, teamwork, "gm", 5), answer(api, s, review, teamwork, "gm", 5)
    )
    assert sorted("errors" in r for r in racing) == [False, True]
    assert error(next(r for r in racing if "errors" in r))["reason"] == "PEER_ALREADY_ANSWERED"
    assert await PeerResponse.filter(review_id=decode(review, "PeerReview")).count() == 2

    await answer(api, s, review, teamwork, "worker", 3)
    for who in ("staff", "mgr", "perf"):
        seen = (await api.gql(SUMMARY, {"a": assignment}, as_user=s.user(who)))["data"]
        found = seen["peerReview"]
        assert (found["asked"], found["answered"], found["average"]) == (4, 3, "4")
        assert found["indicators"] == [
            {
                "indicatorKey": teamwork,
                "indicatorName": "团队协作 Teamwork",
                "average": "4",
                "count": 3,
            }
        ]
        assert "vpa" not in str(seen) and "worker" not in str(seen)

    # Who answered what: the performance admin only; to anyone else it does not exist.
    full = await api.gql(RESPONSES, {"id": review}, as_user=s.user("perf"))
    assert {r["reviewer"]["username"] for r in full["data"]["peerResponses"]} == {
        s.user("vpa"),
        s.user("gm"),
        s.user("worker"),
    }
    for who in ("staff", "mgr", "vpa", "hrvp"):
        hidden = await api.gql(RESPONSES, {"id": review}, as_user=s.user(who))
        assert error(hidden)["code"] == "NOT_FOUND", who

    # A higher k hides the averages again.
    denied = await api.gql(SETTINGS, {"k": 4}, as_user=s.user("mgr"))
    assert error(denied)["code"] == "FORBIDDEN"
    raised = await api.gql(SETTINGS, {"k": 4}, as_user=s.user("perf"))
    assert raised["data"]["updatePeerReviewSettings"]["minResponses"] == 4
    seen = (await api.gql(SUMMARY, {"a": assignment}, as_user=s.user("staff")))["data"]
    assert (seen["peerReview"]["answered"], seen["peerReview"]["average"]) == (3, None)
    out = await api.gql(SETTINGS, {"k": 0}, as_user=s.user("perf"))
    assert error(out)["reason"] == "DATE_RANGE"


async def test_who_may_ask_whom_and_until_when(api, make_company, db):
    s = await make_company()
    other = await make_company()
    plan, assignment = await evaluating_plan(api, s)
    teamwork = keys(plan)[2]

    def ask_as(user: str, who: list[str], deadline: str | None = None, ids=None):
        return api.gql(
            REQUEST,
            {"a": assignment, "r": ids or [s.ids[w] for w in who], "d": deadline or later()},
            as_user=s.user(user),
        )

    assert error(await ask_as("mgr", ["staff"]))["reason"] == "PEER_REVIEWER_IS_SUBJECT"
    assert error(await ask_as("mgr", ["vpa"], later(-1)))["reason"] == "PEER_DEADLINE_PAST"
    foreign = await ask_as("mgr", [], ids=[other.ids["gm"]])
    assert error(foreign)["code"] == "NOT_FOUND"
    # A colleague who is not the person's manager: the person is out of his sight.
    assert error(await ask_as("worker", ["vpa"]))["code"] == "NOT_FOUND"
    # The person himself sees his assignment but may not ask about himself.
    assert error(await ask_as("staff", ["vpa"]))["code"] == "FORBIDDEN"
    # The tenant admin (IT) runs accounts, not reviews.
    assert error(await ask_as("admin", ["vpa"]))["code"] == "NOT_FOUND"
    # Another tenant's user does not find the assignment at all.
    stranger = await api.gql(
        REQUEST,
        {"a": assignment, "r": [other.ids["vpa"]], "d": later()},
        as_user=other.user("perf"),
    )
    assert error(stranger)["code"] == "NOT_FOUND"
    await Employee.filter(id=decode(s.ids["vpb"], "Employee")).update(is_active=False)
    assert error(await ask_as("mgr", ["vpb"]))["reason"] == "INACTIVE_REFERENCE"

    created = await ask_as("perf", ["vpa", "worker"])
    review = created["data"]["requestPeerInput"]["id"]
    again = await ask_as("mgr", ["worker", "gm"])
    assert again["data"]["requestPeerInput"]["asked"] == 3  # the same request, one more

    # By its global ID: its readers find it, a reviewer or another tenant find nothing.
    node = "query($id: ID!) { node(id: $id) { ... on PeerReview { asked planId } } }"
    by_id = await api.gql(node, {"id": review}, as_user=s.user("mgr"))
    assert by_id["data"]["node"]["asked"] == 3, by_id
    for outsider in (s.user("worker"), other.user("gm")):
        hidden = await api.gql(node, {"id": review}, as_user=outsider)
        assert error(hidden)["code"] == "NOT_FOUND", hidden

    # Somebody not asked finds nothing to answer; past the deadline nothing is taken.
    assert error(await answer(api, s, review, teamwork, "hrvp", 3))["code"] == "NOT_FOUND"
    assert error(await answer(api, s, review, teamwork, "staff", 3))["code"] == "NOT_FOUND"
    bad = await api.gql(
        """mutation($id: ID!) { submitPeerInput(reviewId: $id, ratings: []) { comment } }""",
        {"id": review},
        as_user=s.user("vpa"),
    )
    assert error(bad)["reason"] == "RATING_MISSING"
    assert error(await answer(api, s, review, teamwork, "vpa", 6))["reason"] == "RATING_RANGE"
    await PeerReview.filter(id=decode(review, "PeerReview")).update(
        deadline=datetime.now(UTC) - timedelta(minutes=1)
    )
    closed = await answer(api, s, review, teamwork, "vpa", 3)
    assert error(closed)["reason"] == "PEER_REVIEW_CLOSED"
    zh = await api.gql(
        SUBMIT,
        {"id": review, "r": [{"indicatorKey": teamwork, "rating": 3}]},
        as_user=s.user("gm"),
        lang="zh",
    )
    assert "截止时间" in zh["errors"][0]["message"]
