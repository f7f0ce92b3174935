"""The layering and house rules, checked on every run."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("server", "schema", "plugins")


def python_files(package: str) -> list[Path]:
    return [p for p in (ROOT / package).rglob("*.py") if "build" not in p.parts]


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_server_never_imports_schema_and_plugins_import_neither() -> None:
    offenders = [
        str(p.relative_to(ROOT)) for p in python_files("server") if "schema" in imported_roots(p)
    ]
    offenders += [
        str(p.relative_to(ROOT))
        for p in python_files("plugins")
        if imported_roots(p) & {"schema", "server"}
    ]
    assert offenders == []


def test_only_authz_talks_to_casbin() -> None:
    users = [
        str(p.relative_to(ROOT))
        for package in PACKAGES
        for p in python_files(package)
        if "casbin" in imported_roots(p)
    ]
    assert users == ["server/authz.py"]


def test_no_file_over_400_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for package in (*PACKAGES, "tests", "bench")
        if (ROOT / package).is_dir()
        for p in (ROOT / package).rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}


def test_ruff_is_clean() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--output-format",
            "concise",
            *(d for d in (*PACKAGES, "tests", "bench") if (ROOT / d).is_dir()),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [line for line in readme.splitlines() if line.startswith("python3 -m venv .venv")]
    test_command = next(c for c in commands if "pytest" in c)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci
