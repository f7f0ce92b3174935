"""Claims the docs make about the code, checked against the code so they stay true."""

from __future__ import annotations

import re
from pathlib import Path

from server.sync.engine import BATCH
from server.vocabulary import OBJECT_ACTIONS

ROOT = Path(__file__).resolve().parents[1]


def _read(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def test_policy_guide_lists_every_object_and_action() -> None:
    rows = re.findall(r"^\| `(\w+)` \| ((?:`\w+`(?:, )?)+) \|$", _read("docs/policies.md"), re.M)
    documented = {obj: set(re.findall(r"`(\w+)`", actions)) for obj, actions in rows}
    assert documented == {obj: set(actions) for obj, actions in OBJECT_ACTIONS.items()}


def test_readme_configuration_table_matches_the_settings() -> None:
    readme = set(re.findall(r"^\| `JIXIAO_(\w+)` \|", _read("README.md"), re.M))
    source = _read("server/settings.py")
    read_by_code = set(re.findall(r"""(?:get|integer|number|_bool|flag)\(\s*"(\w+)\"""", source))
    read_by_code = {name.removeprefix("JIXIAO_") for name in read_by_code}
    read_by_code |= set(re.findall(r"JIXIAO_(\w+)", source))
    # The test suite's own variable is read by tests/conftest.py, not by the server.
    readme.discard("TEST_POSTGRES_URL")
    assert readme, "README has no configuration table"
    assert readme - read_by_code == set(), "README documents variables the code never reads"
    assert read_by_code - readme == set(), "variables the code reads that README does not list"


def test_connector_guide_states_the_real_batch_size() -> None:
    sizes = re.findall(r"batches of ([\d,]+)", _read("docs/connectors.md"))
    assert sizes and all(int(s.replace(",", "")) == BATCH for s in sizes)
