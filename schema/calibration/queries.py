"""Reads of calibration, decided in server/calibration."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from schema import ids
from schema.calibration.guideline import CalibrationGuideline
from schema.calibration.types import (
    CalibrationChange,
    CalibrationDistribution,
    CalibrationEntry,
    CalibrationEntryConnection,
    CalibrationEntryEdge,
    CalibrationSession,
    group_of,
)
from schema.paging import page_info
from schema.permissions import AUTH
from schema.reports.types import DownloadLink
from server.calibration import distribution, entries, export, sessions, settings


@strawberry.type
class CalibrationQuery:
    @strawberry.field(permission_classes=AUTH)
    async def calibration_session(self, info: Info, id: strawberry.ID) -> CalibrationSession:
        row = await sessions.get_session(info.context.actor, ids.decode(id, "CalibrationSession"))
        return CalibrationSession.of(row)

    @strawberry.field(
        permission_classes=AUTH,
        description="The calibration sessions the caller may read (of one plan), newest first.",
    )
    async def calibration_sessions(
        self, info: Info, plan_id: strawberry.ID | None = None
    ) -> list[CalibrationSession]:
        plan = None if plan_id is None else ids.decode(plan_id, "Plan", "planId")
        rows = await sessions.list_sessions(info.context.actor, plan)
        return [CalibrationSession.of(r) for r in rows]

    @strawberry.field(
        permission_classes=AUTH,
        description="A session's people in employee order, computed beside calibrated "
        "(`departmentId`: one department's).",
    )
    async def calibration_entries(
        self,
        info: Info,
        session_id: strawberry.ID,
        department_id: strawberry.ID | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> CalibrationEntryConnection:
        dept = (
            None
            if department_id is None
            else ids.decode(department_id, "Department", "departmentId")
        )
        page = await entries.list_entries(
            info.context.actor,
            ids.decode(session_id, "CalibrationSession", "sessionId"),
            first=first,
            after=after,
            department_id=dept,
        )
        edges = [
            CalibrationEntryEdge(cursor=c, node=CalibrationEntry(entry=e))
            for e, c in zip(page.rows, page.cursors, strict=True)
        ]
        return CalibrationEntryConnection(
            edges=edges, page_info=page_info(page.cursors, page.has_next)
        )

    @strawberry.field(
        permission_classes=AUTH, description="Every change of a session, in employee order."
    )
    async def calibration_changes(
        self, info: Info, session_id: strawberry.ID
    ) -> list[CalibrationChange]:
        rows = await entries.list_changes(
            info.context.actor, ids.decode(session_id, "CalibrationSession", "sessionId")
        )
        return [CalibrationChange(row=r) for r in rows]

    @strawberry.field(
        permission_classes=AUTH,
        description="The session's grade distribution against the guideline: its scope, and "
        "each division and department in it.",
    )
    async def calibration_distribution(
        self, info: Info, session_id: strawberry.ID
    ) -> CalibrationDistribution:
        session = await sessions.get_session(
            info.context.actor, ids.decode(session_id, "CalibrationSession", "sessionId")
        )
        found = await distribution.distribution_of(session)
        _, revision = await settings.load_guideline(session.company_id)
        company = session.company_id
        return CalibrationDistribution(
            guideline=CalibrationGuideline.of(found.guideline, revision),
            scope=await group_of(info, company, found.scope),
            divisions=[await group_of(info, company, g) for g in found.divisions],
            departments=[await group_of(info, company, g) for g in found.departments],
        )

    @strawberry.field(permission_classes=AUTH)
    async def calibration_guideline(self, info: Info) -> CalibrationGuideline:
        guideline, revision = await settings.read_guideline(info.context.actor)
        return CalibrationGuideline.of(guideline, revision)

    @strawberry.field(
        permission_classes=AUTH,
        description="A 5-minute link to the session as XLSX: computed against calibrated "
        "results per person, with the reasons.",
    )
    async def calibration_export_link(self, info: Info, session_id: strawberry.ID) -> DownloadLink:
        link = await export.export_link(
            info.context.actor,
            info.context.runtime.settings.secret_key,
            ids.decode(session_id, "CalibrationSession", "sessionId"),
            info.context.lang,
        )
        return DownloadLink.of(link, str(info.context.request.base_url))
