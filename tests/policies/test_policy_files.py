"""The real policy files, decision by decision, and how broken files are refused."""

from __future__ import annotations

import shutil
from pathlib import Path
from uuid import uuid4

import pytest

from server.authz import (
    Authorizer,
    Caller,
    CompiledPolicy,
    OrgTree,
    PolicyError,
    PolicyStore,
    check_policy_files,
)
from server.errors import Forbidden, NotFound
from server.settings import PROJECT_ROOT

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
    assert authz.can("employee", "read_personal", ids["sub"], uuid4(), None)
    assert authz.can("employee", "read_personal", ids["dept"], uuid4(), None)
    assert not authz.can("employee", "read_personal", ids["div"], uuid4(), None)
    assert not authz.can("employee", "read_personal", ids["other"], uuid4(), None)
    # direct reports elsewhere in the tree are visible through "team"
    assert authz.can("employee", "read_personal", ids["other"], uuid4(), me)
    # the caller's own record through "self"
    assert authz.can("employee", "read_personal", ids["other"], me, None)


def test_require_distinguishes_hidden_from_forbidden() -> None:
    tree, ids = _tree()
    caller = Caller(uuid4(), uuid4(), "demo", ids["dept"], None, ())
    authz = Authorizer(caller, REAL, tree)
    with pytest.raises(Forbidden):
        authz.require("employee", "update", ids["dept"], uuid4(), None)
    with pytest.raises(NotFound):
        authz.require("audit_entry", "read", ids["dept"])


def test_decisions_are_memoized_per_policy() -> None:
    policy = CompiledPolicy.from_files(POLICIES, 1)
    first = policy.relations("gm", "demo", "employee", "read_personal")
    assert policy.relations("gm", "demo", "employee", "read_personal") is first
