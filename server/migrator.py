"""Schema migrations: tortoise's own, committed in ``server/migrations/``, applied under a lock.

``migrate`` brings a database to the code's schema (or to a named migration, either way),
``pending`` says what a database lacks, ``model_changes`` what the models have that the
migrations do not. A database made by ``generate_schemas`` before migrations existed is
adopted first (``server/migrator_adopt.py``).
"""

from __future__ import annotations

import asyncio
import inspect
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from tortoise.apps import Apps
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.migrations.autodetector import MigrationAutodetector
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget
from tortoise.migrations.graph import MigrationKey
from tortoise.migrations.writer import format_migration_name

from server.migration_editors import Executor
from server.migrator_adopt import adopt_legacy_database
from server.models import MODEL_MODULES

APP = "models"
MIGRATIONS_MODULE = "server.migrations"
# pg_advisory_lock key shared by every Jixiao process on one database ("JIXIAO" in ASCII).
LOCK_KEY = 0x4A495849414F

Progress = Callable[[str], object]


class MigrationError(RuntimeError):
    """The database cannot be brought to, or is not at, the schema this code expects."""


def apps_config(connection_name: str) -> dict[str, dict[str, Any]]:
    return {
        APP: {
            "models": MODEL_MODULES,
            "migrations": MIGRATIONS_MODULE,
            "default_connection": connection_name,
        }
    }


def _executor(client: BaseDBAsyncClient) -> MigrationExecutor:
    return Executor(client, apps_config(client.connection_name))


def _dialect(client: BaseDBAsyncClient) -> str:
    return str(client.capabilities.dialect)


@asynccontextmanager
async def migration_lock(client: BaseDBAsyncClient) -> AsyncIterator[None]:
    """One migrator at a time per database, across processes.

    PostgreSQL: a session advisory lock held on a connection of its own (not one of the
    pool's, which the migration itself needs). SQLite: an exclusive ``flock`` on a file
    beside the database; SQLite's own write lock is not enough, since two processes would
    both read "nothing applied" before either writes.
    """
    if _dialect(client) == "postgres":
        async with _postgres_lock(client):
            yield
    elif _dialect(client) == "sqlite":
        async with _file_lock(getattr(client, "filename", ":memory:")):
            yield
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        yield


@asynccontextmanager
async def _postgres_lock(client: Any) -> AsyncIterator[None]:
    import asyncpg

    accepted = inspect.signature(asyncpg.connect).parameters
    options = {k: v for k, v in client.extra.items() if k in accepted}
    connection = await asyncpg.connect(
        host=client.host,
        port=client.port,
        user=client.user,
        password=client.password,
        database=client.database,
        server_settings=client.server_settings,
        **options,
    )
    try:
        await connection.execute("SELECT pg_advisory_lock($1)", LOCK_KEY)
        try:
            yield
        finally:
            await connection.execute("SELECT pg_advisory_unlock($1)", LOCK_KEY)
    finally:
        await connection.close()


@asynccontextmanager
async def _file_lock(filename: str) -> AsyncIterator[None]:
    if filename == ":memory:" or filename.startswith("file::memory:"):
        yield  # private to this connection: nobody to race with
        return
    # flock blocks; in a thread, so the event loop (and other migrators) keep running.
    fd = await asyncio.to_thread(_locked_file, Path(f"{filename}.migrate-lock"))
    try:
        yield
    finally:
        os.close(fd)  # closing the file releases the lock


def _locked_file(path: Path) -> int:
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except BaseException:
        os.close(fd)
        raise
    return fd


async def migrate(
    client: BaseDBAsyncClient, *, target: str | None = None, progress: Progress | None = None
) -> list[str]:
    """Bring the database to ``target`` (a migration name or its number; default: the
    latest), forwards or backwards, under the migration lock. Returns the steps taken
    ("+0002_x" applied, "-0002_x" rolled back). Call it with ``client``'s context current.
    """
    say = progress or (lambda _line: None)
    async with migration_lock(client):
        executor = _executor(client)
        await executor.loader.build_graph()
        adopted = await adopt_legacy_database(executor, client)
        if adopted:
            say(f"Existing database without migration history: recorded {adopted} as applied")
        await _refuse_unknown(executor)
        targets = None if target is None else [_target(executor, target)]
        steps = await executor.plan(targets)
        if not steps:
            say("Database schema is up to date")
            return []

        def report(event: str, _app: str, name: str) -> None:
            if event == "apply_start":
                say(f"Applying {name} ...")
            elif event == "rollback_start":
                say(f"Rolling back {name} ...")

        await executor.migrate(targets, progress=report)
        done = [f"{'-' if s.backward else '+'}{s.migration.name}" for s in steps]
        say(f"Done: {len(done)} migration(s)")
        return done


def _target(executor: MigrationExecutor, name: str) -> MigrationTarget:
    names = sorted(k.name for k in executor.loader.graph.nodes if k.app_label == APP)
    matches = [n for n in names if n == name] or [n for n in names if n.startswith(name)]
    if len(matches) != 1:
        raise MigrationError(f"no single migration named {name!r}; known: {', '.join(names)}")
    return MigrationTarget(app_label=APP, name=matches[0])


async def _refuse_unknown(executor: MigrationExecutor) -> None:
    unknown = sorted(
        key.name
        for key in await executor.recorder.applied_migrations()
        if key not in executor.loader.graph.nodes
    )
    if unknown:
        raise MigrationError(
            "the database has migrations this code does not know: "
            + ", ".join(unknown)
            + ". It was upgraded by a newer release: run that release, or restore the backup "
            "taken before the upgrade (docs/operations.md)."
        )


async def pending(client: BaseDBAsyncClient) -> list[str]:
    """Migrations the database lacks, in order (all of them for an unmigrated database)."""
    executor = _executor(client)
    await executor.loader.build_graph()
    await _refuse_unknown(executor)
    return [step.migration.name for step in await executor.plan() if not step.backward]


async def applied(client: BaseDBAsyncClient) -> list[str]:
    executor = _executor(client)
    return [key.name for key in await executor.recorder.applied_migrations()]


async def require_current(client: BaseDBAsyncClient) -> None:
    """For ``JIXIAO_AUTO_MIGRATE=false``: refuse a database that is behind the code."""
    missing = await pending(client)
    if missing:
        raise MigrationError(
            f"the database lacks {len(missing)} migration(s): {', '.join(missing)}. "
            "Back it up, then run `jixiao migrate` (or start with JIXIAO_AUTO_MIGRATE=true)."
        )


async def model_changes(apps: Apps, connection_name: str) -> list[str]:
    """What the models differ from the migrations by, one line per operation a new
    migration would hold; empty when they agree. Needs no database."""
    detector = MigrationAutodetector(apps, apps_config(connection_name))
    return [op.describe() for writer in await detector.changes() for op in writer.operations]


async def make_migration(apps: Apps, connection_name: str, name: str | None) -> list[Path]:
    """Write the migration for the models' changes (``jixiao makemigrations``)."""
    detector = MigrationAutodetector(apps, apps_config(connection_name))
    written: list[Path] = []
    for writer in await detector.changes():
        if name:
            number = int(writer.name.split("_", 1)[0])
            writer.name = format_migration_name(number, name)
        written.append(writer.write())
    return written


def names() -> list[str]:
    """The migrations' names, in order, from the files (no database)."""
    from tortoise.migrations.writer import migrations_module_path

    folder = migrations_module_path(MIGRATIONS_MODULE)
    return sorted(p.stem for p in folder.glob("[0-9]*.py"))


def latest() -> str:
    return names()[-1]


def step_key(name: str) -> MigrationKey:
    return MigrationKey(app_label=APP, name=name)
