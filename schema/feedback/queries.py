"""Reads of feedback, the tenant's feedback settings and ongoing notes."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from schema import ids
from schema.feedback.enums import FeedbackState
from schema.feedback.types import Feedback, FeedbackConnection, FeedbackSettings, NoteConnection
from schema.permissions import AUTH
from server.feedback import notes, reads
from server.feedback import settings as feedback_settings


@strawberry.type
class FeedbackQuery:
    @strawberry.field(
        permission_classes=AUTH, description="One feedback, if the caller may read it."
    )
    async def feedback(self, info: Info, id: strawberry.ID) -> Feedback:
        view = await reads.get_feedback(info.context.actor, ids.decode(id, "Feedback"))
        return Feedback.of(view)

    @strawberry.field(
        permission_classes=AUTH,
        description="Feedback the caller may read, newest first: his own, his team's, the "
        "feedback escalated to him, or more as the policy allows.",
    )
    async def feedbacks(
        self,
        info: Info,
        state: FeedbackState | None = None,
        plan_id: strawberry.ID | None = None,
        employee_id: strawberry.ID | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> FeedbackConnection:
        page = await reads.list_feedback(
            info.context.actor,
            state=state,
            plan_id=ids.decode(plan_id, "Plan", "planId") if plan_id else None,
            employee_id=ids.decode(employee_id, "Employee", "employeeId") if employee_id else None,
            first=first,
            after=after,
        )
        return FeedbackConnection.of(page)

    @strawberry.field(permission_classes=AUTH, description="The tenant's feedback settings.")
    async def feedback_settings(self, info: Info) -> FeedbackSettings:
        return FeedbackSettings.of(await feedback_settings.read_settings(info.context.actor))

    @strawberry.field(
        permission_classes=AUTH,
        description="Notes and praise about a person, newest first, as the policy lets the "
        "caller read them (by default his manager and his department's manager). With `planId`, "
        "those of the plan's period: the evidence for its evaluation.",
    )
    async def notes(
        self,
        info: Info,
        employee_id: strawberry.ID,
        plan_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only notes within this plan's period."),
        ] = None,
        start: date | None = None,
        end: date | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> NoteConnection:
        page = await notes.list_notes(
            info.context.actor,
            ids.decode(employee_id, "Employee", "employeeId"),
            plan_id=ids.decode(plan_id, "Plan", "planId") if plan_id else None,
            start=start,
            end=end,
            first=first,
            after=after,
        )
        return NoteConnection.of(page)
