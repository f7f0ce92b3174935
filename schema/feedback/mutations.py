"""Raising, answering, accepting, escalating and deciding feedback; improvement plans;
feedback settings; ongoing notes. Parse here, decide in server/feedback."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import strawberry
from strawberry.types import Info

from schema import ids
from schema.feedback.enums import (
    FeedbackCategory,
    FeedbackDecision,
    ImprovementActionStatus,
    NoteKind,
)
from schema.feedback.types import (
    Feedback,
    FeedbackCheckIn,
    FeedbackSettings,
    ImprovementAction,
    Note,
)
from schema.permissions import AUTH
from server.feedback import deciding, notes, plans, raising, reads, transitions
from server.feedback import settings as feedback_settings
from server.feedback.deciding import TargetChange
from server.feedback.plans import ActionInput


@strawberry.input
class RaiseFeedbackInput:
    score_id: strawberry.ID
    category: FeedbackCategory
    text: str = strawberry.field(description="≤ 2000 chars")
    indicator_key: str | None = strawberry.field(
        default=None, description="One indicator of the result; omitted: the whole result."
    )


@strawberry.input
class ImprovementActionInput:
    text: str
    owner_id: strawberry.ID
    due_on: date


@strawberry.input(description="The answer and its improvement plan (up to 10 actions).")
class AnswerFeedbackInput:
    answer: str = strawberry.field(description="≤ 2000 chars")
    actions: list[ImprovementActionInput] = strawberry.field(default_factory=list)


@strawberry.input
class FeedbackTargetInput:
    indicator_key: str
    target: Decimal


@strawberry.input
class DecideFeedbackInput:
    decision: FeedbackDecision
    reason: str
    targets: list[FeedbackTargetInput] = strawberry.field(
        default_factory=list,
        description="CHANGE only: corrected targets of the person's indicators, applied before "
        "the score is frozen again.",
    )


@strawberry.input(description="Omitted fields keep their values.")
class FeedbackSettingsInput:
    window_days: int | None = None
    answer_hours: int | None = None


@strawberry.input
class RecordNoteInput:
    employee_id: strawberry.ID
    kind: NoteKind
    text: str = strawberry.field(description="≤ 1000 chars")
    noted_on: date | None = strawberry.field(default=None, description="Default: today.")


async def _view(info: Info, feedback_id: UUID) -> Feedback:
    return Feedback.of(await reads.get_feedback(info.context.actor, feedback_id))


@strawberry.type
class FeedbackMutation:
    @strawberry.mutation(
        permission_classes=AUTH,
        description="Raise feedback on your published result, within the tenant's window "
        "after publishing; your manager's answer is due `answerHours` later.",
    )
    async def raise_feedback(self, info: Info, input: RaiseFeedbackInput) -> Feedback:
        row = await raising.raise_feedback(
            info.context.actor,
            ids.decode(input.score_id, "Score", "scoreId"),
            input.category,
            input.text,
            input.indicator_key,
        )
        return await _view(info, row.id)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="Answer a feedback waiting on you, with an improvement plan.",
    )
    async def answer_feedback(
        self, info: Info, id: strawberry.ID, input: AnswerFeedbackInput
    ) -> Feedback:
        actions = [
            ActionInput(
                a.text, ids.decode(a.owner_id, "Employee", f"actions[{i}].ownerId"), a.due_on
            )
            for i, a in enumerate(input.actions)
        ]
        row = await transitions.answer_feedback(
            info.context.actor, ids.decode(id, "Feedback"), input.answer, actions
        )
        return await _view(info, row.id)

    @strawberry.mutation(permission_classes=AUTH, description="Accept the answer: closed.")
    async def accept_feedback(self, info: Info, id: strawberry.ID) -> Feedback:
        row = await transitions.accept_feedback(info.context.actor, ids.decode(id, "Feedback"))
        return await _view(info, row.id)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="Take your feedback one level up: after an answer you do not accept, or "
        "once the answer is overdue.",
    )
    async def escalate_feedback(self, info: Info, id: strawberry.ID, reason: str = "") -> Feedback:
        row = await transitions.escalate_feedback(
            info.context.actor, ids.decode(id, "Feedback"), reason
        )
        return await _view(info, row.id)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="The performance admin's decision on an appeal at level 2. CHANGE reopens "
        "the score and freezes it as a new version with the appeal as its reason.",
    )
    async def decide_feedback(
        self, info: Info, id: strawberry.ID, input: DecideFeedbackInput
    ) -> Feedback:
        row = await deciding.decide_feedback(
            info.context.actor,
            ids.decode(id, "Feedback"),
            input.decision,
            input.reason,
            [TargetChange(t.indicator_key, t.target) for t in input.targets],
        )
        return await _view(info, row.id)

    @strawberry.mutation(permission_classes=AUTH, description="A follow-up on the plan.")
    async def add_feedback_check_in(
        self, info: Info, id: strawberry.ID, on: date, note: str
    ) -> FeedbackCheckIn:
        row = await plans.add_check_in(info.context.actor, ids.decode(id, "Feedback"), on, note)
        return FeedbackCheckIn(on=row.on, note=row.note, created_at=row.created_at, row=row)

    @strawberry.mutation(permission_classes=AUTH, description="Move an improvement action.")
    async def set_improvement_action_status(
        self, info: Info, id: strawberry.ID, status: ImprovementActionStatus
    ) -> ImprovementAction:
        row = await plans.set_action_status(
            info.context.actor, ids.decode(id, "ImprovementAction"), status
        )
        return ImprovementAction.of(row)

    @strawberry.mutation(
        permission_classes=AUTH, description="Change the tenant's feedback settings."
    )
    async def update_feedback_settings(
        self, info: Info, input: FeedbackSettingsInput
    ) -> FeedbackSettings:
        settings = await feedback_settings.update_settings(
            info.context.actor, window_days=input.window_days, answer_hours=input.answer_hours
        )
        return FeedbackSettings.of(settings)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="Record a note or praise about one of your people, outside any cycle.",
    )
    async def record_note(self, info: Info, input: RecordNoteInput) -> Note:
        row = await notes.record_note(
            info.context.actor,
            ids.decode(input.employee_id, "Employee", "employeeId"),
            input.kind,
            input.text,
            input.noted_on,
        )
        return Note.of(row)
