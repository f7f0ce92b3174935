"""The caller's relation to an object: one pluggable resolver per object type.

The policy decides on *role x object type x action x relation*; which relation the caller
has to a given object is worked out here, from the org chart and the object's place in it.
Every object type has one ``RelationResolver`` in ``RESOLVERS``; a new kind of object
(assignments, evaluations, scores, feedback) adds one with ``register`` and is then checked
and listed by ``server.authz`` like every other, without a view of its own.

A resolver answers, for one object (the "target"), one question per relation: is it the
caller's own (``self``), does its person report to the caller (``team``), which departments
does it lie in (``scope`` when one falls inside the subtree a role is held over);
``company`` holds for anything in the caller's tenant. For SQL lists it also names the
departments whose rows are the caller's ``self`` when a row has no owner column (a
department: one's own; a plan: one's own department and every one above it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from server.vocabulary import OBJECT_ACTIONS


@dataclass(frozen=True)
class Caller:
    """The signed-in person, with role assignments as (role, department id or None)."""

    employee_id: UUID
    company_id: UUID
    tenant: str
    department_id: UUID
    session_id: UUID | None
    assignments: tuple[tuple[str, UUID | None], ...]

    @property
    def roles(self) -> frozenset[str]:
        # Every active person is an employee; the other roles come from assignments.
        return frozenset({"employee", *(role for role, _ in self.assignments)})


@dataclass(frozen=True)
class OrgTree:
    """Department parent links of one company, for subtree questions."""

    children: dict[UUID, tuple[UUID, ...]]
    parents: dict[UUID, UUID | None] = field(default_factory=dict)

    @classmethod
    def from_links(cls, links: Iterable[tuple[UUID, UUID | None]]) -> OrgTree:
        children: dict[UUID, list[UUID]] = {}
        parents: dict[UUID, UUID | None] = {}
        for dept_id, parent_id in links:
            parents[dept_id] = parent_id
            if parent_id is not None:
                children.setdefault(parent_id, []).append(dept_id)
        return cls({k: tuple(v) for k, v in children.items()}, parents)

    def chain(self, department_id: UUID | None) -> list[UUID]:
        """The department and every department above it, nearest first."""
        found: list[UUID] = []
        while department_id is not None and department_id not in found:
            found.append(department_id)
            department_id = self.parents.get(department_id)
        return found

    def subtree(self, roots: Iterable[UUID]) -> frozenset[UUID]:
        seen: set[UUID] = set()
        stack = list(roots)
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(self.children.get(node, ()))
        return frozenset(seen)


def _no(caller: Caller, tree: OrgTree | None, target: Any) -> bool:
    return False


def _nowhere(target: Any) -> tuple[UUID, ...]:
    return ()


@dataclass(frozen=True)
class RelationResolver:
    """How objects of one type stand towards the caller, one question per relation.

    Asked lazily, and only for the relations the caller's grant holds: a check costs a
    dictionary look-up and at most a couple of comparisons.
    """

    # "self": the object is the caller's own
    is_self: Callable[[Caller, OrgTree | None, Any], bool] = _no
    # "team": the object's person reports directly to the caller
    is_team: Callable[[Caller, OrgTree | None, Any], bool] = _no
    # "scope": the departments the object lies in (one in a role's subtree is enough)
    departments: Callable[[Any], Iterable[UUID]] = _nowhere
    # for SQL lists: the departments whose rows are the caller's "self" (no owner column)
    own_departments: Callable[[Caller, OrgTree | None], frozenset[UUID]] = lambda c, t: frozenset()
    needs_tree: bool = False  # reads the org tree (see Authorizer.attach_tree)


# --- departments: the target is a department id
def _is_own_department(caller: Caller, tree: OrgTree | None, department_id: Any) -> bool:
    return department_id is not None and department_id == caller.department_id


def _the_department(department_id: Any) -> tuple[UUID, ...]:
    return () if department_id is None else (department_id,)


def _own_department(caller: Caller, tree: OrgTree | None) -> frozenset[UUID]:
    return frozenset({caller.department_id})


# --- people (employees, their role assignments, their facts): the target is a position,
# (department, owner, manager), as server.services.employees.position gives it
def _is_own_record(caller: Caller, tree: OrgTree | None, position: tuple[Any, ...]) -> bool:
    department_id, owner_id, _ = position
    if owner_id is not None:
        return bool(owner_id == caller.employee_id)
    return _is_own_department(caller, tree, department_id)  # no owner: one's own department


def _reports_to_caller(caller: Caller, tree: OrgTree | None, position: tuple[Any, ...]) -> bool:
    manager_id = position[2]
    return manager_id is not None and bool(manager_id == caller.employee_id)


def _persons_department(position: tuple[Any, ...]) -> tuple[UUID, ...]:
    return _the_department(position[0])


# --- plans: the target is the set of departments the plan covers
def _own_chain(caller: Caller, tree: OrgTree | None) -> frozenset[UUID]:
    if tree is None:
        raise RuntimeError("plan relations need the org tree: call Authorizer.attach_tree first")
    return frozenset(tree.chain(caller.department_id))


def _covers_own_line(caller: Caller, tree: OrgTree | None, covered: Iterable[UUID]) -> bool:
    """A plan is the caller's own when it covers their department or one above it (so the
    company plan and their department's plan are everybody's "self")."""
    return not _own_chain(caller, tree).isdisjoint(covered)


def _covered(covered: Iterable[UUID]) -> Iterable[UUID]:
    return covered


def _yes(caller: Caller, tree: OrgTree | None, target: Any) -> bool:
    return True


DEPARTMENT = RelationResolver(
    is_self=_is_own_department, departments=_the_department, own_departments=_own_department
)
PERSON = RelationResolver(
    is_self=_is_own_record,
    is_team=_reports_to_caller,
    departments=_persons_department,
    own_departments=_own_department,
)
PLAN = RelationResolver(
    is_self=_covers_own_line, departments=_covered, own_departments=_own_chain, needs_tree=True
)


# Feedback: placed like a person's row, plus who handles it now; "team" is the person's
# manager, or whoever an escalation passed it to (the skip-level manager or VP). The target
# is (department, employee, manager, handler).
def _reports_to_or_handled_by(
    caller: Caller, tree: OrgTree | None, target: tuple[Any, ...]
) -> bool:
    return _reports_to_caller(caller, tree, target) or (
        target[3] is not None and bool(target[3] == caller.employee_id)
    )


def _is_own_feedback(caller: Caller, tree: OrgTree | None, target: tuple[Any, ...]) -> bool:
    return _is_own_record(caller, tree, target[:3])


FEEDBACK = RelationResolver(
    is_self=_is_own_feedback,
    is_team=_reports_to_or_handled_by,
    departments=_persons_department,
    own_departments=_own_department,
)
COMPANY = RelationResolver(is_self=_yes)  # the caller's own company, the only one ever asked
# Company-level objects (connectors, templates, the audit log...): only a company-wide
# grant covers them.
COMPANY_WIDE = RelationResolver()

RESOLVERS: dict[str, RelationResolver] = {
    "company": COMPANY,
    "department": DEPARTMENT,
    "employee": PERSON,
    "role_assignment": PERSON,
    "metric_fact": PERSON,
    "plan": PLAN,
    "audit_entry": COMPANY_WIDE,
    "policy": COMPANY_WIDE,
    "connector_config": COMPANY_WIDE,
    "sync_run": COMPANY_WIDE,
    "quarantine": COMPANY_WIDE,
    "template": COMPANY_WIDE,
    # Evaluation and scoring: each row is one person's, placed by (department, employee,
    # manager) as kept on the row at assignment time.
    "assignment": PERSON,
    "actual": PERSON,
    "evaluation": PERSON,
    "score": PERSON,
    "report": PERSON,
    "scoring_settings": COMPANY_WIDE,
    # A calibration session, or a change in it, lies in the departments of its target (the
    # session's root department, or the person's); a company-wide session in none, so only a
    # company-wide grant covers it.
    "calibration": RelationResolver(departments=lambda target: target or ()),
    "calibration_settings": COMPANY_WIDE,
    "feedback": FEEDBACK,
    "note": PERSON,
    "reminder_settings": COMPANY_WIDE,
    # 360 input and bonuses: about one person, placed by the subject's position
    "peer_review": PERSON,
    "bonus": PERSON,
    # a notification is its recipient's, placed by (department, recipient, manager)
    "notification": PERSON,
    # analytics figures are about people's scores, placed like a score
    "analytics": PERSON,
}


def register(obj: str, resolver: RelationResolver) -> None:
    """Add the resolver for a new object type (which must be in OBJECT_ACTIONS)."""
    if obj not in OBJECT_ACTIONS:
        raise ValueError(f"unknown object {obj!r}; add it to server/vocabulary.py first")
    RESOLVERS[obj] = resolver


# Every object type the policy can name has a resolver: checked once, at start.
_missing = set(OBJECT_ACTIONS) - set(RESOLVERS)
if _missing:
    raise RuntimeError(f"object types without a relation resolver: {sorted(_missing)}")
