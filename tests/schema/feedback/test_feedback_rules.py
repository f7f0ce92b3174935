"""The window after publishing, the answer deadline, the tenant's settings and the checks on
what is written: each refusal with its code and reason, through the real app."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta

from schema.ids import decode, encode
from server.models import AuditEntry, Feedback, FeedbackSettings, ResultsRelease
from tests.schema.feedback.support import (
    ANSWER,
    ESCALATE,
    RAISE,
    act,
    data,
    error,
    published_days_ago,
    raise_on,
    score_id,
    scored_scene,
)

SETTINGS = "{ feedbackSettings { windowDays answerHours } }"
UPDATE_SETTINGS = """mutation($i: FeedbackSettingsInput!) {
  updateFeedbackSettings(input: $i) { windowDays answerHours } }"""
CHECK_IN = """mutation($id: ID!, $on: Date!, $n: String!) {
  addFeedbackCheckIn(id: $id, on: $on, note: $n) { on note author { username } } }"""
SET_STATUS = """mutation($id: ID!, $s: ImprovementActionStatus!) {
  setImprovementActionStatus(id: $id, status: $s) { status } }"""


async def test_feedback_opens_with_publishing_and_closes_after_the_window(
    db, api, make_company
) -> None:
    scene = await scored_scene(api, make_company, publish=False)
    before = await raise_on(scene)
    assert error(before) == ("CONFLICT", "RESULTS_NOT_PUBLISHED")
    assert "not published" in before["errors"][0]["message"]
    # A release scheduled for tomorrow is not published yet either.
    await ResultsRelease.create(
        company_id=scene.company_id,
        plan_id=scene.plan_id,
        publish_at=datetime.now(UTC) + timedelta(days=1),
        released_by=scene.people["hrvp"].id,
    )
    assert error(await raise_on(scene)) == ("CONFLICT", "RESULTS_NOT_PUBLISHED")
    # Eight days after publishing, the default 7-day window has closed...
    await published_days_ago(scene, 8)
    late = await raise_on(scene)
    assert error(late) == ("CONFLICT", "FEEDBACK_WINDOW_CLOSED")
    assert "7 days" in late["errors"][0]["message"]
    zh = await api.gql(
        RAISE,
        {"i": {"scoreId": await score_id(scene), "category": "OTHER", "text": "x"}},
        as_user=scene.sandbox.user("staff"),
        lang="zh",
    )
    assert "截止" in zh["errors"][0]["message"]
    # ...unless the tenant gives ten days.
    assert error(await act(scene, UPDATE_SETTINGS, "mgr", i={"windowDays": 10}))[0] == "FORBIDDEN"
    updated = data(
        await act(scene, UPDATE_SETTINGS, "perf", i={"windowDays": 10}), "updateFeedbackSettings"
    )
    assert updated == {"windowDays": 10, "answerHours": 24}
    assert data(await act(scene, SETTINGS, "staff"), "feedbackSettings") == updated
    assert data(await raise_on(scene), "raiseFeedback")["state"] == "OPEN"
    entry = await AuditEntry.get(company_id=scene.company_id, action="feedback_settings.update")
    assert (entry.before, entry.after) == ({"window_days": 7}, {"window_days": 10})
    for bad in ({"windowDays": 0}, {"answerHours": 10_000}):
        assert error(await act(scene, UPDATE_SETTINGS, "perf", i=bad)) == (
            "BAD_USER_INPUT",
            "DATE_RANGE",
        )


async def test_the_answer_deadline_is_stored_and_escalation_waits_for_it(
    db, api, make_company
) -> None:
    scene = await scored_scene(api, make_company)
    data(await act(scene, UPDATE_SETTINGS, "perf", i={"answerHours": 48}), "updateFeedbackSettings")
    raised = data(await raise_on(scene), "raiseFeedback")
    due = datetime.fromisoformat(raised["answerDueAt"])
    assert abs(due - (datetime.now(UTC) + timedelta(hours=48))) < timedelta(minutes=5)
    refused = await act(scene, ESCALATE, "staff", id=raised["id"], r="slow")
    assert error(refused) == ("CONFLICT", "ANSWER_NOT_DUE")
    assert due.strftime("%Y-%m-%d %H:%M") in refused["errors"][0]["message"]
    # The deadline passes without an answer: escalation to the skip-level is open.
    row = await Feedback.get(id=decode(raised["id"], "Feedback"))
    await Feedback.filter(id=row.id).update(answer_due_at=datetime.now(UTC) - timedelta(hours=1))
    up = data(
        await act(scene, ESCALATE, "staff", id=raised["id"], r="no answer"), "escalateFeedback"
    )
    assert (up["state"], up["escalationLevel"], up["handler"]["username"]) == (
        "ESCALATED",
        1,
        scene.sandbox.user("vpa"),
    )
    new_due = datetime.fromisoformat(up["answerDueAt"])
    assert abs(new_due - (datetime.now(UTC) + timedelta(hours=48))) < timedelta(minutes=5)
    # The skip-level answers late: taken, and shown as late.
    await Feedback.filter(id=row.id).update(answer_due_at=datetime.now(UTC) - timedelta(hours=1))
    late = data(
        await act(scene, ANSWER, "vpa", id=raised["id"], i={"answer": "ok"}), "answerFeedback"
    )
    assert (late["state"], late["answeredLate"]) == ("ANSWERED", True)
    audit = await AuditEntry.filter(object_id=str(row.id), action="feedback.answer").first()
    assert audit is not None and audit.after["late"] is True


async def test_what_is_written_is_checked(db, api, make_company) -> None:
    scene = await scored_scene(api, make_company)
    assert error(await raise_on(scene, text="  \u200b ")) == ("BAD_USER_INPUT", "REQUIRED")
    assert error(await raise_on(scene, text="x" * 2001)) == ("BAD_USER_INPUT", "TOO_LONG")
    assert error(await raise_on(scene, indicator="no-such-key")) == (
        "BAD_USER_INPUT",
        "UNKNOWN_INDICATOR",
    )
    assert error(await raise_on(scene, category="target_too_high"))[0] == "BAD_USER_INPUT"
    # A lone surrogate is refused at the edge, before any service sees it.
    body = (
        '{"query": "mutation R($i: RaiseFeedbackInput!) { raiseFeedback(input: $i) { id } }", '
        '"variables": {"i": {"scoreId": ' + json.dumps(await score_id(scene)) + ", "
        '"category": "OTHER", "text": "bad \\ud800 text"}}}'
    )
    token = await api.token(scene.sandbox.user("staff"))
    response = await api.client.post(
        "/graphql",
        content=body,
        headers={"content-type": "application/json", "authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    refusal = response.json()["errors"][0]["extensions"]
    assert (refusal["code"], refusal["reason"]) == ("BAD_USER_INPUT", "TEXT_SURROGATE")
    assert await Feedback.filter(company_id=scene.company_id).count() == 0
    # The answer's improvement plan: owners of this company, sensible due dates, at most 10.
    fid = data(await raise_on(scene), "raiseFeedback")["id"]
    owner = encode("Employee", scene.people["staff"].id)
    past = {"text": "t", "ownerId": owner, "dueOn": (date.today() - timedelta(days=5)).isoformat()}
    assert error(await act(scene, ANSWER, "mgr", id=fid, i={"answer": "a", "actions": [past]})) == (
        "BAD_USER_INPUT",
        "DATE_RANGE",
    )
    ok = {"text": "t", "ownerId": owner, "dueOn": date.today().isoformat()}
    many = {"answer": "a", "actions": [ok] * 11}
    assert error(await act(scene, ANSWER, "mgr", id=fid, i=many)) == (
        "BAD_USER_INPUT",
        "TOO_MANY_ITEMS",
    )
    stranger = await make_company()
    foreign = {**ok, "ownerId": stranger.ids["staff"]}
    assert (
        error(await act(scene, ANSWER, "mgr", id=fid, i={"answer": "a", "actions": [foreign]}))[0]
        == "NOT_FOUND"
    )
    assert error(await act(scene, ANSWER, "mgr", id=fid, i={"answer": " "})) == (
        "BAD_USER_INPUT",
        "REQUIRED",
    )
    assert (await Feedback.get(id=decode(fid, "Feedback"))).state == "open"


async def test_check_ins_and_action_statuses_follow_the_plan(db, api, make_company) -> None:
    scene = await scored_scene(api, make_company)
    fid = data(await raise_on(scene), "raiseFeedback")["id"]
    owner = encode("Employee", scene.people["staff"].id)
    plan = {
        "answer": "two prospects assigned next month",
        "actions": [{"text": "Call them", "ownerId": owner, "dueOn": date.today().isoformat()}],
    }
    action_id = data(await act(scene, ANSWER, "mgr", id=fid, i=plan), "answerFeedback")["actions"][
        0
    ]["id"]
    today = date.today().isoformat()
    checked = data(
        await act(scene, CHECK_IN, "mgr", id=fid, on=today, n="first prospect called"),
        "addFeedbackCheckIn",
    )
    assert checked["author"]["username"] == scene.sandbox.user("mgr")
    assert error(await act(scene, CHECK_IN, "staff", id=fid, on=today, n="x"))[0] == "FORBIDDEN"
    assert error(await act(scene, CHECK_IN, "worker", id=fid, on=today, n="x"))[0] == "NOT_FOUND"
    # The action's owner moves his own action; someone out of sight cannot.
    moved = await act(scene, SET_STATUS, "staff", id=action_id, s="IN_PROGRESS")
    assert data(moved, "setImprovementActionStatus") == {"status": "IN_PROGRESS"}
    assert error(await act(scene, SET_STATUS, "worker", id=action_id, s="DONE"))[0] == "NOT_FOUND"
    done = await act(scene, SET_STATUS, "mgr", id=action_id, s="DONE")
    assert data(done, "setImprovementActionStatus") == {"status": "DONE"}
    read = data(
        await act(
            scene,
            "query($id: ID!) { feedback(id: $id) { checkIns { on note } actions { status } } }",
            "staff",
            id=fid,
        ),
        "feedback",
    )
    assert read == {
        "checkIns": [{"on": today, "note": "first prospect called"}],
        "actions": [{"status": "DONE"}],
    }
    audited = await AuditEntry.filter(object_id=str(decode(fid, "Feedback"))).values_list(
        "action", flat=True
    )
    assert sorted(audited) == sorted(
        ["feedback.raise", "feedback.answer", "feedback.check_in"] + ["feedback.action_update"] * 2
    )


async def test_without_a_skip_level_the_appeal_goes_straight_to_the_admin(
    db, api, make_company
) -> None:
    # mgr reports to vpa, the division's VP, who reports to nobody: after vpa's answer
    # there is no one between them and the performance admin.
    scene = await scored_scene(api, make_company)
    fid = data(await raise_on(scene, "mgr"), "raiseFeedback")["id"]
    answered = await act(scene, ANSWER, "vpa", id=fid, i={"answer": "two prospects"})
    assert data(answered, "answerFeedback")["state"] == "ANSWERED"
    up = data(await act(scene, ESCALATE, "mgr", id=fid, r="no"), "escalateFeedback")
    assert (up["state"], up["escalationLevel"], up["handler"]) == ("ESCALATED", 2, None)


async def test_concurrent_first_saves_of_the_settings_keep_one_row(db, api, make_company) -> None:
    scene = await scored_scene(api, make_company, publish=False)
    saved = await asyncio.gather(
        *(act(scene, UPDATE_SETTINGS, "perf", i={"answerHours": h}) for h in (12, 24, 36, 48))
    )
    assert all("errors" not in s for s in saved), saved
    rows = await FeedbackSettings.filter(company_id=scene.company_id)
    assert len(rows) == 1 and rows[0].answer_hours in (12, 24, 36, 48)
