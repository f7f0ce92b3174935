"""Which score rows an analytic reads: the ``analytics`` permission on top, the caller's
score grants beneath.

The ``analytics:<action>`` permission decides whether the caller may run an analytic at all
(FORBIDDEN without it) and how far it reaches (its grant: the company, subtrees, his team,
himself). The rows beneath are exactly those his score grants reach
(server/scoring/publishing.visible_scores_q, as raw SQL): ``score:read`` over departments /
his team, and ``score:read_published`` for his own scores once their plan's results are
released. A VP's figures therefore never include a row he could not open one by one.

``reach`` builds one ``Reach`` per request; ``Reach.where`` renders it as a SQL fragment
over a table carrying (company_id, department_id, employee_id, manager_id, plan_id), so
every analytic stays one grouped statement however many departments it covers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from server.audit import Actor
from server.authz import Grant
from server.errors import BadInput, Forbidden, NotFound
from server.models import Company, Employee
from server.org_tree import OrgChart, org_chart
from server.permissions import SCORE_READ, SCORE_READ_PUBLISHED, Permission
from server.scoring import sql

ACTIONS = ("read", "drivers", "raters", "export")


class OrgLevel(StrEnum):
    """How far an analytic reaches: all the caller may see, a division or a department
    (each with its subtree)."""

    COMPANY = "company"
    DIVISION = "division"
    DEPARTMENT = "department"


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Reach:
    """Which score rows an analytic reads; built once per request by ``reach``.

    Rows are the company's, within ``within`` (a subtree asked for) and ``subject`` (one
    person asked for) when set, and then: all of them when ``departments`` is None, else
    those in ``departments``, OR whose ``manager_id`` is the caller's team grant, OR the
    caller's own (``employee_id``; only of released plans when ``released_only``).
    """

    company_id: UUID
    departments: frozenset[UUID] | None  # None: all of the company's departments
    employee_id: UUID | None  # only this person (self grant)
    manager_id: UUID | None  # team grant: rows whose manager_id is the caller
    released_only: bool
    name: str  # the scope's display name (company / division / department / person)
    within: frozenset[UUID] | None = None  # the subtree asked for (DIVISION / DEPARTMENT)
    subject: UUID | None = None  # one person asked for (an employee's trend)
    personal: bool = False  # the analytics grant is the caller's own only (an employee)
    now: datetime | None = None  # when "released" is decided (tests move it)
    timezone: str = ""  # the company's (its day decides deadlines), read with its name

    @property
    def whole_company(self) -> bool:
        return self.departments is None and self.within is None and self.subject is None

    def about(self, employee_id: UUID, name: str) -> Reach:
        """The same rows, of one person only."""
        return replace(self, subject=employee_id, name=name)

    def where(
        self,
        alias: str,
        dialect: str,
        params: list[Any],
        *,
        scores: bool = True,
        plan: str | None = None,
    ) -> str:
        """The fragment selecting the rows of ``alias`` (appends its parameters to
        ``params``, ``?`` placeholders as server/scoring/sql.numbered renders them).
        ``scores``: ``alias`` is the score table, whose reopened rows (being corrected
        after a first freeze) an employee does not see, as ``visible_scores_q`` says.
        ``plan``: the alias of the plan table the statement reaches ``alias`` through
        (``alias.plan_id = plan.id``, ``analytics.sql.PLAN_SCORES``): the company is then
        checked on the plan, a row's plan being of its company. The row's own company
        column would let the planner pick the company index (the tenant's rows of every
        period), and SQLite keeps a score's company behind its large JSON columns, on
        overflow pages: reading it cost more than all the rest of a ranking."""
        a = alias
        params.append(sql.uuid_param(self.company_id, dialect))
        parts = [f'{plan}."company_id" = ?' if plan else f'{a}."company_id" = ?']
        plan_id = f'{plan}."id"' if plan else f'{a}."plan_id"'
        if self.within is not None:
            parts.append(sql.ids_in("department_id", dialect, a))
            params.append(sql.ids_param(self.within, dialect))
        if self.subject is not None:
            parts.append(f'{a}."employee_id" = ?')
            params.append(sql.uuid_param(self.subject, dialect))
        if self.departments is not None:
            terms: list[str] = []
            if self.departments:
                terms.append(sql.ids_in("department_id", dialect, a))
                params.append(sql.ids_param(self.departments, dialect))
            if self.manager_id is not None:
                terms.append(f'{a}."manager_id" = ?')
                params.append(sql.uuid_param(self.manager_id, dialect))
            if self.employee_id is not None:
                own = f'{a}."employee_id" = ?'
                params.append(sql.uuid_param(self.employee_id, dialect))
                if self.released_only:
                    own += (
                        ' AND EXISTS (SELECT 1 FROM "results_release" AS rr'
                        f' WHERE rr."plan_id" = {plan_id} AND rr."publish_at" <= ?)'
                    )
                    params.append(sql.time_param(self.now or utcnow(), dialect))
                    if scores:
                        own += f' AND ({a}."frozen" = ? OR {a}."version" = 0)'
                        params.append(True)
                terms.append(f"({own})")
            parts.append("(" + (" OR ".join(terms) if terms else "1 = 0") + ")")
        return " AND ".join(parts)


def _rows_of(
    actor: Actor, allowed: Grant
) -> tuple[frozenset[UUID] | None, UUID | None, UUID | None, bool]:
    """(departments, manager, own, released_only) the score grants reach, within what the
    analytics grant ``allowed`` covers."""
    caller = actor.caller
    full = actor.authz.scope(SCORE_READ)
    published = actor.authz.scope(SCORE_READ_PUBLISHED)
    if full.everything and allowed.everything:
        return None, None, None, False
    if allowed.everything:
        departments = full.departments
    elif full.everything:
        departments = allowed.departments
    else:
        departments = full.departments & allowed.departments
    team = caller.employee_id if full.team and (allowed.everything or allowed.team) else None
    own: UUID | None = None
    released_only = False
    if allowed.everything or allowed.own or allowed.departments or allowed.team:
        if full.own or full.everything:
            own = caller.employee_id
        elif not published.empty and (published.own or published.everything):
            own, released_only = caller.employee_id, True
    return departments, team, own, released_only


def _name_of(chart: OrgChart, departments: frozenset[UUID] | None, company: str) -> str:
    """A subtree's name: its root's when the caller's departments form one subtree."""
    if departments is None:
        return company
    roots = [d for d in departments if chart.tree.parents.get(d) not in departments]
    if len(roots) == 1 and roots[0] in chart.departments:
        return chart.departments[roots[0]].name
    return company


async def reach(
    actor: Actor,
    action: str,
    level: OrgLevel = OrgLevel.COMPANY,
    department_id: UUID | None = None,
) -> Reach:
    """The rows ``analytics:<action>`` lets the caller read at ``level``.

    FORBIDDEN without the permission, or for a department his grants do not reach at all;
    NOT_FOUND for a department of another company; BAD_USER_INPUT when a DIVISION or
    DEPARTMENT level comes without its department (or with one of the wrong kind)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown analytics action {action!r}")
    caller = actor.caller
    allowed = actor.authz.scope(Permission("analytics", action), required=True)
    chart = await org_chart(caller.company_id)
    company, zone = await Company.get(id=caller.company_id).values_list("name", "timezone")
    departments, team, own, released_only = _rows_of(actor, allowed)
    personal = not (allowed.everything or allowed.departments or allowed.team)
    level = OrgLevel(level)
    if level == OrgLevel.COMPANY:
        if department_id is not None:
            raise BadInput("invalid_format", field="scope.departmentId", hint="null for COMPANY")
        if personal:
            me = await Employee.get(id=caller.employee_id).values_list("name", flat=True)
            return Reach(
                caller.company_id,
                frozenset(),
                own,
                None,
                released_only,
                str(me),
                personal=True,
                timezone=str(zone),
            )
        name = _name_of(chart, departments, str(company))
        return Reach(
            caller.company_id, departments, own, team, released_only, name, timezone=str(zone)
        )
    if department_id is None:
        raise BadInput("required", field="scope.departmentId")
    row = chart.departments.get(department_id)
    if row is None or row.company_id != caller.company_id:
        raise NotFound("department")
    if level == OrgLevel.DIVISION and row.kind != "division":
        raise BadInput("invalid_format", field="scope.departmentId", hint="a division")
    subtree = chart.tree.subtree([department_id])
    reached = departments is None or bool(departments & subtree)
    if personal or not reached:
        raise Forbidden("forbidden", action=action, object_type="analytics")
    narrowed = None if departments is None else departments & subtree
    return Reach(
        caller.company_id,
        narrowed,
        own,
        team,
        released_only,
        row.name,
        within=subtree,
        timezone=str(zone),
    )


__all__ = ["ACTIONS", "OrgLevel", "Reach", "reach"]
