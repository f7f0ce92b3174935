"""The ``jixiao`` command: serve, load the demo, check policy files."""

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
    asyncio.run(_demo(settings, only_schema=not (args.demo or settings.demo)))
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

    db = await open_database(settings.database_url)
    try:
        with db:
            if only_schema:
                return 0
            sizes = demo_size()
            with Progress(transient=False) as bar:
                task = bar.add_task("Loading demo companies", total=sum(sizes.values()))

                def advance(step: str, count: int) -> None:
                    bar.update(task, advance=count, description=f"Loading demo: {step}")

                created = await load_demo(advance)
                bar.update(task, completed=sum(sizes.values()), description="Demo companies ready")
        if created:
            print("Created demo companies:", ", ".join(created))
        else:
            print("Demo companies already present; nothing added.")
        return 0
    finally:
        await db.close_connections()


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
    return _policy_check(args.path, settings)


if __name__ == "__main__":
    sys.exit(main())
