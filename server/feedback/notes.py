"""Ongoing notes: a manager's short note or praise about a person, outside any cycle.

Written by whoever the policy lets ``note:write`` over the person (his manager, his
department's manager); read through ``note:read`` only (by default not by the person
himself, nor by anyone else). ``list_notes`` filters by a span of days, so that an
evaluation shows the notes of its plan's period.
"""

from __future__ import annotations

from datetime import UTC, date, timedelta
from uuid import UUID

from tortoise.transactions import in_transaction

from server.audit import Actor, record
from server.errors import BadInput, NotFound
from server.feedback.access import utcnow
from server.feedback.raising import check_text
from server.feedback.vocabulary import NoteKind
from server.models import Employee, PersonNote, Plan
from server.paging import Page, after_filter, check_first, encode_cursor
from server.permissions import NOTE_READ, NOTE_WRITE
from server.vocabulary import AuditAction, AuditObjectType

MAX_NOTE = 1000
MAX_PAST_DAYS = 366


async def record_note(
    actor: Actor, employee_id: UUID, kind: NoteKind, text: str, noted_on: date | None = None
) -> PersonNote:
    person = await Employee.get_or_none(
        id=employee_id, company_id=actor.caller.company_id, is_active=True
    )
    if person is None:
        raise NotFound("employee")
    position = (person.department_id, person.id, person.manager_id)
    actor.authz.require(NOTE_WRITE, position)
    if person.id == actor.caller.employee_id:
        raise BadInput("invalid_format", field="employeeId", hint="a note about someone else")
    body = check_text(text, "text")
    if len(body) > MAX_NOTE:
        raise BadInput("too_long", field="text", max=MAX_NOTE)
    now = utcnow()
    today = now.astimezone(UTC).date()
    on = today if noted_on is None else noted_on
    earliest = today - timedelta(days=MAX_PAST_DAYS)  # evidence for the next evaluations
    if not earliest <= on <= today:
        raise BadInput(
            "date_range", field="notedOn", min=earliest.isoformat(), max=today.isoformat()
        )
    async with in_transaction():
        note = await PersonNote.create(
            company_id=person.company_id,
            employee_id=person.id,
            department_id=person.department_id,
            manager_id=person.manager_id,
            author_id=actor.caller.employee_id,
            kind=kind.value,
            text=body,
            noted_on=on,
        )
        await record(
            actor,
            AuditAction.NOTE_RECORD,
            AuditObjectType.NOTE,
            note.id,
            after={"employee": person.id, "kind": kind.value, "noted_on": on, "text": body},
        )
    return note


async def list_notes(
    actor: Actor,
    employee_id: UUID,
    *,
    plan_id: UUID | None = None,
    start: date | None = None,
    end: date | None = None,
    first: int = 50,
    after: str | None = None,
) -> Page[PersonNote]:
    """The person's notes the caller may read, newest first; within the plan's period with
    ``plan_id``, or within ``start``..``end``."""
    check_first(first)
    company_id = actor.caller.company_id
    query = PersonNote.filter(company_id=company_id, employee_id=employee_id)
    visible = actor.authz.scope(NOTE_READ).q(
        department="department_id", owner="employee_id", manager="manager_id"
    )
    if visible is not None:
        query = query.filter(visible)
    if plan_id is not None:
        plan = await Plan.get_or_none(id=plan_id, company_id=company_id)
        if plan is None:
            raise NotFound("plan")
        start, end = plan.period_start, plan.period_end
    if start is not None:
        query = query.filter(noted_on__gte=start)
    if end is not None:
        query = query.filter(noted_on__lte=end)
    cursor = after_filter("noted_on", after, descending=True, parse=date.fromisoformat)
    if cursor is not None:
        query = query.filter(cursor)
    rows = await query.order_by("-noted_on", "-id").limit(first + 1)
    page = rows[:first]
    cursors = [encode_cursor(r.noted_on.isoformat(), r.id) for r in page]
    return Page(page, cursors, len(rows) > first)


async def get_note(actor: Actor, note_id: UUID) -> PersonNote:
    row = await PersonNote.get_or_none(id=note_id, company_id=actor.caller.company_id)
    if row is None or not actor.authz.check(
        NOTE_READ, (row.department_id, row.employee_id, row.manager_id)
    ):
        raise NotFound("note")
    return row
