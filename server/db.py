"""Database lifecycle: one Tortoise context per app, entered for each request."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from tortoise.context import TortoiseContext, _current_context

from server import migrator
from server.migrator import Progress, apps_config


def ensure_sqlite_folder(database_url: str) -> None:
    """SQLite creates the file but not its folder (the default lives under ./var/)."""
    parsed = urlparse(database_url)
    if parsed.scheme == "sqlite" and database_url not in {"sqlite://:memory:"}:
        path = Path(database_url.removeprefix("sqlite://"))
        path.parent.mkdir(parents=True, exist_ok=True)


async def connect(database_url: str, *, connection_name: str = "default") -> TortoiseContext:
    """Connect without touching the schema (``jixiao migrate`` starts here).

    Tortoise caches prepared SQL per connection name, so a process that uses two database
    kinds one after the other (the test suite) gives each its own name.
    """
    ensure_sqlite_folder(database_url)
    ctx = TortoiseContext()
    with ctx:
        await ctx.init(
            config={
                "connections": {connection_name: database_url},
                "apps": apps_config(connection_name),
            },
            use_tz=True,
            timezone="UTC",
        )
    return ctx


async def open_database(
    database_url: str,
    *,
    migrate: bool = True,
    connection_name: str = "default",
    progress: Progress | None = None,
) -> TortoiseContext:
    """Connect, bring the schema to the code's (``migrate``) or refuse a database that is
    behind it, and return the context owning the connections.

    Several processes may start at once: ``server.migrator`` lets one of them migrate.
    """
    ctx = await connect(database_url, connection_name=connection_name)
    with using(ctx):
        try:
            if migrate:
                await migrator.migrate(ctx.db(), progress=progress)
            else:
                await migrator.require_current(ctx.db())
        except BaseException:
            await ctx.close_connections()
            raise
        if database_url.startswith("sqlite"):
            # SQLite keeps no planner statistics unless asked; without them it picks the
            # company index over primary keys and scans whole tenants.
            # WAL (Tortoise's default) with synchronous=NORMAL survives crashes of the app;
            # only a power cut can lose the last commits. A bigger page cache for syncs.
            await ctx.db().execute_script(
                "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; ANALYZE"
            )
    return ctx


async def database_reachable(ctx: TortoiseContext) -> bool:
    try:
        with using(ctx):
            await ctx.db().execute_query("SELECT 1")
    except Exception:  # any driver error means "not reachable" to the health check
        return False
    return True


@contextmanager
def using(ctx: TortoiseContext) -> Iterator[TortoiseContext]:
    """Make ``ctx`` current for this task only.

    ``with ctx:`` keeps its reset token on the shared context object, so two requests
    entering it at once reset each other's token; this keeps the token per call.
    """
    token = _current_context.set(ctx)
    try:
        yield ctx
    finally:
        _current_context.reset(token)
