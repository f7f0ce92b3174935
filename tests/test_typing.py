"""mypy (with the strawberry plugin) over server/, schema/ and plugins/ is clean.

The configuration is pyproject.toml's [tool.mypy]; ``warn_unused_ignores`` makes a stale
``type: ignore`` an error too.
"""

from __future__ import annotations

import os
from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_is_clean() -> None:
    cwd = Path.cwd()
    os.chdir(ROOT)  # mypy reads pyproject.toml and resolves `files` from here
    try:
        stdout, stderr, status = api.run(["--no-error-summary", "--hide-error-context"])
    finally:
        os.chdir(cwd)
    assert status == 0, f"mypy found problems:\n{stdout}{stderr}"
