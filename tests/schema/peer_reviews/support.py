"""Set-up shared by the 360 tests: an evaluating plan with ``staff`` assigned (teamwork is
the qualitative indicator), GraphQL documents, and the caller's helpers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

REQUEST = """mutation($a: ID!, $r: [ID!]!, $d: DateTime!) {
  requestPeerInput(assignmentId: $a, reviewerIds: $r, deadline: $d) {
    id asked answered minResponses average indicators { indicatorKey average count }
    employee { username } } }"""
SUBMIT = """mutation($id: ID!, $r: [PeerRatingInput!]!, $c: String) {
  submitPeerInput(reviewId: $id, ratings: $r, comment: $c) {
    reviewId submittedAt comment ratings { indicatorKey rating } } }"""
SUMMARY = """query($a: ID!) { peerReview(assignmentId: $a) {
  id asked answered minResponses average
  indicators { indicatorKey indicatorName average count } } }"""
RESPONSES = """query($id: ID!) { peerResponses(reviewId: $id) {
  comment reviewer { username } ratings { indicatorKey rating } } }"""
INVITATIONS = """query { myPeerInvitations { reviewId deadline employee { username }
  indicators { key name } answer { comment } } }"""
SETTINGS = """mutation($k: Int!) { updatePeerReviewSettings(minResponses: $k) { minResponses } }"""


def later(days: float = 1) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def error(result: dict[str, Any]) -> dict[str, Any]:
    assert result.get("errors"), result
    return dict(result["errors"][0]["extensions"])


async def ask(api: Any, s: Any, assignment: str, who: list[str], as_user: str = "mgr") -> str:
    done = await api.gql(
        REQUEST,
        {"a": assignment, "r": [s.ids[w] for w in who], "d": later()},
        as_user=s.user(as_user),
    )
    assert "errors" not in done, done
    return str(done["data"]["requestPeerInput"]["id"])


async def answer(api: Any, s: Any, review: str, key: str, who: str, rating: int) -> Any:
    return await api.gql(
        SUBMIT,
        {"id": review, "r": [{"indicatorKey": key, "rating": rating}], "c": f"{who} 的意见"},
        as_user=s.user(who),
    )
