"""Each transition happens once, however many callers race for it: the conditional UPDATE on
(state, revision) lets one through and answers the others CONFLICT, on SQLite and
PostgreSQL, through the real app."""

from __future__ import annotations

import asyncio

from schema.ids import decode
from server.models import AuditEntry, Feedback, ImprovementAction, Score, ScoreVersion
from tests.schema.feedback.support import (
    ANSWER,
    DECIDE,
    ESCALATE,
    act,
    data,
    error,
    raise_on,
    scored_scene,
)

RACERS = 4


def outcomes(answers: list[dict], field: str) -> tuple[int, list[tuple[str, str]]]:
    won = [a for a in answers if "errors" not in a]
    assert all(a["data"][field]["id"] for a in won)
    return len(won), sorted({error(a) for a in answers if "errors" in a})


async def test_racing_answers_escalations_and_decisions_each_happen_once(
    db, api, make_company
) -> None:
    scene = await scored_scene(api, make_company)
    fid = data(await raise_on(scene), "raiseFeedback")["id"]
    row_id = decode(fid, "Feedback")
    answer = {
        "answer": "two prospects assigned next month",
        "actions": [{"text": "Assign", "ownerId": scene.sandbox.ids["mgr"], "dueOn": "2026-12-31"}],
    }
    answers = await asyncio.gather(
        *(act(scene, ANSWER, "mgr", id=fid, i=answer) for _ in range(RACERS))
    )
    assert outcomes(answers, "answerFeedback") == (1, [("CONFLICT", "FEEDBACK_STATE")])
    assert await ImprovementAction.filter(feedback_id=row_id).count() == 1

    ups = await asyncio.gather(
        *(act(scene, ESCALATE, "staff", id=fid, r="no") for _ in range(RACERS))
    )
    assert outcomes(ups, "escalateFeedback") == (1, [("CONFLICT", "FEEDBACK_STATE")])
    row = await Feedback.get(id=row_id)
    assert (row.state, row.level, row.revision) == ("escalated", 1, 3)

    data(await act(scene, ANSWER, "vpa", id=fid, i={"answer": "no"}), "answerFeedback")
    data(await act(scene, ESCALATE, "staff", id=fid, r="again"), "escalateFeedback")
    decision = {"decision": "CHANGE", "reason": "few leads", "targets": []}
    decided = await asyncio.gather(
        *(act(scene, DECIDE, "perf", id=fid, i=decision) for _ in range(RACERS))
    )
    assert outcomes(decided, "decideFeedback") == (1, [("CONFLICT", "FEEDBACK_STATE")])
    score = await Score.get(plan_id=scene.plan_id, employee_id=scene.people["staff"].id)
    assert (score.version, score.frozen) == (2, True)
    assert await ScoreVersion.filter(score_id=score.id).count() == 2
    audited = await AuditEntry.filter(object_id=str(row_id)).values_list("action", flat=True)
    assert sorted(audited) == sorted(
        ["feedback.raise", "feedback.decide"] + ["feedback.answer", "feedback.escalate"] * 2
    )
