"""Loading plugins: built-ins, installed distributions, allow-lists, and broken plugins."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

from plugins import hookspecs
from plugins.manager import DEFAULT_PLUGINS, await_me_maybe, load_plugins

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "plugins" / "examples" / "jixiao-connector-helpdesk"


def test_every_hook_is_documented_with_its_exact_signature() -> None:
    docs = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
    hooks = [
        f
        for name, f in inspect.getmembers(hookspecs, inspect.isfunction)
        if name.startswith("jixiao_")
    ]
    assert len(hooks) >= 3
    for hook in hooks:
        signature = str(inspect.signature(hook)).replace("'", "")
        assert f"## {hook.__name__}" in docs, hook.__name__
        assert f"def {hook.__name__}{signature}" in re.sub(r"\s+", " ", docs), hook.__name__
        assert hook.__doc__ and ("firstresult" in hook.__doc__.lower()), hook.__name__


def test_builtins_load_without_failures() -> None:
    plugins = load_plugins()
    assert plugins.failures == []
    assert {"wecom_checkin", "timeclock_file", "rest_sales", "rest_production", "erpnext"} <= set(
        plugins.connectors
    )
    assert set(plugins.sources.values()) <= set(DEFAULT_PLUGINS) | {"helpdesk"}


def test_allow_list_limits_plugins() -> None:
    plugins = load_plugins(["rest"])
    assert set(plugins.connectors) == {"rest_sales", "rest_production"}


@pytest.fixture
def site(tmp_path, monkeypatch) -> Path:
    """A private site folder on sys.path, where test distributions are installed."""
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def fake_distribution(site: Path, name: str, module: str, source: str) -> None:
    (site / f"{module}.py").write_text(source)
    info = site / f"{name}-0.0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.0.1\n")
    (info / "entry_points.txt").write_text(f"[jixiao]\n{name} = {module}\n")


def test_broken_plugins_are_reported_and_isolated(site: Path) -> None:
    fake_distribution(
        site, "crashy", "jixiao_crashy_plugin", "raise ImportError('missing dependency foo')\n"
    )
    broken = (ROOT / "tests" / "plugins" / "sample_broken.py").read_text()
    fake_distribution(site, "raiser", "jixiao_raiser_plugin", broken)
    plugins = load_plugins()
    failures = {(f.plugin, f.stage): f.message for f in plugins.failures}
    assert failures == {
        ("crashy", "import"): "ImportError: missing dependency foo",
        ("raiser", "register"): "RuntimeError: this plugin is broken on purpose",
    }
    assert "rest_sales" in plugins.connectors  # the others are unaffected


def test_installing_the_example_distribution_makes_it_appear(site: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(site),
            str(EXAMPLE),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    plugins = load_plugins()
    assert plugins.connectors["helpdesk"].__module__ == "jixiao_connector_helpdesk"
    assert plugins.sources["helpdesk"] == "helpdesk"
    assert [m.key for m in plugins.connectors["helpdesk"].metrics] == [
        "service.first_reply_minutes",
        "service.satisfaction",
        "service.tickets_closed",
    ]


async def test_await_me_maybe() -> None:
    async def later() -> int:
        return 2

    assert await await_me_maybe(1) == 1
    assert await await_me_maybe(later()) == 2
    assert await await_me_maybe(lambda: later()) == 2
