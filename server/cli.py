"""The ``jixiao`` command: serve, load the demo, migrate the database, check policy files."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from server.access_log import hide_query_strings
from server.settings import Settings, SettingsError

# schema/app.py is the composition root; naming it by string keeps server/ free of schema/.
APP_FACTORY = "schema.app:create_app"


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    try:
        settings.validate()
        if args.demo:
            settings.refuse_demo()
    except SettingsError as exc:
        print(f"jixiao: {exc}", file=sys.stderr)
        return 2
    # Schema (and the demo, with a progress bar) before uvicorn starts serving.
    from server.migrator import MigrationError

    try:
        asyncio.run(_demo(settings, only_schema=not (args.demo or settings.demo)))
    except MigrationError as exc:
        print(f"jixiao: {exc}", file=sys.stderr)
        return 1
    print(f"Jixiao on http://{args.host}:{args.port}/graphql  (database: {settings.database_url})")
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=args.host,
        port=args.port,
        log_level=settings.log_level.lower(),
        proxy_headers=True,
    )
    return 0


async def _demo(settings: Settings, *, only_schema: bool = False) -> int:
    from rich.progress import Progress

    from server.db import open_database
    from server.demo.load import demo_size, load_demo

    db = await open_database(settings.database_url, migrate=settings.auto_migrate, progress=print)
    try:
        with db:
            if only_schema:
                return 0
            sizes = demo_size(history=True)
            with Progress(transient=False) as bar:
                task = bar.add_task("Loading demo companies", total=sum(sizes.values()))

                def advance(step: str, count: int) -> None:
                    bar.update(task, advance=count, description=f"Loading demo: {step}")

                created = await load_demo(advance, history=True)
                bar.update(task, completed=sum(sizes.values()), description="Demo companies ready")
        if created:
            print("Created demo companies:", ", ".join(created))
        else:
            print("Demo companies already present; nothing added.")
        return 0
    finally:
        await db.close_connections()


async def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    from server import migrator
    from server.db import connect, using

    if args.make or args.check:
        # Models against migration files: no database needed (CI runs --check).
        ctx = await connect("sqlite://:memory:")
        apps = ctx.apps
        assert apps is not None  # connect() initialises the models
        try:
            if args.make:
                paths = await migrator.make_migration(apps, "default", args.name)
                for path in paths:
                    print(f"Created {path}")
                if not paths:
                    print("No changes: the migrations describe the models.")
                return 0
            changes = await migrator.model_changes(apps, "default")
        finally:
            await ctx.close_connections()
        if changes:
            print("The models differ from the migrations in server/migrations/:", file=sys.stderr)
            for change in changes:
                print(f"  {change}", file=sys.stderr)
            print(
                "Write the migration: jixiao makemigrations --name <what_changed>", file=sys.stderr
            )
            return 1
        print(f"Models and migrations agree (latest: {migrator.latest()}).")
        return 0
    ctx = await connect(settings.database_url)
    try:
        with using(ctx):
            if args.list:
                done = await migrator.applied(ctx.db())
                for name in done:
                    print(f"[X] {name}")
                for name in await migrator.pending(ctx.db()):
                    print(f"[ ] {name}")
                return 0
            await migrator.migrate(ctx.db(), target=args.to, progress=print)
            return 0
    except migrator.MigrationError as exc:
        print(f"jixiao: {exc}", file=sys.stderr)
        return 1
    finally:
        await ctx.close_connections()


def _policy_check(path: str | None, settings: Settings) -> int:
    from server.authz import check_policy_files

    folder = Path(path) if path else settings.policy_dir
    problems = check_policy_files(folder)
    if problems:
        for problem in problems:
            print(
                f"{folder / problem.file}:{problem.line}: {problem.message}"
                if problem.line
                else f"{folder / problem.file}: {problem.message}"
            )
        print(f"{len(problems)} problem(s); the policy would be refused.", file=sys.stderr)
        return 1
    print(f"{folder}: policy OK")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="jixiao", description="Jixiao performance management server"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the GraphQL server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--demo", action="store_true", help="load the demo companies if absent")
    commands.add_parser("demo", help="load the demo companies into the configured database")
    migrate = commands.add_parser("migrate", help="bring the database schema to this release")
    migrate.add_argument("--to", metavar="MIGRATION", help="go to this migration (back or forth)")
    migrate.add_argument("--list", action="store_true", help="show applied and pending migrations")
    migrate.add_argument(
        "--check", action="store_true", help="exit 1 if the models differ from the migrations"
    )
    make = commands.add_parser("makemigrations", help="write the migration for model changes")
    make.add_argument("--name", help="what changed, e.g. add_plan_owner")
    make.set_defaults(check=False, list=False, to=None)
    policy = commands.add_parser("policy", help="policy file tools")
    policy_commands = policy.add_subparsers(dest="policy_command", required=True)
    check = policy_commands.add_parser("check", help="validate model.conf and policy.csv")
    check.add_argument("path", nargs="?", help="folder holding model.conf and policy.csv")
    args = parser.parse_args(argv)

    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"jixiao: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("casbin").setLevel(logging.WARNING)  # it logs the whole model at INFO
    hide_query_strings()  # GraphQL over GET: the document and variables are in the URL
    if args.command == "serve":
        return _serve(args, settings)
    if args.command == "demo":
        try:
            settings.refuse_demo()
        except SettingsError as exc:
            print(f"jixiao: {exc}", file=sys.stderr)
            return 2
        return asyncio.run(_demo(settings))
    if args.command in {"migrate", "makemigrations"}:
        args.make = args.command == "makemigrations"
        return asyncio.run(_migrate(args, settings))
    return _policy_check(args.path, settings)


if __name__ == "__main__":
    sys.exit(main())
