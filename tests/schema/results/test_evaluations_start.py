"""Evaluation starts by itself when a plan's period ends (in the company's time zone): the
workflow's start_evaluation step, recorded with no actor, once however many processes tick."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from schema.ids import decode
from server.evaluations.start import PERIOD_ENDED, start_due_evaluations
from server.models import AuditEntry, OutboxEvent, Plan, PlanTransition
from tests.schema.results.support import active_plan
from tests.schema.results.test_evaluations_support import SAVE_SELF, assign, open_dates

HISTORY = """query($id: ID!) { plan(id: $id) { state
  transitions { action fromState toState comment actor { username } } } }"""


def _midnight_after(day: date) -> datetime:
    """The first moment after ``day`` in Shanghai, in UTC."""
    local = datetime.combine(day + timedelta(days=1), time(0), ZoneInfo("Asia/Shanghai"))
    return local.astimezone(UTC)


async def test_a_plan_whose_period_ended_starts_evaluating(api, make_company, db):
    s = await make_company()
    dates = open_dates()
    plan = await active_plan(api, s, **dates)
    plan_id = decode(plan["id"], "Plan")
    ended = _midnight_after(date.fromisoformat(dates["periodEnd"]))

    # The last second of the period, where the company is: still ACTIVE.
    await start_due_evaluations(ended - timedelta(seconds=1))
    assert (await Plan.get(id=plan_id)).state == "active"

    moved = await asyncio.gather(start_due_evaluations(ended), start_due_evaluations(ended))
    assert sum(moved) >= 1
    assert (await Plan.get(id=plan_id)).state == "evaluating"
    assert await start_due_evaluations(ended) == 0  # idempotent
    transitions = await PlanTransition.filter(plan_id=plan_id, action="start_evaluation")
    assert [(t.from_state, t.to_state, t.actor_id, t.comment) for t in transitions] == [
        ("active", "evaluating", None, PERIOD_ENDED)
    ]
    audit = await AuditEntry.filter(object_id=str(plan_id), action="plan.start_evaluation")
    assert [(a.actor_id, a.before, a.after["state"], a.after["origin"]) for a in audit] == [
        (None, {"state": "active"}, "evaluating", "system")
    ]
    events = [
        e.payload
        for e in await OutboxEvent.filter(company_id=s.company_id)
        if e.payload.get("plan_id") == str(plan_id) and e.payload.get("state") == "evaluating"
    ]
    assert [(e["kind"], e["detail"]) for e in events] == [
        ("state", f"start_evaluation: {PERIOD_ENDED}")
    ]

    history = await api.gql(HISTORY, {"id": plan["id"]}, as_user=s.user("perf"))
    found = history["data"]["plan"]
    assert found["state"] == "EVALUATING"
    assert found["transitions"][-1] == {
        "action": "START_EVALUATION",
        "fromState": "ACTIVE",
        "toState": "EVALUATING",
        "comment": PERIOD_ENDED,
        "actor": None,
    }
    # Submitting needs EVALUATING: now it can be.
    assignment = await assign(api, s, plan)
    done = await api.gql(SAVE_SELF, {"a": assignment, "i": {}, "s": True}, as_user=s.user("staff"))
    assert done["data"]["saveSelfEvaluation"]["state"] == "SUBMITTED"
