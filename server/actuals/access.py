"""What every actuals operation checks first: the plan is visible and open, the person is in
sight, the indicator is his. The policy decides through ``server.authz``; a person's place is
the position kept on his assignment, ``(department_id, employee_id, manager_id)``."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from server.audit import Actor
from server.authz import ACTUAL_READ, Permission
from server.errors import BadInput, Conflict, DomainError, ErrorCode, NotFound
from server.models import Assignment, Plan
from server.models.fields import largest
from server.plans.access import PlanView, covered_departments
from server.vocabulary import PlanState, ScoringKind

OPEN_STATES = frozenset({PlanState.ACTIVE.value, PlanState.EVALUATING.value})
MAX_NOTE = 2000
MAX_REASON = 2000
VALUE_PLACES = 6
VALUE_MAX = largest(VALUE_PLACES)  # what the actual's column holds
MANUAL = "manual"


class NotAssigned(DomainError):
    """The person has no assignment in the plan, or is out of the caller's sight: the same
    answer for both, so nothing is learnt about people one may not see."""

    code = ErrorCode.NOT_FOUND


Position = tuple[UUID, UUID, UUID | None]


def position(assignment: Assignment) -> Position:
    return (assignment.department_id, assignment.employee_id, assignment.manager_id)


def indicator_of(assignment: Assignment, key: str) -> dict[str, Any] | None:
    for item in assignment.indicators:
        if item.get("key") == key:
            return item
    return None


def data_source(indicator: dict[str, Any]) -> str:
    return str(indicator.get("data_source") or MANUAL)


def is_rated(indicator: dict[str, Any]) -> bool:
    """Rated 1-5 in the manager evaluation, so it has no actual."""
    scoring = indicator.get("scoring") or {}
    return bool(indicator.get("qualitative")) or scoring.get("kind") == ScoringKind.RATING.value


def note_text(value: str | None, field: str, *, max_length: int = MAX_NOTE) -> str:
    """A note or reason: several lines allowed, other control characters not."""
    cleaned = (value or "").replace("\r\n", "\n").strip()
    if len(cleaned) > max_length:
        raise BadInput("too_long", field=field, max=max_length)
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in cleaned):
        raise BadInput("invalid_format", field=field, hint="control characters are not allowed")
    return cleaned


def visible(text: str) -> bool:
    """Does the text show anything? Zero-width and other format characters alone do not."""
    return any(not ch.isspace() and unicodedata.category(ch) != "Cf" for ch in text)


def require_open(plan: Plan) -> None:
    if plan.state not in OPEN_STATES:
        raise Conflict("actuals_closed", state=plan.state)


async def visible_plans(actor: Actor, plan_ids: Iterable[UUID]) -> dict[UUID, Plan]:
    """The plans by id, each one the caller may see (NOT_FOUND otherwise)."""
    wanted = set(plan_ids)
    if not wanted:
        return {}
    rows = await Plan.filter(company_id=actor.caller.company_id, id__in=list(wanted))
    if len(rows) != len(wanted):
        raise NotFound("plan")
    view = await PlanView.of(actor)
    covered = await covered_departments(wanted)
    for plan in rows:
        if not view.visible(plan, covered.get(plan.id, set())):
            raise NotFound("plan")
    return {plan.id: plan for plan in rows}


async def lock_open_plans(company_id: UUID, plan_ids: Iterable[UUID]) -> None:
    """Inside the write's transaction: the plans are still open, and stay so until commit.

    ``FOR SHARE`` on PostgreSQL: concurrent actual writers do not wait for each other, but a
    workflow step (which updates the plan row) waits for them, and one that committed first
    is seen here. SQLite runs one write transaction at a time.
    """
    db = Plan._meta.db
    for plan_id in sorted(set(plan_ids), key=str):
        if db.capabilities.dialect == "postgres":
            _, rows = await db.execute_query(
                'SELECT "state" FROM "plan" WHERE "id" = $1 AND "company_id" = $2 FOR SHARE',
                [plan_id, company_id],
            )
        else:
            _, rows = await db.execute_query(
                'SELECT "state" FROM "plan" WHERE "id" = ? AND "company_id" = ?',
                [str(plan_id), str(company_id)],
            )
        if not rows:
            raise NotFound("plan")
        state = rows[0]["state"]
        if state not in OPEN_STATES:
            raise Conflict("actuals_closed", state=state)


@dataclass(frozen=True)
class Located:
    """One actual's place, checked: its plan, the person's assignment and the indicator."""

    plan: Plan
    assignment: Assignment
    indicator: dict[str, Any]


async def locate(
    actor: Actor, plan_id: UUID, employee_id: UUID, key: str, *, perm: Permission
) -> Located:
    """The plan (visible and open), the person (in sight for ``perm``: NOT_FOUND when not
    even readable, FORBIDDEN when readable only) and his indicator ``key``."""
    plan = (await visible_plans(actor, [plan_id]))[plan_id]
    require_open(plan)
    assignment = await Assignment.get_or_none(
        company_id=actor.caller.company_id, plan_id=plan_id, employee_id=employee_id
    )
    if assignment is None:
        raise NotAssigned("not_assigned", field="employeeId")
    if not actor.authz.check(ACTUAL_READ, position(assignment)):
        raise NotAssigned("not_assigned", field="employeeId")
    actor.authz.require(perm, position(assignment))
    indicator = indicator_of(assignment, key)
    if indicator is None:
        raise BadInput("unknown_indicator", field="indicatorKey", indicator=key)
    return Located(plan, assignment, indicator)
