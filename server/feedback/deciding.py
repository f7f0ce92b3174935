"""The performance admin's decision on an appeal escalated to level 2: UPHOLD, or CHANGE.

A CHANGE reopens the person's frozen score with the appeal as the reason (server/scoring/
freezing.py ``reopen_score``), applies the decision's corrected targets to his assignment if
it brings any, and freezes the score again as its next version (``freeze_score``), which
then carries the appeal as its ``reopen_reason``. All in the decision's transaction: if any
step fails, the feedback stays ESCALATED and the score as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from tortoise.transactions import in_transaction

from server import validation
from server.audit import Actor, record
from server.errors import BadInput
from server.feedback.access import load_feedback, require, utcnow
from server.feedback.events import announce
from server.feedback.raising import check_text
from server.feedback.transitions import ESCALATED, refuse, take
from server.feedback.vocabulary import (
    ADMIN_LEVEL,
    FeedbackDecision,
    FeedbackEventKind,
    FeedbackState,
)
from server.models import Assignment, Feedback
from server.permissions import FEEDBACK_DECIDE
from server.scoring import sql
from server.scoring.freezing import freeze_score, reopen_score
from server.vocabulary import AuditAction, AuditObjectType

MAX_TARGET = Decimal("1e12")


@dataclass(frozen=True)
class TargetChange:
    indicator_key: str
    target: Decimal


def appeal_reason(row: Feedback, reason: str) -> str:
    """What the new score version says it was reopened for."""
    return f"Appeal {row.id} ({row.category}): {reason}"


async def _apply_targets(actor: Actor, row: Feedback, changes: list[TargetChange]) -> list[Any]:
    """Write the corrected targets on the person's assignment (a new revision), audited."""
    score = await row.score
    assignment = await Assignment.filter(id=score.assignment_id).select_for_update().first()
    assert assignment is not None  # the score's assignment: deleted with it
    indicators = [dict(i) for i in assignment.indicators]
    by_key = {i.get("key"): i for i in indicators}
    done = []
    for n, change in enumerate(changes):
        field = f"targets[{n}]"
        item = by_key.get(change.indicator_key)
        if item is None:
            raise BadInput(
                "not_assigned_indicator",
                field=f"{field}.indicatorKey",
                indicator=change.indicator_key,
            )
        if item.get("target") is None:
            raise BadInput("invalid_format", field=f"{field}.target", hint="a rated indicator")
        value = validation.number(change.target, f"{field}.target", places=6, maximum=MAX_TARGET)
        if value <= 0:
            raise BadInput("must_be_positive", field=f"{field}.target")
        done.append({"key": change.indicator_key, "from": item["target"], "to": f"{value:f}"})
        item["target"] = f"{value:f}"
    await Assignment.filter(id=assignment.id).update(
        indicators=indicators, revision=assignment.revision + 1
    )
    await record(
        actor,
        AuditAction.ASSIGNMENT_UPDATE,
        AuditObjectType.ASSIGNMENT,
        assignment.id,
        before={"targets": {d["key"]: d["from"] for d in done}},
        after={"targets": {d["key"]: d["to"] for d in done}, "feedback": row.id},
    )
    return done


async def decide_feedback(
    actor: Actor,
    feedback_id: UUID,
    decision: FeedbackDecision,
    reason: str,
    targets: list[TargetChange] | None = None,
) -> Feedback:
    row = await load_feedback(actor, feedback_id)
    require(actor, FEEDBACK_DECIDE, row)
    if row.state != ESCALATED or row.level != ADMIN_LEVEL:
        raise refuse(row, "decide")
    text = check_text(reason, "reason")
    if targets and decision is not FeedbackDecision.CHANGE:
        raise BadInput("invalid_format", field="targets", hint="only a CHANGE corrects targets")
    now = utcnow()
    async with in_transaction(sql.connection_name()):
        await take(
            row,
            "decide",
            state=FeedbackState.DECIDED.value,
            decision=decision.value,
            decision_reason=text,
            decided_by=actor.caller.employee_id,
            decided_at=now,
            handler_id=None,
        )
        after: dict[str, Any] = {"state": row.state, "decision": decision.value, "reason": text}
        if decision is FeedbackDecision.CHANGE:
            why = appeal_reason(row, text)
            await reopen_score(actor, row.score_id, why)
            if targets:
                after["targets"] = await _apply_targets(actor, row, targets)
            frozen = await freeze_score(actor, row.score_id)
            await Feedback.filter(id=row.id).update(score_version=frozen.version)
            row.score_version = frozen.version
            after["score_version"] = frozen.version
        await record(
            actor,
            AuditAction.FEEDBACK_DECIDE,
            AuditObjectType.FEEDBACK,
            row.id,
            before={"state": ESCALATED, "level": ADMIN_LEVEL},
            after=after,
        )
        await announce(row, FeedbackEventKind.DECIDED)
    return row
