"""GraphQL types of feedback, improvement plans, check-ins, settings and ongoing notes."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay
from strawberry.types import Info

from schema import ids
from schema.feedback.enums import (
    FeedbackCategory,
    FeedbackDecision,
    FeedbackState,
    ImprovementActionStatus,
    NoteKind,
)
from schema.org.types import Employee, visible_employee
from schema.paging import page_info
from schema.scores.types import Score
from server import models as m
from server.errors import NotFound
from server.feedback.reads import FeedbackView
from server.feedback.settings import Settings
from server.paging import Page
from server.scoring import results as score_results


@strawberry.type(description="One action of an improvement plan.")
class ImprovementAction:
    id: strawberry.ID
    text: str
    due_on: date
    status: ImprovementActionStatus
    row: strawberry.Private[m.ImprovementAction]

    @classmethod
    def of(cls, row: m.ImprovementAction) -> ImprovementAction:
        return cls(
            id=strawberry.ID(ids.encode("ImprovementAction", row.id)),
            text=row.text,
            due_on=row.due_on,
            status=ImprovementActionStatus(row.status),
            row=row,
        )

    @strawberry.field
    async def owner(self, info: Info) -> Employee | None:
        return await visible_employee(info, self.row.owner_id)


@strawberry.type(description="A dated follow-up note on an improvement plan.")
class FeedbackCheckIn:
    on: date
    note: str
    created_at: datetime
    row: strawberry.Private[m.FeedbackCheckIn]

    @strawberry.field
    async def author(self, info: Info) -> Employee | None:
        return await visible_employee(info, self.row.author_id)


@strawberry.type(
    description="An employee's feedback on his published result (or one indicator of it), "
    "with the answer, its improvement plan and the appeal's escalations."
)
class Feedback(relay.Node):
    id: relay.NodeID[str]
    state: FeedbackState
    escalation_level: int = strawberry.field(
        description="0: with the manager; 1: escalated to the skip-level manager or VP; "
        "2: escalated to the performance admin, who decides."
    )
    category: FeedbackCategory
    text: str
    indicator_key: str | None = strawberry.field(description="Null: the whole result.")
    answer_due_at: datetime = strawberry.field(
        description="When the current level's answer (or the decision) is due."
    )
    answer: str
    answered_at: datetime | None
    escalation_reason: str
    escalated_at: datetime | None
    decision: FeedbackDecision | None
    decision_reason: str
    decided_at: datetime | None
    score_version: int | None = strawberry.field(
        description="The score version a CHANGE decision froze."
    )
    revision: int
    created_at: datetime
    view: strawberry.Private[FeedbackView]

    @classmethod
    def of(cls, view: FeedbackView) -> Feedback:
        row = view.row
        return cls(
            id=str(row.id),
            state=FeedbackState(row.state),
            escalation_level=row.level,
            category=FeedbackCategory(row.category),
            text=row.text,
            indicator_key=row.indicator_key,
            answer_due_at=row.answer_due_at,
            answer=row.answer,
            answered_at=row.answered_at,
            escalation_reason=row.escalation_reason,
            escalated_at=row.escalated_at,
            decision=None if row.decision is None else FeedbackDecision(row.decision),
            decision_reason=row.decision_reason,
            decided_at=row.decided_at,
            score_version=row.score_version,
            revision=row.revision,
            created_at=row.created_at,
            view=view,
        )

    @strawberry.field(description="Answered after its due time.")
    def answered_late(self) -> bool:
        row = self.view.row
        return row.answered_at is not None and row.answered_at > row.answer_due_at

    @strawberry.field(description="The improvement plan, in order.")
    def actions(self) -> list[ImprovementAction]:
        return [ImprovementAction.of(a) for a in self.view.actions]

    @strawberry.field(description="Follow-up check-ins, oldest first.")
    def check_ins(self) -> list[FeedbackCheckIn]:
        return [
            FeedbackCheckIn(on=c.on, note=c.note, created_at=c.created_at, row=c)
            for c in self.view.check_ins
        ]

    @strawberry.field(description="The person who raised it.")
    async def employee(self, info: Info) -> Employee | None:
        return await visible_employee(info, self.view.row.employee_id)

    @strawberry.field(description="The person's manager when it was raised.")
    async def manager(self, info: Info) -> Employee | None:
        return await visible_employee(info, self.view.row.manager_id)

    @strawberry.field(description="Who must answer now; null at level 2 or once closed.")
    async def handler(self, info: Info) -> Employee | None:
        return await visible_employee(info, self.view.row.handler_id)

    @strawberry.field
    async def answered_by(self, info: Info) -> Employee | None:
        return await visible_employee(info, self.view.row.answered_by)

    @strawberry.field
    async def decided_by(self, info: Info) -> Employee | None:
        return await visible_employee(info, self.view.row.decided_by)

    @strawberry.field(description="The result disputed, if the caller may read it.")
    async def score(self, info: Info) -> Score | None:
        try:
            row = await score_results.get_score(info.context.actor, self.view.row.score_id)
        except NotFound:
            return None
        return Score.of(row)


@strawberry.type
class FeedbackEdge:
    cursor: str
    node: Feedback


@strawberry.type(description="A page of feedback, newest first; `first` is capped at 100.")
class FeedbackConnection:
    edges: list[FeedbackEdge]
    page_info: relay.PageInfo

    @classmethod
    def of(cls, page: Page[FeedbackView]) -> FeedbackConnection:
        edges = [
            FeedbackEdge(cursor=c, node=Feedback.of(v))
            for v, c in zip(page.rows, page.cursors, strict=True)
        ]
        return cls(edges=edges, page_info=page_info(page.cursors, page.has_next))


@strawberry.type(description="The tenant's feedback window and answer deadline.")
class FeedbackSettings:
    window_days: int = strawberry.field(
        description="Days after the results are published during which feedback may be raised."
    )
    answer_hours: int = strawberry.field(
        description="Hours the manager (and each escalation level) has to answer."
    )

    @classmethod
    def of(cls, settings: Settings) -> FeedbackSettings:
        return cls(window_days=settings.window_days, answer_hours=settings.answer_hours)


@strawberry.type(description="A manager's note or praise about a person, outside any cycle.")
class Note(relay.Node):
    id: relay.NodeID[str]
    kind: NoteKind
    text: str
    noted_on: date
    created_at: datetime
    row: strawberry.Private[m.PersonNote]

    @classmethod
    def of(cls, row: m.PersonNote) -> Note:
        return cls(
            id=str(row.id),
            kind=NoteKind(row.kind),
            text=row.text,
            noted_on=row.noted_on,
            created_at=row.created_at,
            row=row,
        )

    @strawberry.field(description="The person it is about.")
    async def employee(self, info: Info) -> Employee | None:
        return await visible_employee(info, self.row.employee_id)

    @strawberry.field
    async def author(self, info: Info) -> Employee | None:
        return await visible_employee(info, self.row.author_id)


@strawberry.type
class NoteEdge:
    cursor: str
    node: Note


@strawberry.type(description="A page of notes, newest first; `first` is capped at 100.")
class NoteConnection:
    edges: list[NoteEdge]
    page_info: relay.PageInfo

    @classmethod
    def of(cls, page: Page[m.PersonNote]) -> NoteConnection:
        edges = [
            NoteEdge(cursor=c, node=Note.of(r))
            for r, c in zip(page.rows, page.cursors, strict=True)
        ]
        return cls(edges=edges, page_info=page_info(page.cursors, page.has_next))
