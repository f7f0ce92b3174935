"""Schema migrations: models and migrations agree, the migrated schema is the models' schema,
concurrent starts migrate once, upgrades keep every row, old databases are adopted, and the
database can be rolled back. Each test runs on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from tortoise.backends.base.client import BaseDBAsyncClient

from schema.app import create_app
from schema.ids import decode
from server import migrator
from server.db import open_database, using
from server.demo.load import DEMO_PASSWORD
from server.migration_editors import Executor
from server.migrator import MigrationError, apps_config, model_changes
from server.migrator_adopt import database_tables, schema_after_each_migration
from server.models import Employee, Indicator, MetricFact, Plan, Template
from server.models.fields import from_units
from server.plans.templates import SEEDS
from server.runtime import start_runtime
from server.settings import PROJECT_ROOT, Settings
from tests.schema.plans.planning import COMMENT, step
from tests.schema.plans.planning import create as create_plan
from tests.server.migration_support import (
    FreshDatabases,
    copy_rows,
    current,
    describe_schema,
    foreign_keys,
    rows_by_key,
)


async def test_models_and_migrations_agree(api) -> None:
    # The same comparison as `jixiao migrate --check`: a model change needs a migration.
    assert await model_changes(api.runtime.db.apps, api.backend) == []


async def test_migrated_schema_is_the_schema_the_models_describe(api, fresh) -> None:
    migrated = await fresh.connect(await fresh.url())
    generated = await fresh.connect(await fresh.url())
    async with current(migrated) as client:
        await migrator.migrate(client)
        by_migrations = await describe_schema(client)
    async with current(generated) as client:
        await generated.generate_schemas(safe=True)
        by_models = await describe_schema(client)
    assert set(by_migrations) == set(by_models)
    for table in by_models:
        assert by_migrations[table] == by_models[table], table


async def test_concurrent_starts_migrate_exactly_once(api, fresh) -> None:
    url = await fresh.url()
    said: list[list[str]] = [[] for _ in range(4)]
    contexts = await asyncio.gather(
        *(open_database(url, connection_name=api.backend, progress=lines.append) for lines in said)
    )
    fresh.contexts.extend(contexts)
    applying = Counter(line for lines in said for line in lines if line.startswith("Applying"))
    assert applying == Counter({f"Applying {name} ...": 1 for name in migrator.names()})
    async with current(contexts[0]) as client:
        _, rows = await client.execute_query(
            "SELECT name, COUNT(*) AS n FROM tortoise_migrations GROUP BY name"
        )
        assert {row["name"]: row["n"] for row in rows} == dict.fromkeys(migrator.names(), 1)
        assert await migrator.pending(client) == []


async def _at_first_migration(fresh: FreshDatabases, api) -> tuple[str, dict, dict]:
    """A database at 0001 holding a copy of the session's data (the demo companies and
    whatever earlier tests made), limited to the tables and columns 0001 has."""
    url = await fresh.url()
    ctx = await fresh.connect(url)
    async with current(ctx) as client:
        assert await migrator.migrate(client, target="0001") == ["+0001_initial"]
        executor = Executor(client, apps_config(api.backend))
        await executor.loader.build_graph()
        (_first, tables), *_ = await schema_after_each_migration(executor)
        # Columns 0005 made scaled integers are written in 0001's decimal form.
        decimal_form = {column: _decimal_form(places) for column, places in SCALED.items()}
        references = await foreign_keys(client)
        await copy_rows(api.runtime.db.db(), client, tables, references, decimal_form)
        keys = {t: ("id",) if "id" in cols else tuple(sorted(cols)) for t, cols in tables.items()}
        before = {t: await rows_by_key(client, t, key) for t, key in keys.items()}
    assert len(before["company"]) >= 2 and len(before["employee"]) > 300
    return url, keys, before


SCALED = {("metric_fact", "value"): 6, ("indicator", "weight"): 4, ("indicator", "target"): 6}
PLAN_CHILDREN = ("plan_version", "indicator", "plan_approval", "plan_transition", "plan_comment")


def _decimal_form(places: int) -> Callable[[Any], Decimal | None]:
    return lambda units: None if units is None else from_units(units, places)


async def _decimals(client: BaseDBAsyncClient, *, scaled: bool) -> dict[str, Decimal | None]:
    """Every value of the SCALED columns by table, column and row id, as Decimals."""
    found: dict[str, Decimal | None] = {}
    for (table, column), places in SCALED.items():
        _, rows = await client.execute_query(f'SELECT id, "{column}" AS v FROM "{table}"')
        for row in rows:
            raw = row["v"]
            value = None if raw is None else Decimal(str(raw))
            if scaled and raw is not None:
                value = from_units(raw, places)
            found[f"{table}.{column}.{row['id']}"] = value
    return found


async def _plan_and_facts(api, make_company) -> None:
    """In the session's database: a plan with its rows of every kind, made through the API,
    more indicators, and metric facts, with values that text or floats get wrong."""
    sandbox = await make_company()
    plan = await create_plan(api, sandbox)
    assert "errors" not in await step(api, plan["id"], "SUBMIT", sandbox.user("perf"))
    said = await api.gql(COMMENT, {"id": plan["id"], "b": "ok"}, as_user=sandbox.user("perf"))
    assert "errors" not in said, said
    values = ["0.1", "0.000001", "-0.000001", "12345678.123456", "-9", "10", "100", "0"]
    weights = ["0.0001", "33.3333", "12.5", "100", "1", "0.5", "7.0007", "2"]
    with using(api.runtime.db):
        owner = await Plan.get(id=decode(plan["id"], "Plan"))
        person = await Employee.filter(company_id=sandbox.company_id).first()
        assert person is not None
        for n, (value, weight) in enumerate(zip(values, weights, strict=True)):
            await MetricFact.create(
                company_id=sandbox.company_id,
                employee_id=person.id,
                metric="t.upgrade",
                period_start=date(2026, 12, 1),
                period_end=date(2026, 12, 31),
                value=Decimal(value),
                source="test",
                source_id=f"r{n}",
            )
            await Indicator.create(
                plan_id=owner.id,
                company_id=owner.company_id,
                version=99,
                key=f"k{n}",
                name=f"i{n}",
                weight=Decimal(weight),
                target=None if value == "0" else Decimal(value),
            )


def _settings(api, url: str, *, auto_migrate: bool = True) -> Settings:
    return Settings(
        database_url=url,
        policy_dir=api.runtime.settings.policy_dir,
        policy_watch_seconds=0,
        auto_migrate=auto_migrate,
    )


@pytest.mark.parametrize("history", ["migrated", "generate_schemas"])
async def test_upgrade_from_the_first_migration_keeps_every_row(
    api, fresh, make_company, history
) -> None:
    await _plan_and_facts(api, make_company)
    url, keys, before = await _at_first_migration(fresh, api)
    async with current(fresh.contexts[-1]) as client:
        decimals = await _decimals(client, scaled=False)
        if history == "generate_schemas":
            # A database made by release 44e3236 has the 0001 tables and no migration history.
            await client.execute_script("DROP TABLE tortoise_migrations")
    with using(api.runtime.db):
        shipped = dict(await Template.all().values_list("id", "seed_key"))
        people = await rows_by_key(api.runtime.db.db(), "employee", ("username", "name"))

    # The real server starting on it: migrates (adopting the old database), then seeds.
    runtime = await start_runtime(
        _settings(api, url), watch_policies=False, connection_name=api.backend
    )
    try:
        with using(runtime.db):
            client = runtime.db.db()
            assert await migrator.applied(client) == migrator.names()
            for table, key in keys.items():
                assert await rows_by_key(client, table, key) == before[table], table
            assert await rows_by_key(client, "employee", ("username", "name")) == people
            # 0005 stored every decimal as scaled units, each the same amount as before, and
            # gave every plan row its plan's company.
            assert await _decimals(client, scaled=True) == decimals
            assert len(decimals) >= 28 and None in decimals.values()
            for table in PLAN_CHILDREN:
                _, rows = await client.execute_query(
                    f'SELECT count(*) AS n FROM "{table}" c JOIN plan p ON p.id = c.plan_id '
                    "WHERE c.company_id = p.company_id"
                )
                assert rows[0]["n"] == len(before[table]) > 0, table
            # 0002's data step gave the templates seeded before keys existed their key, so
            # start-up seeding added no second copy.
            assert dict(await Template.all().values_list("id", "seed_key")) == shipped

        app = create_app(runtime=runtime)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test"
        ) as http:
            login = await http.post(
                "/graphql",
                json={
                    "query": 'mutation($p: String!) { login(username: "gm@demo", password: $p) { accessToken } }',
                    "variables": {"p": DEMO_PASSWORD},
                },
            )
            token = login.json()["data"]["login"]["accessToken"]
            answer = await http.post(
                "/graphql",
                json={"query": "{ templates { name } }"},
                headers={"Authorization": f"Bearer {token}"},
            )
        names = Counter(t["name"] for t in answer.json()["data"]["templates"])
        assert names == Counter({seed["name"]: 1 for seed in SEEDS})
    finally:
        await runtime.close()


async def test_rolling_back_the_decimal_columns_keeps_every_amount(
    api, fresh, make_company
) -> None:
    await _plan_and_facts(api, make_company)
    await _at_first_migration(fresh, api)
    async with current(fresh.contexts[-1]) as client:
        decimals = await _decimals(client, scaled=False)
        await migrator.migrate(client)
        assert await _decimals(client, scaled=True) == decimals
        assert (await migrator.migrate(client, target="0004"))[-1] == "-0005_exact_decimals"
        assert await _decimals(client, scaled=False) == decimals


async def test_without_auto_migrate_a_database_behind_is_refused(api, fresh) -> None:
    url = await fresh.url()
    async with current(await fresh.connect(url)) as client:
        await migrator.migrate(client, target="0001_initial")
    with pytest.raises(MigrationError, match="jixiao migrate") as refused:
        await start_runtime(
            _settings(api, url, auto_migrate=False),
            watch_policies=False,
            connection_name=api.backend,
        )
    assert "0002_defects_round" in str(refused.value)


async def test_a_database_made_by_the_defects_round_is_adopted_at_0002(api, fresh) -> None:
    # Release 60ecc80 built its tables with generate_schemas: the 0002 schema, no history.
    async with current(await fresh.connect(await fresh.url())) as client:
        await migrator.migrate(client, target="0002")
        await client.execute_script("DROP TABLE tortoise_migrations")
        said: list[str] = []
        await migrator.migrate(client, progress=said.append)
        assert said[0].endswith("recorded 0002_defects_round as applied")
        assert "Applying 0001_initial ..." not in said
        assert "Applying 0002_defects_round ..." not in said
        assert await migrator.applied(client) == migrator.names()


async def test_an_unmigrated_database_matching_no_migration_is_refused(api, fresh) -> None:
    # Release 60ecc80 started on a 44e3236 database created retired_refresh_token and then
    # failed; such a database matches neither 0001 nor 0002, and migrate says why.
    async with current(await fresh.connect(await fresh.url())) as client:
        await migrator.migrate(client, target="0001")
        await client.execute_script(
            'DROP TABLE tortoise_migrations; CREATE TABLE retired_refresh_token ("id" CHAR(36))'
        )
        with pytest.raises(MigrationError, match="unexpected table retired_refresh_token"):
            await migrator.migrate(client)


async def test_roll_back_to_the_first_migration_and_forward_again(api, fresh) -> None:
    async with current(await fresh.connect(await fresh.url())) as client:
        await migrator.migrate(client)
        executor = Executor(client, apps_config(api.backend))
        await executor.loader.build_graph()
        states = dict(await schema_after_each_migration(executor))
        back = await migrator.migrate(client, target="0001")
        assert back == [f"-{name}" for name in reversed(migrator.names()[1:])]
        assert await migrator.applied(client) == ["0001_initial"]
        present = await database_tables(client)
        first = states[migrator.step_key("0001_initial")]
        assert {t: c for t, c in present.items() if t != "tortoise_migrations"} == first
        assert await migrator.migrate(client) == [f"+{name}" for name in migrator.names()[1:]]
        assert await migrator.pending(client) == []


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        cwd=PROJECT_ROOT,
    )


def test_migrate_check_passes_when_models_and_migrations_agree() -> None:
    result = run("migrate", "--check")
    assert result.returncode == 0, result.stderr
    assert f"Models and migrations agree (latest: {migrator.names()[-1]})" in result.stdout


def test_migrate_check_names_what_differs_and_makemigrations_writes_it(tmp_path: Path) -> None:
    # The models against a migrations package that stops at 0001, as after a model change.
    package = tmp_path / "stale_migrations"
    package.mkdir()
    (package / "__init__.py").write_text("")
    shutil.copy(PROJECT_ROOT / "server" / "migrations" / "0001_initial.py", package)
    env = {"PYTHONPATH": os.pathsep.join([str(tmp_path), str(PROJECT_ROOT)])}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        code = (
            "import sys; import server.migrator as m; m.MIGRATIONS_MODULE = 'stale_migrations'; "
            f"from server.cli import main; sys.exit(main({list(args)!r}))"
        )
        return subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, **env},
            cwd=PROJECT_ROOT,
        )

    check = cli("migrate", "--check")
    assert check.returncode == 1, check.stdout + check.stderr
    assert "Create model RetiredRefreshToken" in check.stderr
    assert "seed_key" in check.stderr and "active_config_id" in check.stderr
    assert "jixiao makemigrations" in check.stderr
    made = cli("makemigrations", "--name", "catch up")
    assert made.returncode == 0, made.stderr
    assert (package / "0002_catch_up.py").exists()
    again = cli("migrate", "--check")
    assert again.returncode == 0, again.stderr


def test_migrate_command_goes_step_by_step_and_serve_refuses_a_database_behind(
    tmp_path: Path,
) -> None:
    env = {"JIXIAO_DATABASE_URL": f"sqlite://{tmp_path / 'jixiao.sqlite3'}"}
    first = run("migrate", "--to", "0001", env=env)
    assert first.returncode == 0, first.stderr
    assert "Applying 0001_initial" in first.stdout
    listed = run("migrate", "--list", env=env)
    assert "[X] 0001_initial" in listed.stdout and "[ ] 0002_defects_round" in listed.stdout
    refused = run("serve", env={**env, "JIXIAO_AUTO_MIGRATE": "false"})
    assert refused.returncode == 1
    assert "lacks" in refused.stderr and "jixiao migrate" in refused.stderr
    rest = run("migrate", env=env)
    assert rest.returncode == 0, rest.stderr
    assert "Applying 0002_defects_round" in rest.stdout
    assert "up to date" in run("migrate", env=env).stdout


def test_auto_migrate_setting() -> None:
    assert Settings.from_env({}).auto_migrate is True
    assert Settings.from_env({"JIXIAO_AUTO_MIGRATE": "false"}).auto_migrate is False
