"""A session's people, page by page: each computed result beside the calibrated one."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from server.audit import Actor
from server.calibration.sessions import get_session, scope_of
from server.models import CalibrationChange, Score
from server.paging import Page, after_filter, check_first, encode_cursor

MAX_CHANGES = 1000  # a session changes a few people; a list beyond this is a misuse


@dataclass(frozen=True)
class Entry:
    score: Score
    change: CalibrationChange | None


async def list_entries(
    actor: Actor,
    session_id: UUID,
    *,
    first: int,
    after: str | None = None,
    department_id: UUID | None = None,
) -> Page[Entry]:
    """The scores in the session's scope (of one department with ``department_id``), in
    employee order, each with the session's change of it: two statements per page."""
    check_first(first)
    session = await get_session(actor, session_id)
    scope = await scope_of(session)
    query = Score.filter(company_id=session.company_id, plan_id=session.plan_id)
    if scope.departments is not None:
        query = query.filter(department_id__in=list(scope.departments))
    if department_id is not None:
        query = query.filter(department_id=department_id)
    cursor = after_filter("employee_id", after, parse=UUID)
    if cursor is not None:
        query = query.filter(cursor)
    rows = await query.order_by("employee_id", "id").limit(first + 1)
    page = rows[:first]
    changes = {
        c.score_id: c
        for c in await CalibrationChange.filter(
            session_id=session.id, score_id__in=[r.id for r in page]
        )
    }
    entries = [Entry(r, changes.get(r.id)) for r in page]
    cursors = [encode_cursor(str(r.employee_id), r.id) for r in page]
    return Page(entries, cursors, len(rows) > first)


async def list_changes(actor: Actor, session_id: UUID) -> list[CalibrationChange]:
    """Every change of the session, in employee order (a session changes few people)."""
    session = await get_session(actor, session_id)
    changes = CalibrationChange.filter(session_id=session.id).order_by("employee_id", "id")
    return await changes.limit(MAX_CHANGES)
