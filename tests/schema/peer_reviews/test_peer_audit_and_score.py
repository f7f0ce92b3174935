"""The audit log never names a reviewer to those without peer_review:read_all, and the peer
average feeds the tenant's final-score formula as ``peer_rating`` once k answered."""

from __future__ import annotations

from decimal import Decimal

from schema.ids import decode, encode
from server.models import AuditEntry, Score
from server.scoring import snapshot
from tests.schema.peer_reviews.support import answer, ask, error
from tests.schema.results.test_evaluations_support import evaluating_plan, keys

AUDIT = """query($f: AuditFilterInput) { auditLog(first: 50, filter: $f) { edges { node {
  action objectType objectId actorId actor { username } before after requestId
  clientAddress } } } }"""
FORMULA = """mutation($e: String!) { setScoringFormula(expression: $e) { formula { version } } }"""


async def test_peer_audit_entries_hide_the_reviewer_from_log_readers(api, make_company, db):
    s = await make_company()
    plan, assignment = await evaluating_plan(api, s)
    teamwork = keys(plan)[2]
    review = await ask(api, s, assignment, ["vpa", "worker", "gm"])
    done = await answer(api, s, review, teamwork, "vpa", 2)
    assert "errors" not in done, done

    # Recorded whole: the reviewer is the entry's actor in the database.
    vpa = decode(s.ids["vpa"], "Employee")
    row = await AuditEntry.get(action="peer_review.respond", actor_id=vpa)
    assert row.after == {"ratings": {teamwork: 2}, "comment": "vpa 的意见"}

    # The HR VP and the tenant admin read the log, not who gave 360 input.
    for reader in ("hrvp", "admin"):
        log = await api.gql(AUDIT, {"f": {"objectType": "PEER_RESPONSE"}}, as_user=s.user(reader))
        [entry] = [e["node"] for e in log["data"]["auditLog"]["edges"]]
        assert entry["action"] == "PEER_REVIEW_RESPOND"
        assert (entry["actorId"], entry["actor"], entry["objectId"]) == (None, None, None)
        assert (entry["before"], entry["after"]) == (None, None)
        assert (entry["requestId"], entry["clientAddress"]) == ("", "")
        asked = await api.gql(AUDIT, {"f": {"objectType": "PEER_REVIEW"}}, as_user=s.user(reader))
        [entry] = [e["node"] for e in asked["data"]["auditLog"]["edges"]]
        assert entry["after"] is None and entry["actorId"] is None  # who was asked is hidden
        # Filtering by a person cannot single out his peer entries either.
        by_actor = await api.gql(AUDIT, {"f": {"actorId": s.ids["vpa"]}}, as_user=s.user(reader))
        kinds = {e["node"]["objectType"] for e in by_actor["data"]["auditLog"]["edges"]}
        assert "PLAN" in kinds and not kinds & {"PEER_REVIEW", "PEER_RESPONSE"}
        by_object = await api.gql(
            AUDIT,
            {"f": {"objectId": encode("PeerReview", decode(review, "PeerReview"))}},
            as_user=s.user(reader),
        )
        assert by_object["data"]["auditLog"]["edges"] == []
    # The subject himself does not read the log at all.
    assert error(await api.gql(AUDIT, {}, as_user=s.user("staff")))["code"] == "FORBIDDEN"


async def test_peer_rating_is_a_formula_component_once_k_answered(api, make_company, db):
    s = await make_company()
    plan, assignment = await evaluating_plan(api, s)
    teamwork = keys(plan)[2]
    saved = await api.gql(FORMULA, {"e": "peer_rating"}, as_user=s.user("perf"))
    assert "errors" not in saved, saved
    staff = decode(s.ids["staff"], "Employee")
    plan_id = decode(plan["id"], "Plan")

    async def score() -> Score:
        row = await Score.get(plan_id=plan_id, employee_id=staff)
        await snapshot.attach([row])
        return row

    review = await ask(api, s, assignment, ["vpa", "worker", "gm"])
    for who, rating in (("vpa", 4), ("worker", 5)):
        assert "errors" not in await answer(api, s, review, teamwork, who, rating)
    below = await score()
    assert (below.status, below.total) == ("incomplete", None)
    assert "peer_rating" not in below.inputs
    assert "errors" not in await answer(api, s, review, teamwork, "gm", 4)
    found = await score()  # the third answer recomputed the person's score
    # (4 + 5 + 4) / 3 on the 100 scale (x 20), half-up to 2 places
    assert (found.status, found.total) == ("ok", Decimal("86.67"))
    assert found.inputs["peer_rating"] == "4.333333"
