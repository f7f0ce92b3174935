"""Authorization: the only module that talks to Casbin.

Casbin decides *role x tenant x object type x action x relation* from the admin-edited files
in ``policies/``. The server works out the caller's relation to an object from the org chart
and the caller's role assignments. Decisions are memoized per loaded policy, so a request
pays for a handful of dictionary look-ups rather than for ``enforce()`` per row, and lists
become one SQL filter (see ``Grant.q``).

The API is ``Authorizer.scope`` / ``check`` / ``require`` over the typed permissions of
``server.permissions`` (re-exported here); the caller's relation to an object comes from
the object type's resolver in ``server.relations``.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import casbin
from tortoise.expressions import Q

from server.errors import Forbidden, NotFound
from server.permissions import *  # noqa: F403 - the typed permissions are part of this API
from server.permissions import Permission
from server.relations import RESOLVERS, Caller, OrgTree, RelationResolver
from server.vocabulary import COMPANY_ROLES, OBJECT_ACTIONS, RELATIONS, ROLES

log = logging.getLogger("jixiao.authz")

MODEL_FILE = "model.conf"
POLICY_FILE = "policy.csv"


# --------------------------------------------------------------------------- policy files
@dataclass(frozen=True)
class PolicyProblem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.line}: {self.message}"
            if self.line
            else f"{self.file}: {self.message}"
        )


class PolicyError(Exception):
    def __init__(self, problems: list[PolicyProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def _check_rule(tokens: list[str], file: str, number: int) -> list[PolicyProblem]:
    def problem(message: str) -> list[PolicyProblem]:
        return [PolicyProblem(file, number, message)]

    kind = tokens[0]
    if kind == "g":
        if len(tokens) != 3:
            return problem(
                f"a role inheritance rule needs 'g, ROLE, PARENT_ROLE', got {len(tokens) - 1}"
            )
        unknown = [t for t in tokens[1:] if t not in ROLES]
        return (
            problem(f"unknown role {unknown[0]!r}; roles are {', '.join(ROLES)}") if unknown else []
        )
    if kind != "p":
        return problem(f"a rule starts with 'p' or 'g', not {kind!r}")
    if len(tokens) != 6:
        return problem(
            f"a rule needs 'p, ROLE, TENANT, OBJECT, ACTION, RELATION', got {len(tokens) - 1}"
        )
    role, tenant, obj, act, rel = tokens[1:]
    if role not in ROLES:
        return problem(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    if not tenant:
        return problem("the tenant column is empty; use * for every company")
    if obj not in OBJECT_ACTIONS:
        return problem(f"unknown object {obj!r}; objects are {', '.join(OBJECT_ACTIONS)}")
    if act not in OBJECT_ACTIONS[obj]:
        return problem(
            f"{obj} has no action {act!r}; its actions are {', '.join(sorted(OBJECT_ACTIONS[obj]))}"
        )
    if rel not in RELATIONS:
        return problem(f"unknown relation {rel!r}; relations are {', '.join(RELATIONS)}")
    return []


def check_policy_files(policy_dir: Path) -> list[PolicyProblem]:
    """Everything wrong with the two files, with line numbers; empty when they are good."""
    problems: list[PolicyProblem] = []
    model_path, policy_path = policy_dir / MODEL_FILE, policy_dir / POLICY_FILE
    for path in (model_path, policy_path):
        if not path.is_file():
            problems.append(PolicyProblem(path.name, 0, f"file not found at {path}"))
    if problems:
        return problems
    try:
        casbin.Enforcer(str(model_path))
    except Exception as exc:  # casbin reports model syntax errors with assorted exception types
        problems.append(PolicyProblem(MODEL_FILE, 0, f"the model does not load: {exc}"))
    try:
        text = policy_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [*problems, PolicyProblem(POLICY_FILE, 0, f"cannot be read: {exc}")]
    rules = 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        tokens = [t.strip() for t in next(csv.reader([stripped], skipinitialspace=True))]
        problems.extend(_check_rule(tokens, POLICY_FILE, number))
        rules += tokens[0] == "p"
    if rules == 0 and not problems:
        problems.append(PolicyProblem(POLICY_FILE, 0, "has no 'p' rules; it would deny everything"))
    return problems


class CompiledPolicy:
    """A loaded enforcer plus the memo of its decisions. Replaced whole on reload."""

    def __init__(self, enforcer: casbin.Enforcer, version: int) -> None:
        self._enforcer = enforcer
        self.version = version
        self.loaded_at = datetime.now(UTC)
        self.rule_count = len(enforcer.get_policy())
        self._memo: dict[tuple[str, str, str, str], frozenset[str]] = {}
        self._holders: dict[tuple[str, Permission], dict[str, frozenset[str]]] = {}

    def relations(self, role: str, tenant: str, obj: str, act: str) -> frozenset[str]:
        """The relations under which ``role`` may do ``act`` on ``obj`` in ``tenant``."""
        key = (role, tenant, obj, act)
        found = self._memo.get(key)
        if found is None:
            found = frozenset(
                rel for rel in RELATIONS if self._enforcer.enforce(role, tenant, obj, act, rel)
            )
            self._memo[key] = found
        return found

    def holders(self, tenant: str, perm: Permission) -> dict[str, frozenset[str]]:
        """Every role allowed ``perm`` in ``tenant`` (by any relation), with its relations."""
        key = (tenant, perm)
        found = self._holders.get(key)
        if found is None:
            found = {
                role: rels
                for role in ROLES
                if (rels := self.relations(role, tenant, perm.obj, perm.act))
            }
            self._holders[key] = found
        return found

    @classmethod
    def from_files(cls, policy_dir: Path, version: int) -> CompiledPolicy:
        problems = check_policy_files(policy_dir)
        if problems:
            raise PolicyError(problems)
        enforcer = casbin.Enforcer(str(policy_dir / MODEL_FILE), str(policy_dir / POLICY_FILE))
        compiled = cls(enforcer, version)
        # Smoke decision: a policy that cannot even let people see their own company is broken.
        if not any(compiled.relations(r, "*smoke*", "company", "read") for r in ROLES):
            raise PolicyError([PolicyProblem(POLICY_FILE, 0, "no role may read its company")])
        return compiled


class PolicyStore:
    """Holds the policy in force. Reload builds a new one and swaps it in one assignment."""

    def __init__(self, policy_dir: Path) -> None:
        self.policy_dir = policy_dir
        self.current = CompiledPolicy.from_files(policy_dir, version=1)
        self.last_error: PolicyError | None = None
        self._lock = asyncio.Lock()

    async def reload(self) -> CompiledPolicy:
        """Load the files again; on any problem keep the old policy and raise PolicyError."""
        async with self._lock:
            try:
                fresh = await asyncio.to_thread(
                    CompiledPolicy.from_files, self.policy_dir, self.current.version + 1
                )
            except PolicyError as exc:
                self.last_error = exc
                log.error(
                    "policy reload refused, version %s stays in force: %s",
                    self.current.version,
                    exc,
                )
                raise
            self.current = fresh
            self.last_error = None
            log.info("policy version %s loaded (%s rules)", fresh.version, fresh.rule_count)
            return fresh

    async def watch(self, interval: float) -> None:
        """Reload whenever the files change on disk; runs until cancelled."""
        from watchfiles import awatch  # imported lazily: only the server process watches

        async for _changes in awatch(self.policy_dir, step=int(interval * 1000), rust_timeout=0):
            # A refused file is already logged; the last good policy stays in force.
            with contextlib.suppress(PolicyError):
                await self.reload()


# --------------------------------------------------------------------------- decisions
@dataclass(frozen=True)
class Grant:
    """Which objects of one type an action covers for the caller (``Authorizer.scope``)."""

    everything: bool = False
    departments: frozenset[UUID] = frozenset()  # "scope": the subtrees the roles are held over
    own: bool = False
    team: bool = False
    caller: Caller | None = field(default=None, compare=False)
    # "self" for rows without an owner column, as the object type's resolver defines it
    own_departments: frozenset[UUID] = field(default=frozenset(), compare=False)
    empty: bool = field(init=False, compare=False)

    def __post_init__(self) -> None:
        # read on every check: computed once
        empty = not (self.everything or self.departments or self.own or self.team)
        object.__setattr__(self, "empty", empty)

    def q(
        self, *, department: str, owner: str | None = None, manager: str | None = None
    ) -> Q | None:
        """A SQL filter for rows whose columns are named as given; None when all rows pass."""
        if self.everything:
            return None
        assert self.caller is not None
        terms: list[Q] = []

        def q(column: str, value: Any) -> Q:
            # One keyword built at run time; Q's own ``join_type`` keyword is a str.
            return Q(**{column: value})

        if self.departments:
            terms.append(q(f"{department}__in", list(self.departments)))
        if self.own:
            if owner is not None:
                terms.append(q(owner, self.caller.employee_id))
            elif self.own_departments:
                terms.append(q(f"{department}__in", list(self.own_departments)))
        if self.team and manager is not None:
            terms.append(q(manager, self.caller.employee_id))
        if not terms:
            return q(f"{department}__in", [])
        return Q(*terms, join_type=Q.OR)

    def covers(self, resolver: RelationResolver, target: object, tree: OrgTree | None) -> bool:
        """Whether the object ``target`` (placed by its type's resolver) is covered."""
        if self.everything:
            return True
        caller = self.caller
        assert caller is not None
        if self.own and resolver.is_self(caller, tree, target):
            return True
        if self.team and resolver.is_team(caller, tree, target):
            return True
        if self.departments:
            for department_id in resolver.departments(target):
                if department_id in self.departments:
                    return True
        return False


# What makes an object of each type visible at all (``policy`` has no read).
_READ = {
    obj: Permission(obj, "read") for obj, actions in OBJECT_ACTIONS.items() if "read" in actions
}


class Authorizer:
    """Per-request authorization for one caller: the one API every check goes through.

    - ``scope(perm)``: the caller's grant for a permission, for SQL lists (``Grant.q``);
    - ``check(perm, target)``: may the caller do it to this object (the object type's
      relation resolver places ``target``; company-level objects pass no target);
    - ``require(perm, target)``: the same, raising NOT_FOUND for an object out of sight
      and FORBIDDEN for one seen but not to be acted on.
    Grants are computed once per permission per request; decisions come from the policy's
    per-version memo (``CompiledPolicy.relations``).
    """

    def __init__(self, caller: Caller, policy: CompiledPolicy, tree: OrgTree | None) -> None:
        self.caller = caller
        self.policy = policy
        self._tree = tree
        self._grants: dict[Permission, Grant] = {}

    def attach_tree(self, tree: OrgTree) -> None:
        """Give resolvers that need the org tree (plans) the tree, loaded by the caller."""
        if self._tree is None:
            self._tree = tree

    @property
    def has_tree(self) -> bool:
        return self._tree is not None

    def scope(self, perm: Permission, *, required: bool = False) -> Grant:
        """What ``perm`` covers; with ``required``, FORBIDDEN when it covers nothing."""
        found = self._grants.get(perm)
        if found is None:
            found = self._grants[perm] = self._grant(perm)
        if required and found.empty:
            raise Forbidden("forbidden", action=perm.act, object_type=perm.obj)
        return found

    def _grant(self, perm: Permission) -> Grant:
        everything = own = team = False
        roots: set[UUID] = set()
        for role in self.caller.roles:
            rels = self.policy.relations(role, self.caller.tenant, perm.obj, perm.act)
            if not rels:
                continue
            everything |= "company" in rels
            own |= "self" in rels
            team |= "team" in rels
            if "scope" in rels:
                scopes = [d for r, d in self.caller.assignments if r == role]
                if role in COMPANY_ROLES or None in scopes:
                    everything = True
                else:
                    roots.update(d for d in scopes if d is not None)
        departments = (
            self._tree.subtree(roots) if roots and self._tree and not everything else frozenset()
        )
        own_departments: frozenset[UUID] = frozenset()
        if own and not everything:
            own_departments = RESOLVERS[perm.obj].own_departments(self.caller, self._tree)
        return Grant(everything, departments, own, team, self.caller, own_departments)

    def check(self, perm: Permission, target: object = None) -> bool:
        grant = self._grants.get(perm) or self.scope(perm)
        if grant.everything:  # the common case decides without placing the object
            return True
        if grant.empty:
            return False
        return grant.covers(RESOLVERS[perm.obj], target, self._tree)

    def require(self, perm: Permission, target: object = None) -> None:
        """NOT_FOUND when the object is out of sight, FORBIDDEN when only the act is denied.

        Sight is the object type's ``read``. Company-level objects (no target) are never out
        of sight, only forbidden.
        """
        if target is not None:
            read = _READ.get(perm.obj)
            if read is not None and perm != read and not self.check(read, target):
                raise NotFound(perm.obj)
        if not self.check(perm, target):
            if perm.act == "read" and target is not None:
                raise NotFound(perm.obj)
            raise Forbidden("forbidden", action=perm.act, object_type=perm.obj)

    def holders(self, perm: Permission) -> dict[str, frozenset[str]]:
        """Every role the policy lets do ``perm`` in the caller's tenant, with its relations."""
        return self.policy.holders(self.caller.tenant, perm)


def needs_tree(caller: Caller) -> bool:
    """Only department-scoped roles need the org tree; most callers skip that query."""
    return any(dept is not None for _, dept in caller.assignments)
