"""Who sees and does what with a feedback, by the shipped policy, through the real app: the
employee his own, the managers their team's, the performance admin all, nobody else; the
lists filtered the same way in SQL; another tenant's IDs NOT_FOUND everywhere."""

from __future__ import annotations

import pytest

from schema.ids import encode
from tests.schema.feedback.support import (
    ACCEPT,
    ANSWER,
    DECIDE,
    ESCALATE,
    LIST,
    READ,
    act,
    data,
    error,
    raise_on,
    score_id,
    scored_scene,
)

# person -> may read staff's feedback (and sees it listed)
READERS = {
    "staff": True,  # his own
    "mgr": True,  # his manager (team), and manager of the department (scope)
    "vpa": True,  # the division's VP (scope)
    "perf": True,  # the performance admin (all)
    "vpb": False,
    "worker": False,
    "gm": False,
    "hrvp": False,
    "admin": False,
}


@pytest.fixture
async def raised(db, api, make_company):
    scene = await scored_scene(api, make_company)
    fid = data(await raise_on(scene), "raiseFeedback")["id"]
    return scene, fid


async def test_who_reads_it_and_who_sees_it_listed(raised) -> None:
    scene, fid = raised
    for person, allowed in READERS.items():
        read = await act(scene, READ, person, id=fid)
        listed = data(await act(scene, LIST, person), "feedbacks")["edges"]
        if allowed:
            assert data(read, "feedback")["id"] == fid, person
            assert [e["node"]["id"] for e in listed] == [fid], person
        else:
            assert error(read) == ("NOT_FOUND", "NOT_FOUND"), person
            assert listed == [], person
    # node() answers the same way
    node = "query($id: ID!) { node(id: $id) { ... on Feedback { state } } }"
    assert data(await act(scene, node, "mgr", id=fid), "node") == {"state": "OPEN"}
    assert error(await act(scene, node, "worker", id=fid))[0] == "NOT_FOUND"


async def test_who_raises_answers_accepts_escalates_and_decides(raised) -> None:
    scene, fid = raised
    staff_score = await score_id(scene)
    # Only the person raises feedback on his result.
    given = {"scoreId": staff_score, "category": "OTHER", "text": "x"}
    raise_q = "mutation($i: RaiseFeedbackInput!) { raiseFeedback(input: $i) { id } }"
    assert error(await act(scene, raise_q, "mgr", i=given)) == ("FORBIDDEN", "FORBIDDEN")
    assert error(await act(scene, raise_q, "perf", i=given)) == ("FORBIDDEN", "FORBIDDEN")
    assert error(await act(scene, raise_q, "worker", i=given)) == ("NOT_FOUND", "NOT_FOUND")
    # Only the manager answers at level 0.
    answer = {"answer": "two prospects assigned next month"}
    assert error(await act(scene, ANSWER, "staff", id=fid, i=answer))[0] == "FORBIDDEN"
    assert error(await act(scene, ANSWER, "vpa", id=fid, i=answer))[0] == "FORBIDDEN"
    assert error(await act(scene, ANSWER, "perf", id=fid, i=answer))[0] == "FORBIDDEN"
    assert error(await act(scene, ANSWER, "worker", id=fid, i=answer))[0] == "NOT_FOUND"
    data(await act(scene, ANSWER, "mgr", id=fid, i=answer), "answerFeedback")
    # Only the person accepts or escalates.
    for person in ("mgr", "vpa", "perf"):
        assert error(await act(scene, ACCEPT, person, id=fid))[0] == "FORBIDDEN", person
        assert error(await act(scene, ESCALATE, person, id=fid, r="x"))[0] == "FORBIDDEN", person
    data(await act(scene, ESCALATE, "staff", id=fid, r="x"), "escalateFeedback")
    data(await act(scene, ANSWER, "vpa", id=fid, i=answer), "answerFeedback")
    data(await act(scene, ESCALATE, "staff", id=fid, r="y"), "escalateFeedback")
    # Only the performance admin decides.
    decision = {"decision": "UPHOLD", "reason": "fair"}
    for person in ("staff", "mgr", "vpa"):
        assert error(await act(scene, DECIDE, person, id=fid, i=decision))[0] == "FORBIDDEN"
    assert error(await act(scene, DECIDE, "hrvp", id=fid, i=decision))[0] == "NOT_FOUND"
    assert (
        data(await act(scene, DECIDE, "perf", id=fid, i=decision), "decideFeedback")["state"]
        == "DECIDED"
    )


async def test_another_tenants_ids_are_not_found(raised, make_company) -> None:
    scene, fid = raised
    other = await make_company()

    async def as_other(query: str, person: str, **variables) -> dict:
        return await scene.api.gql(query, variables, as_user=other.user(person))

    for person in ("perf", "staff", "mgr", "admin"):
        assert error(await as_other(READ, person, id=fid))[0] == "NOT_FOUND", person
        assert data(await as_other(LIST, person), "feedbacks")["edges"] == [], person
    assert error(await as_other(ANSWER, "mgr", id=fid, i={"answer": "a"}))[0] == "NOT_FOUND"
    assert error(await as_other(ESCALATE, "staff", id=fid, r="a"))[0] == "NOT_FOUND"
    assert error(await as_other(ACCEPT, "staff", id=fid))[0] == "NOT_FOUND"
    decision = {"decision": "UPHOLD", "reason": "r"}
    assert error(await as_other(DECIDE, "perf", id=fid, i=decision))[0] == "NOT_FOUND"
    given = {"scoreId": await score_id(scene), "category": "OTHER", "text": "x"}
    raise_q = "mutation($i: RaiseFeedbackInput!) { raiseFeedback(input: $i) { id } }"
    assert error(await as_other(raise_q, "staff", i=given))[0] == "NOT_FOUND"
    plan = "query($p: ID!) { feedbacks(planId: $p) { edges { node { id } } } }"
    assert error(await as_other(plan, "perf", p=encode("Plan", scene.plan_id)))[0] == "NOT_FOUND"
