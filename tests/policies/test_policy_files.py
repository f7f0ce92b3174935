"""The real policy files, decision by decision, and how broken files are refused."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from uuid import uuid4

import pytest

from server.authz import (
    AUDIT_ENTRY_READ,
    EMPLOYEE_READ_PERSONAL,
    EMPLOYEE_UPDATE,
    PLAN_APPROVE,
    PLAN_APPROVE_COMPANY,
    PLAN_PROGRESS,
    PLAN_READ,
    PLAN_READ_PUBLISHED,
    PLAN_SUBMIT,
    ROLE_ASSIGNMENT_ASSIGN,
    ROLE_ASSIGNMENT_READ,
    Authorizer,
    Caller,
    CompiledPolicy,
    OrgTree,
    Permission,
    PolicyError,
    PolicyStore,
    check_policy_files,
)
from server.errors import Forbidden, NotFound
from server.relations import RESOLVERS
from server.settings import PROJECT_ROOT
from server.vocabulary import OBJECT_ACTIONS

POLICIES = PROJECT_ROOT / "policies"
REAL = CompiledPolicy.from_files(POLICIES, version=1)

# (role, object, action, relation, allowed)
MATRIX = [
    ("employee", "employee", "read", "company", True),
    ("employee", "employee", "read_personal", "self", True),
    ("employee", "employee", "read_personal", "team", True),
    ("employee", "employee", "read_personal", "company", False),
    ("employee", "employee", "read_personal", "scope", False),
    ("employee", "employee", "update", "self", False),
    ("employee", "department", "create", "company", False),
    ("employee", "audit_entry", "read", "scope", False),
    ("dept_manager", "employee", "read_personal", "scope", True),
    ("dept_manager", "employee", "create", "scope", False),
    ("vp", "employee", "read_personal", "scope", True),
    ("vp", "role_assignment", "assign", "scope", False),
    ("gm", "employee", "read_personal", "scope", True),
    ("gm", "employee", "update", "scope", False),
    ("hr_vp", "employee", "create", "scope", True),
    ("hr_vp", "employee", "update", "scope", True),
    ("hr_vp", "employee", "deactivate", "scope", False),
    ("hr_vp", "audit_entry", "read", "scope", True),
    ("hr_vp", "department", "create", "scope", False),
    ("perf_admin", "employee", "read_personal", "scope", True),
    ("perf_admin", "employee", "update", "scope", False),
    ("admin", "employee", "read_personal", "scope", False),
    ("admin", "employee", "create", "scope", True),
    ("admin", "department", "deactivate", "scope", True),
    ("admin", "role_assignment", "assign", "scope", True),
    ("admin", "policy", "reload", "scope", True),
    ("admin", "audit_entry", "read", "scope", True),
    ("nobody", "employee", "read", "company", False),
    # plans: employees see published plans of their own line, never drafts
    ("employee", "plan", "read_published", "self", True),
    ("employee", "plan", "read", "self", False),
    ("employee", "plan", "approve", "scope", False),
    ("dept_manager", "plan", "read", "scope", True),
    ("dept_manager", "plan", "comment", "scope", True),
    ("dept_manager", "plan", "approve", "scope", False),
    ("perf_admin", "plan", "create", "scope", True),
    ("perf_admin", "plan", "submit", "scope", True),
    ("perf_admin", "plan", "file", "scope", True),
    ("perf_admin", "plan", "approve", "scope", False),
    ("perf_admin", "plan", "review_edit", "scope", False),
    ("perf_admin", "plan", "progress", "scope", True),
    ("vp", "plan", "approve", "scope", True),
    ("vp", "plan", "review_edit", "scope", True),
    ("vp", "plan", "submit", "scope", False),
    ("vp", "plan", "progress", "scope", False),
    ("hr_vp", "plan", "approve", "scope", True),
    ("hr_vp", "plan", "return", "scope", True),
    ("hr_vp", "plan", "progress", "scope", True),
    ("hr_vp", "plan", "file", "scope", False),
    # the GM signs company plans only, and acknowledges filed plans
    ("gm", "plan", "approve_company", "scope", True),
    ("gm", "plan", "approve", "scope", False),
    ("gm", "plan", "approve_department", "scope", False),
    ("gm", "plan", "acknowledge", "scope", True),
    ("gm", "plan", "create", "scope", False),
    ("admin", "plan", "read", "scope", False),
    # templates: everyone reads the library; the performance admin keeps it
    ("employee", "template", "read", "company", True),
    ("perf_admin", "template", "create", "scope", True),
    ("perf_admin", "template", "delete", "scope", True),
    ("hr_vp", "template", "update", "scope", False),
    ("admin", "template", "create", "scope", False),
    # connectors: IT configures them; the performance admin runs syncs
    ("admin", "connector_config", "create", "scope", True),
    ("admin", "connector_config", "delete", "scope", True),
    ("perf_admin", "connector_config", "read", "scope", True),
    ("perf_admin", "connector_config", "sync", "scope", True),
    ("perf_admin", "connector_config", "update", "scope", False),
    ("hr_vp", "connector_config", "read", "scope", False),
    ("employee", "connector_config", "read", "company", False),
    # sync runs
    ("admin", "sync_run", "read", "scope", True),
    ("perf_admin", "sync_run", "read", "scope", True),
    ("gm", "sync_run", "read", "scope", False),
    ("employee", "sync_run", "read", "company", False),
    # collected facts follow the management line
    ("employee", "metric_fact", "read", "self", True),
    ("employee", "metric_fact", "read", "team", True),
    ("employee", "metric_fact", "read", "company", False),
    ("dept_manager", "metric_fact", "read", "scope", True),
    ("vp", "metric_fact", "read", "scope", True),
    ("hr_vp", "metric_fact", "read", "scope", True),
    ("admin", "metric_fact", "read", "scope", False),
]


@pytest.mark.parametrize(("role", "obj", "act", "rel", "allowed"), MATRIX)
def test_real_policy_decisions(role: str, obj: str, act: str, rel: str, allowed: bool) -> None:
    assert (rel in REAL.relations(role, "demo", obj, act)) is allowed


def test_real_files_pass_the_checker() -> None:
    assert check_policy_files(POLICIES) == []


def _copy(tmp_path: Path) -> Path:
    for name in ("model.conf", "policy.csv"):
        shutil.copy(POLICIES / name, tmp_path / name)
    return tmp_path


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("p, dept_manger, *, employee, read, scope", "unknown role 'dept_manger'"),
        ("p, gm, *, employe, read, scope", "unknown object 'employe'"),
        ("p, gm, *, employee, approve, scope", "employee has no action 'approve'"),
        ("p, gm, *, employee, read, galaxy", "unknown relation 'galaxy'"),
        ("p, gm, employee, read, scope", "got 4"),
        ("x, gm, *, employee, read, scope", "starts with 'p' or 'g'"),
        ("g, hr_vp, wizard", "unknown role 'wizard'"),
    ],
)
def test_checker_names_the_line_and_the_problem(tmp_path: Path, line: str, message: str) -> None:
    folder = _copy(tmp_path)
    lines = (folder / "policy.csv").read_text().splitlines()
    lines.insert(3, line)
    (folder / "policy.csv").write_text("\n".join(lines) + "\n")
    problems = check_policy_files(folder)
    assert len(problems) == 1
    assert problems[0].line == 4
    assert message in problems[0].message


def test_empty_policy_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "policy.csv").write_text("# nothing\n")
    problems = check_policy_files(folder)
    assert [p.message for p in problems] == ["has no 'p' rules; it would deny everything"]
    with pytest.raises(PolicyError):
        CompiledPolicy.from_files(folder, 1)


def test_broken_model_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "model.conf").write_text("[request_definition]\nr = sub\n[matchers]\nm = r.sub ==\n")
    assert any(p.file == "model.conf" for p in check_policy_files(folder))


async def test_reload_with_a_broken_file_keeps_the_old_policy(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    store = PolicyStore(folder)
    old = store.current
    (folder / "policy.csv").write_text("p, admin, *, employee, read, everywhere\n")
    with pytest.raises(PolicyError) as refused:
        await store.reload()
    assert "everywhere" in str(refused.value)
    assert store.current is old
    assert "company" in store.current.relations("employee", "demo", "employee", "read")
    shutil.copy(POLICIES / "policy.csv", folder / "policy.csv")
    fresh = await store.reload()
    assert fresh.version == old.version + 1 and store.last_error is None


def test_tenant_specific_rule_applies_only_to_that_tenant(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    with (folder / "policy.csv").open("a") as f:
        f.write("p, gm, acme, employee, deactivate, scope\n")
    policy = CompiledPolicy.from_files(folder, 1)
    assert "scope" in policy.relations("gm", "acme", "employee", "deactivate")
    assert policy.relations("gm", "demo", "employee", "deactivate") == frozenset()


def test_role_inheritance_rule(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    with (folder / "policy.csv").open("a") as f:
        f.write("g, gm, hr_vp\n")
    policy = CompiledPolicy.from_files(folder, 1)
    assert "scope" in policy.relations("gm", "demo", "employee", "create")


def _tree() -> tuple[OrgTree, dict[str, object]]:
    ids = {name: uuid4() for name in ("root", "div", "dept", "sub", "other")}
    links = [
        (ids["root"], None),
        (ids["div"], ids["root"]),
        (ids["dept"], ids["div"]),
        (ids["sub"], ids["dept"]),
        (ids["other"], ids["root"]),
    ]
    return OrgTree.from_links(links), ids


def test_scope_covers_the_subtree_only() -> None:
    tree, ids = _tree()
    me = uuid4()
    caller = Caller(me, uuid4(), "demo", ids["dept"], None, (("dept_manager", ids["dept"]),))
    authz = Authorizer(caller, REAL, tree)
    assert authz.check(EMPLOYEE_READ_PERSONAL, (ids["sub"], uuid4(), None))
    assert authz.check(EMPLOYEE_READ_PERSONAL, (ids["dept"], uuid4(), None))
    assert not authz.check(EMPLOYEE_READ_PERSONAL, (ids["div"], uuid4(), None))
    assert not authz.check(EMPLOYEE_READ_PERSONAL, (ids["other"], uuid4(), None))
    # direct reports elsewhere in the tree are visible through "team"
    assert authz.check(EMPLOYEE_READ_PERSONAL, (ids["other"], uuid4(), me))
    # the caller's own record through "self"
    assert authz.check(EMPLOYEE_READ_PERSONAL, (ids["other"], me, None))


def test_require_distinguishes_hidden_from_forbidden() -> None:
    tree, ids = _tree()
    caller = Caller(uuid4(), uuid4(), "demo", ids["dept"], None, ())
    authz = Authorizer(caller, REAL, tree)
    with pytest.raises(Forbidden):  # seen (the directory), not to be changed
        authz.require(EMPLOYEE_UPDATE, (ids["dept"], uuid4(), None))
    with pytest.raises(NotFound):  # someone else's roles are out of sight
        authz.require(ROLE_ASSIGNMENT_ASSIGN, (ids["dept"], uuid4(), None))
    with pytest.raises(Forbidden):  # company-level objects are never hidden, only refused
        authz.require(AUDIT_ENTRY_READ)
    authz.require(ROLE_ASSIGNMENT_READ, (ids["dept"], caller.employee_id, None))


def test_plan_self_is_the_callers_department_chain() -> None:
    """The plan resolver's "self": a plan covering one's department or one above it."""
    tree, ids = _tree()
    caller = Caller(uuid4(), uuid4(), "demo", ids["dept"], None, ())
    authz = Authorizer(caller, REAL, tree)
    assert authz.check(PLAN_READ_PUBLISHED, frozenset({ids["root"]}))
    assert authz.check(PLAN_READ_PUBLISHED, frozenset({ids["dept"], ids["other"]}))
    assert not authz.check(PLAN_READ_PUBLISHED, frozenset({ids["sub"]}))
    assert not authz.check(PLAN_READ, frozenset({ids["root"]}))
    assert authz.scope(PLAN_READ_PUBLISHED).own_departments == {
        ids["dept"],
        ids["div"],
        ids["root"],
    }


def test_typed_permissions_refuse_typos() -> None:
    with pytest.raises(ValueError, match="plan has no action 'aprove'"):
        Permission("plan", "aprove")
    with pytest.raises(ValueError, match="unknown object 'plans'"):
        Permission("plans", "approve")
    assert Permission("plan", "approve") == PLAN_APPROVE


def test_a_typo_in_a_permission_constant_fails_at_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """server/permissions.py with a misspelt constant does not even load."""
    source = (PROJECT_ROOT / "server" / "permissions.py").read_text()
    broken = tmp_path / "broken_permissions.py"
    broken.write_text(
        source.replace('Permission("plan", "approve")', 'Permission("plan", "aprove")')
    )
    spec = importlib.util.spec_from_file_location("broken_permissions", broken)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "broken_permissions", module)  # dataclasses look it up
    with pytest.raises(ValueError, match="aprove"):
        spec.loader.exec_module(module)


def test_every_object_type_has_a_relation_resolver() -> None:
    assert set(RESOLVERS) == set(OBJECT_ACTIONS)


def test_holders_name_the_roles_a_policy_lets_act() -> None:
    assert set(REAL.holders("demo", PLAN_APPROVE)) == {"hr_vp", "vp"}
    assert set(REAL.holders("demo", PLAN_APPROVE_COMPANY)) == {"gm"}
    assert set(REAL.holders("demo", PLAN_PROGRESS)) == {"gm", "hr_vp", "perf_admin"}
    assert REAL.holders("demo", PLAN_SUBMIT) == {"perf_admin": frozenset({"scope"})}


def test_decisions_are_memoized_per_policy() -> None:
    policy = CompiledPolicy.from_files(POLICIES, 1)
    first = policy.relations("gm", "demo", "employee", "read_personal")
    assert policy.relations("gm", "demo", "employee", "read_personal") is first
