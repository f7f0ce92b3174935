"""The article's dispute story, end to end through the real app: "the new-customer target is
too high: few leads this month", answered with "two prospects assigned next month", then
escalated to the skip-level VP and on to the performance admin, whose decision changes the
score: a new frozen version with the appeal as its reason, every step audited and
announced through the outbox."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from schema.ids import decode, encode
from server.events import FeedbackEvent
from server.models import AuditEntry, Feedback, OutboxEvent, Score, ScoreVersion
from server.outbox import read_after
from tests.schema.feedback.support import (
    ACCEPT,
    ANSWER,
    DECIDE,
    ESCALATE,
    READ,
    STORY_TEXT,
    act,
    data,
    error,
    raise_on,
    scored_scene,
)

SCORE = """query($id: ID!) { score(id: $id) { total grade { key }
  versions { version total reopenReason } } }"""


async def newest_event_id() -> int:
    newest = await OutboxEvent.all().order_by("-id").first()
    return newest.id if newest else 0


async def test_the_dispute_story_from_feedback_to_a_changed_score(db, api, make_company) -> None:
    scene = await scored_scene(api, make_company)
    start = await newest_event_id()
    staff, mgr = scene.people["staff"], scene.people["mgr"]
    # 1. The employee raises feedback on the new-customer indicator of his result.
    raised = data(await raise_on(scene, indicator=scene.customers), "raiseFeedback")
    assert (raised["state"], raised["escalationLevel"], raised["category"]) == (
        "OPEN",
        0,
        "TARGET_TOO_HIGH",
    )
    assert raised["text"] == STORY_TEXT and raised["indicatorKey"] == scene.customers
    assert (
        raised["manager"]["username"] == raised["handler"]["username"] == scene.sandbox.user("mgr")
    )
    due = datetime.fromisoformat(raised["answerDueAt"])
    assert abs(due - (datetime.now(UTC) + timedelta(hours=24))) < timedelta(minutes=5)
    fid = raised["id"]
    row = await Feedback.get(id=decode(fid, "Feedback"))
    # The columns the reminders read.
    assert (row.company_id, row.employee_id, row.manager_id, row.state) == (
        scene.company_id,
        staff.id,
        mgr.id,
        "open",
    )
    assert row.answer_due_at == due and row.created_at is not None
    # Not answered yet and not overdue: no escalation.
    assert error(await act(scene, ESCALATE, "staff", id=fid, r="no")) == (
        "CONFLICT",
        "ANSWER_NOT_DUE",
    )
    # 2. The manager answers with an improvement plan.
    next_month = (date.today().replace(day=1) + timedelta(days=40)).replace(day=1)
    plan = {
        "answer": "two prospects assigned next month",
        "actions": [
            {
                "text": "Assign two prospects from the key-account list",
                "ownerId": encode("Employee", mgr.id),
                "dueOn": next_month.isoformat(),
            },
            {
                "text": "Call both prospects within a week",
                "ownerId": encode("Employee", staff.id),
                "dueOn": (next_month + timedelta(days=7)).isoformat(),
            },
        ],
    }
    answered = data(await act(scene, ANSWER, "mgr", id=fid, i=plan), "answerFeedback")
    assert (answered["state"], answered["answer"], answered["answeredLate"]) == (
        "ANSWERED",
        "two prospects assigned next month",
        False,
    )
    assert [(a["owner"]["username"], a["status"]) for a in answered["actions"]] == [
        (scene.sandbox.user("mgr"), "PLANNED"),
        (scene.sandbox.user("staff"), "PLANNED"),
    ]
    # A second answer is refused: the state moved on.
    assert error(await act(scene, ANSWER, "mgr", id=fid, i=plan)) == ("CONFLICT", "FEEDBACK_STATE")
    # 3. Not satisfied: escalated to the skip-level manager (the division's VP).
    up = data(
        await act(scene, ESCALATE, "staff", id=fid, r="leads are not mine to make"),
        "escalateFeedback",
    )
    assert (up["state"], up["escalationLevel"], up["handler"]["username"]) == (
        "ESCALATED",
        1,
        scene.sandbox.user("vpa"),
    )
    assert error(await act(scene, ANSWER, "mgr", id=fid, i=plan)) == (
        "FORBIDDEN",
        "NOT_FEEDBACK_HANDLER",
    )
    second = data(
        await act(scene, ANSWER, "vpa", id=fid, i={"answer": "targets are regional; it stands"}),
        "answerFeedback",
    )
    assert (second["state"], second["escalationLevel"], len(second["actions"])) == (
        "ANSWERED",
        1,
        2,
    )
    # 4. Escalated again: to the performance admin, who decides.
    top = data(await act(scene, ESCALATE, "staff", id=fid, r="please review"), "escalateFeedback")
    assert (top["state"], top["escalationLevel"], top["handler"]) == ("ESCALATED", 2, None)
    assert error(await act(scene, ACCEPT, "staff", id=fid)) == ("CONFLICT", "FEEDBACK_STATE")
    decision = {
        "decision": "CHANGE",
        "reason": "few leads this month: the target drops to 2",
        "targets": [{"indicatorKey": scene.customers, "target": "2"}],
    }
    assert error(await act(scene, DECIDE, "vpa", id=fid, i=decision))[0] == "FORBIDDEN"
    decided = data(await act(scene, DECIDE, "perf", id=fid, i=decision), "decideFeedback")
    assert (decided["state"], decided["decision"], decided["scoreVersion"]) == (
        "DECIDED",
        "CHANGE",
        2,
    )
    assert error(await act(scene, DECIDE, "perf", id=fid, i=decision)) == (
        "CONFLICT",
        "FEEDBACK_STATE",
    )
    # 5. The score: version 1 as finalized, version 2 with the appeal as its reason.
    score = await Score.get(plan_id=scene.plan_id, employee_id=staff.id)
    assert (score.frozen, score.version, score.total) == (True, 2, Decimal("100.00"))
    versions = await ScoreVersion.filter(score_id=score.id).order_by("version")
    assert [(v.version, v.total) for v in versions] == [
        (1, Decimal("80.00")),
        (2, Decimal("100.00")),
    ]
    assert versions[1].reopen_reason.startswith(f"Appeal {row.id} (target_too_high): few leads")
    # The employee reads the new version and both versions through the API.
    read = data(
        await act(scene, SCORE, "staff", id=encode("Score", score.id)),
        "score",
    )
    assert Decimal(read["total"]) == Decimal("100")
    assert [v["version"] for v in read["versions"]] == [1, 2]
    assert "few leads this month" in read["versions"][1]["reopenReason"]
    # 6. Every step is audited...
    actions = [
        e.action
        for e in await AuditEntry.filter(
            company_id=scene.company_id, created_at__gte=row.created_at
        ).order_by("created_at", "id")
        if e.action.startswith(("feedback.", "score.", "assignment."))
    ]
    assert actions == [
        "feedback.raise",
        "feedback.answer",
        "feedback.escalate",
        "feedback.answer",
        "feedback.escalate",
        "score.reopen",
        "assignment.update",
        "score.freeze",
        "feedback.decide",
    ]
    # ...and announced for reminders and notifications.
    events = [
        e.event
        for e in await read_after(start, company_id=scene.company_id)
        if isinstance(e.event, FeedbackEvent)
    ]
    assert [(e.kind, e.level, e.handler_id) for e in events] == [
        ("raised", 0, mgr.id),
        ("answered", 0, mgr.id),
        ("escalated", 1, scene.people["vpa"].id),
        ("answered", 1, scene.people["vpa"].id),
        ("escalated", 2, None),
        ("decided", 2, None),
    ]
    # The manager still reads the closed feedback; the employee too.
    final = data(await act(scene, READ, "mgr", id=fid), "feedback")
    assert final["state"] == "DECIDED"


async def test_an_accepted_answer_closes_the_feedback(db, api, make_company) -> None:
    scene = await scored_scene(api, make_company)
    fid = data(await raise_on(scene), "raiseFeedback")["id"]
    answer = {"answer": "two prospects assigned next month"}
    data(await act(scene, ANSWER, "mgr", id=fid, i=answer), "answerFeedback")
    assert error(await act(scene, ACCEPT, "mgr", id=fid))[0] == "FORBIDDEN"
    accepted = data(await act(scene, ACCEPT, "staff", id=fid), "acceptFeedback")
    assert accepted["state"] == "ACCEPTED"
    assert error(await act(scene, ESCALATE, "staff", id=fid, r="late")) == (
        "CONFLICT",
        "FEEDBACK_STATE",
    )


async def test_an_upheld_appeal_leaves_the_score_as_it_was(db, api, make_company) -> None:
    scene = await scored_scene(api, make_company)
    fid = data(await raise_on(scene), "raiseFeedback")["id"]
    data(await act(scene, ANSWER, "mgr", id=fid, i={"answer": "no"}), "answerFeedback")
    data(await act(scene, ESCALATE, "staff", id=fid, r="a"), "escalateFeedback")
    data(await act(scene, ANSWER, "vpa", id=fid, i={"answer": "no"}), "answerFeedback")
    data(await act(scene, ESCALATE, "staff", id=fid, r="b"), "escalateFeedback")
    upheld = data(
        await act(scene, DECIDE, "perf", id=fid, i={"decision": "UPHOLD", "reason": "fair"}),
        "decideFeedback",
    )
    assert (upheld["decision"], upheld["scoreVersion"]) == ("UPHOLD", None)
    score = await Score.get(plan_id=scene.plan_id, employee_id=scene.people["staff"].id)
    assert (score.version, score.frozen, score.total) == (1, True, Decimal("80.00"))
