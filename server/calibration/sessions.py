"""Opening and reading calibration sessions.

A session is placed, for the policy, by its scope's root department (``target``): "scope"
holds when that root lies in a subtree the caller's role is held over, so a division VP
granted ``calibration`` reaches the sessions of his division and its departments; a
company-wide session lies in no department, so only company-wide roles reach it. A session
the caller may not read is NOT_FOUND, like another tenant's.

One session per (plan, scope): the unique ``scope_key`` makes a second one CONFLICT however
many openers race. An open session over an overlapping scope (the company and a division in
it, say) is refused too, so two sessions never calibrate one person at the same time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server.audit import Actor, record
from server.calibration.vocabulary import CalibrationScope, CalibrationState
from server.errors import BadInput, Conflict, Forbidden, NotFound
from server.models import CalibrationSession, Company, ResultsRelease
from server.org_tree import OrgChart, org_chart
from server.permissions import CALIBRATION_OPEN, CALIBRATION_READ
from server.plans.access import PlanView, load_plan
from server.vocabulary import AuditAction, AuditObjectType, DepartmentKind, PlanState

COMPANY_KEY = "company"
MAX_SESSIONS = 200  # a plan's sessions: one per scope at most


def target(session: CalibrationSession) -> tuple[UUID, ...]:
    """Where the session lies for the policy: its root department, or nowhere (company)."""
    return () if session.department_id is None else (session.department_id,)


@dataclass(frozen=True)
class Scope:
    """The departments a session covers (None: every department of the company)."""

    root: UUID | None
    departments: frozenset[UUID] | None
    name: str

    def covers(self, department_id: UUID) -> bool:
        return self.departments is None or department_id in self.departments


async def scope_of(session: CalibrationSession, chart: OrgChart | None = None) -> Scope:
    chart = chart or await org_chart(session.company_id)
    if session.department_id is None:
        company = await Company.get(id=session.company_id)
        return Scope(None, None, company.name)
    root = chart.departments.get(session.department_id)
    name = root.name if root is not None else ""
    return Scope(session.department_id, chart.tree.subtree([session.department_id]), name)


async def get_session(actor: Actor, session_id: UUID) -> CalibrationSession:
    """The session, if the caller may read it; NOT_FOUND otherwise (or in another company)."""
    row = await CalibrationSession.get_or_none(id=session_id, company_id=actor.caller.company_id)
    if row is None or not actor.authz.check(CALIBRATION_READ, target(row)):
        raise NotFound("calibration")
    return row


async def list_sessions(actor: Actor, plan_id: UUID | None = None) -> list[CalibrationSession]:
    """The sessions the caller may read (of one plan), newest first; filtered in SQL."""
    query = CalibrationSession.filter(company_id=actor.caller.company_id)
    grant = actor.authz.scope(CALIBRATION_READ)
    if (visible := grant.q(department="department_id")) is not None:
        query = query.filter(visible)
    if plan_id is not None:
        query = query.filter(plan_id=plan_id)
    return await query.order_by("-opened_at", "id").limit(MAX_SESSIONS)


def _root(chart: OrgChart, scope: CalibrationScope, department_id: UUID | None) -> UUID | None:
    """The scope's root department, checked against the scope's kind."""
    if scope is CalibrationScope.COMPANY:
        if department_id is not None:
            raise BadInput("invalid_format", field="departmentId", hint="none for the company")
        return None
    if department_id is None:
        raise BadInput("required", field="departmentId")
    found = chart.departments.get(department_id)
    if found is None:
        raise NotFound("department")
    is_division = found.kind == DepartmentKind.DIVISION.value
    if is_division != (scope is CalibrationScope.DIVISION):
        hint = (
            "a division" if scope is CalibrationScope.DIVISION else "a department, not a division"
        )
        raise BadInput("invalid_format", field="departmentId", hint=hint)
    return department_id


def _overlaps(chart: OrgChart, a: UUID | None, b: UUID | None) -> bool:
    if a is None or b is None:
        return True
    return a in chart.tree.subtree([b]) or b in chart.tree.subtree([a])


async def ensure_unpublished(plan_id: UUID) -> None:
    """CONFLICT once the plan's results were released (now or for a set time)."""
    if await ResultsRelease.exists(plan_id=plan_id):
        raise Conflict("calibration_published")


async def open_session(
    actor: Actor, plan_id: UUID, scope: CalibrationScope, department_id: UUID | None
) -> CalibrationSession:
    """Open a session over the plan's finalized, unpublished scores in ``scope``."""
    company_id = actor.caller.company_id
    plan, _ = await load_plan(await PlanView.of(actor), plan_id)  # NOT_FOUND out of sight
    chart = await org_chart(company_id)
    root = _root(chart, scope, department_id)
    where = () if root is None else (root,)
    if not actor.authz.check(CALIBRATION_OPEN, where):
        raise Forbidden("forbidden", action="open", object_type="calibration")
    if plan.state != PlanState.FINALIZED.value:
        raise Conflict("calibration_not_final", state=plan.state)
    await ensure_unpublished(plan.id)
    others = await CalibrationSession.filter(plan_id=plan.id).values_list("department_id", "state")
    if any(other == root for other, _ in others):
        raise Conflict("calibration_exists")
    open_ones = [other for other, state in others if state == CalibrationState.OPEN.value]
    if any(_overlaps(chart, root, other) for other in open_ones):
        raise Conflict("calibration_overlap")
    now = datetime.now(UTC)
    try:
        async with in_transaction():
            row = await CalibrationSession.create(
                company_id=company_id,
                plan_id=plan.id,
                scope=scope.value,
                department_id=root,
                scope_key=COMPANY_KEY if root is None else str(root),
                opened_by=actor.caller.employee_id,
                opened_at=now,
            )
            await record(
                actor,
                AuditAction.CALIBRATION_OPEN,
                AuditObjectType.CALIBRATION_SESSION,
                row.id,
                after={"plan": plan.id, "scope": scope.value, "department": root},
            )
    except IntegrityError as exc:  # the scope's session exists (or a concurrent one won)
        raise Conflict("calibration_exists") from exc
    return row
