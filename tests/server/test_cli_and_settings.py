"""The command line, the settings rules for production, and the health check."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from tortoise.context import TortoiseContext

from schema.app import create_app
from server.runtime import Runtime
from server.services.auth import AuthService
from server.settings import DEFAULT_SECRET, PROJECT_ROOT, Settings, SettingsError

JIXIAO = [sys.executable, "-m", "server.cli"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*JIXIAO, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        cwd=PROJECT_ROOT,
    )


def test_policy_check_accepts_the_shipped_files() -> None:
    result = run("policy", "check")
    assert result.returncode == 0, result.stderr
    assert "policy OK" in result.stdout


def test_policy_check_reports_line_numbers(tmp_path: Path) -> None:
    shutil.copy(PROJECT_ROOT / "policies" / "model.conf", tmp_path / "model.conf")
    (tmp_path / "policy.csv").write_text(
        "# comment\np, gm, *, employee, read, company\np, gm, *, rocket, fly, scope\n"
    )
    result = run("policy", "check", str(tmp_path))
    assert result.returncode == 1
    assert f"{tmp_path / 'policy.csv'}:3: unknown object 'rocket'" in result.stdout


def test_production_refuses_the_default_secret(tmp_path: Path) -> None:
    result = run(
        "serve",
        env={"JIXIAO_ENV": "production", "JIXIAO_DATABASE_URL": f"sqlite://{tmp_path}/x.db"},
    )
    assert result.returncode == 2
    assert "JIXIAO_SECRET_KEY" in result.stderr
    with pytest.raises(SettingsError):
        Settings(env="production", secret_key=DEFAULT_SECRET).validate()
    with pytest.raises(SettingsError):
        Settings(env="production", secret_key="short").validate()
    Settings(env="production", secret_key="x" * 40).validate()


def test_settings_from_environment() -> None:
    settings = Settings.from_env(
        {
            "JIXIAO_DATABASE_URL": "postgres://u@h/db",
            "JIXIAO_ENV": "Production",
            "JIXIAO_ACCESS_TOKEN_MINUTES": "5",
            "JIXIAO_DEMO": "yes",
        }
    )
    assert settings.database_url == "postgres://u@h/db" and settings.production
    assert settings.access_token_minutes == 5 and settings.demo
    with pytest.raises(SettingsError, match="JIXIAO_ACCESS_TOKEN_MINUTES"):
        Settings.from_env({"JIXIAO_ACCESS_TOKEN_MINUTES": "soon"})


def test_demo_command_is_idempotent(tmp_path: Path) -> None:
    env = {"JIXIAO_DATABASE_URL": f"sqlite://{tmp_path}/demo.sqlite3"}
    first = run("demo", env=env)
    assert first.returncode == 0, first.stderr
    assert "Created demo companies: demo, case" in first.stdout
    second = run("demo", env=env)
    assert "already present; nothing added" in second.stdout


async def client_for(runtime: Runtime) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(runtime=runtime)), base_url="http://t"
    )


async def test_healthz_ok_and_unavailable(api) -> None:
    ok = await api.client.get("/healthz")
    assert ok.status_code == 200 and ok.json()["database"] is True
    broken = replace(api.runtime, db=TortoiseContext())  # a context with no database behind it
    async with await client_for(broken) as client:
        down = await client.get("/healthz")
    assert down.status_code == 503 and down.json() == {
        "status": "unavailable",
        "database": False,
        "policyVersion": api.runtime.policies.current.version,
    }


async def test_production_turns_off_graphiql_introspection_and_suggestions(api) -> None:
    settings = replace(api.runtime.settings, env="production", secret_key="p" * 40)
    prod = replace(api.runtime, settings=settings, auth=AuthService(settings))
    async with await client_for(prod) as client:
        page = await client.get("/graphql", headers={"Accept": "text/html"})
        assert "graphiql" not in page.text.lower()
        intro = await client.post("/graphql", json={"query": "{ __schema { types { name } } }"})
        assert intro.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        typo = await client.post("/graphql", json={"query": "{ mee { id } }"})
        assert "Did you mean" not in typo.json()["errors"][0]["message"]
        asset = await client.get("/graphiql/assets/graphiql.min.js")
        assert asset.status_code == 404


PRODUCTION = {"JIXIAO_ENV": "production", "JIXIAO_SECRET_KEY": "s" * 48}


@pytest.mark.parametrize(
    ("argv", "extra"),
    [(["demo"], {}), (["serve", "--demo"], {}), (["serve"], {"JIXIAO_DEMO": "true"})],
    ids=["demo command", "serve --demo", "JIXIAO_DEMO"],
)
def test_the_demo_is_refused_in_production(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    argv: list[str],
    extra: dict[str, str],
) -> None:
    from server import cli

    database = tmp_path / "prod.sqlite3"
    for name, value in {
        **PRODUCTION,
        "JIXIAO_DATABASE_URL": f"sqlite://{database}",
        **extra,
    }.items():
        monkeypatch.setenv(name, value)
    assert cli.main(argv) == 2
    assert "published password" in capsys.readouterr().err
    assert not database.exists()  # refused before the database was even opened
    with pytest.raises(SettingsError, match="published password"):
        Settings.from_env({**PRODUCTION, "JIXIAO_DEMO": "1"}).validate()


def test_an_unknown_environment_name_is_an_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from server import cli

    for typo in ("prod", "Produktion", "dev", "staging", ""):
        with pytest.raises(SettingsError, match="development, production") as refused:
            Settings.from_env({"JIXIAO_ENV": typo})
        assert repr(typo) in str(refused.value)
    with pytest.raises(SettingsError, match="JIXIAO_ENV"):
        Settings(env="prod").validate()
    assert Settings.from_env({"JIXIAO_ENV": " Development "}).env == "development"
    assert Settings.from_env({}).env == "development"
    monkeypatch.setenv("JIXIAO_ENV", "prod")
    assert cli.main(["policy", "check"]) == 2
    assert "JIXIAO_ENV must be one of development, production; got 'prod'" in (
        capsys.readouterr().err
    )
