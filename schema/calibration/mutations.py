"""Mutations of calibration: open a session, change a result, lock, set the guideline."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry.types import Info

from schema import ids
from schema.calibration.enums import CalibrationScope
from schema.calibration.guideline import CalibrationGuideline, CalibrationGuidelineInput
from schema.calibration.types import CalibrationChange, CalibrationSession
from schema.permissions import AUTH
from server.calibration import changes, locking, sessions, settings


@strawberry.input
class OpenCalibrationSessionInput:
    plan_id: strawberry.ID
    scope: CalibrationScope
    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="The division or department; none for the company"
    )


@strawberry.input
class CalibrateResultInput:
    session_id: strawberry.ID
    score_id: strawberry.ID
    grade: str = strawberry.field(description="A grade band's key")
    reason: str
    total: Decimal | None = strawberry.field(
        default=None, description="A calibrated total; omitted: the computed total stands"
    )
    expected_revision: int | None = strawberry.field(
        default=None,
        description="The change's revision read (0: none yet); CONFLICT when it moved",
    )


@strawberry.type
class CalibrationMutation:
    @strawberry.mutation(
        permission_classes=AUTH,
        description="Open a calibration session over a FINALIZED plan's unpublished results "
        "for the company, a division or a department (the HR VP or the GM, by policy).",
    )
    async def open_calibration_session(
        self, info: Info, input: OpenCalibrationSessionInput
    ) -> CalibrationSession:
        department = (
            None
            if input.department_id is None
            else ids.decode(input.department_id, "Department", "departmentId")
        )
        row = await sessions.open_session(
            info.context.actor,
            ids.decode(input.plan_id, "Plan", "planId"),
            CalibrationScope(input.scope),
            department,
        )
        return CalibrationSession.of(row)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="Change a person's grade (and optionally total) in an open session, with "
        "a reason; the computed result stays beside it.",
    )
    async def calibrate_result(self, info: Info, input: CalibrateResultInput) -> CalibrationChange:
        row = await changes.change_grade(
            info.context.actor,
            ids.decode(input.session_id, "CalibrationSession", "sessionId"),
            ids.decode(input.score_id, "Score", "scoreId"),
            input.grade,
            input.reason,
            input.total,
            input.expected_revision,
        )
        return CalibrationChange(row=row)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="Lock a session, once: its calibrated results become the scores' next "
        "frozen version. Under BLOCK enforcement, CONFLICT while outside the guideline.",
    )
    async def lock_calibration_session(self, info: Info, id: strawberry.ID) -> CalibrationSession:
        row = await locking.lock_session(info.context.actor, ids.decode(id, "CalibrationSession"))
        return CalibrationSession.of(row)

    @strawberry.mutation(
        permission_classes=AUTH, description="Change the tenant's calibration guideline."
    )
    async def update_calibration_guideline(
        self, info: Info, input: CalibrationGuidelineInput
    ) -> CalibrationGuideline:
        guideline, revision = await settings.set_guideline(
            info.context.actor,
            None if input.rules is None else [r.value() for r in input.rules],
            input.enforcement,
            input.min_group_size,
            input.expected_revision,
        )
        return CalibrationGuideline.of(guideline, revision)
