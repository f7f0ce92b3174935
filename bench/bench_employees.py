"""Benchmark: ``employees(first: 100)`` on a 10,000-person tenant, through the real ASGI app.

Run from the project root (see bench/README.md):

    .venv/bin/python -m bench.bench_employees [--backend sqlite|postgres] [--requests N]

It builds a fresh database (a temporary SQLite file, or a PostgreSQL database it creates and
drops), loads the demo companies plus a scaled tenant, signs in as several roles and reports
latency, SQL statements per request, authorization time, and the bare-strawberry ceiling.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import os
import platform
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from schema.app import create_app
from server.db import using
from server.demo.load import DEMO_PASSWORD, load_demo
from server.runtime import Runtime, start_runtime
from server.services.auth import hash_password
from server.settings import Settings

try:
    from bench.bench_ceiling import ceiling_app
    from bench.bench_instruments import AuthzTimer, SqlCounter, wrapper_overhead_us
    from bench.bench_report import Case, brief, report
    from bench.bench_scale_data import build_scale_org, load_scale_org
except ImportError:  # run as a script: bench/ itself is on sys.path
    from bench_ceiling import ceiling_app
    from bench_instruments import AuthzTimer, SqlCounter, wrapper_overhead_us
    from bench_report import Case, brief, report
    from bench_scale_data import build_scale_org, load_scale_org

POSTGRES_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
ROLES = ("gm", "vp", "dept_manager", "employee")
QUERY = """query Bench($first: Int!) {
  employees(first: $first) {
    edges { node { id name title phone
      department { name manager { name } supervisor { name } }
      manager { name } } }
    pageInfo { endCursor hasNextPage }
  }
}"""
LOGIN = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }"


# --------------------------------------------------------------------------- measuring
async def post(client: httpx.AsyncClient, first: int, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = {"query": QUERY, "variables": {"first": first}}
    return await client.post("/graphql", json=body, headers=headers)


def check(response: httpx.Response, first: int) -> None:
    payload = response.json()
    if response.status_code != 200 or "errors" in payload:
        raise SystemExit(f"benchmark query failed: {response.status_code} {response.text[:500]}")
    edges = payload["data"]["employees"]["edges"]
    if len(edges) != first or any(e["node"]["department"] is None for e in edges):
        raise SystemExit(f"expected {first} employees with departments, got {len(edges)}")


def requester(client: httpx.AsyncClient, token: str | None) -> Callable[[], Awaitable[None]]:
    async def one() -> None:
        response = await post(client, 100, token)
        if response.status_code != 200 or b'"errors"' in response.content:
            check(response, 100)

    return one


async def interleaved(cases: list[Case], n: int, warmup: int, batch: int = 10) -> None:
    """Round-robin batches of each case, so drift and noise on a shared box hit all alike."""
    for case in cases:
        for _ in range(warmup):
            await case.request()
    gc.collect()
    for _ in range(-(-n // batch)):
        for case in cases:
            for _ in range(min(batch, n - len(case.latencies))):
                wall, cpu = time.perf_counter(), time.process_time()
                await case.request()
                case.cpu.append(time.process_time() - cpu)
                case.latencies.append(time.perf_counter() - wall)


async def sql_per_request(
    client: httpx.AsyncClient, token: str, first: int, repeat: int = 5
) -> tuple[set[int], list[str]]:
    counts: set[int] = set()
    last: list[str] = []
    for _ in range(repeat):
        with SqlCounter() as counter:
            check(await post(client, first, token), first)
        counts.add(len(counter.statements))
        last = counter.statements
    return counts, last


async def authz_profile(client: httpx.AsyncClient, token: str, n: int) -> dict[str, float]:
    with AuthzTimer(timing=False) as counter:
        for _ in range(5):
            await post(client, 100, token)
    with AuthzTimer() as timer:
        start = time.perf_counter()
        for _ in range(n):
            await post(client, 100, token)
        total = time.perf_counter() - start
    return {
        "request_ms": total / n * 1000,
        "decisions_ms": timer.decisions / n * 1000,
        "setup_ms": timer.setup / n * 1000,
        "authn_ms": timer.authn / n * 1000,
        **{f"calls_{k}": v / 5 for k, v in counter.calls.items()},
    }


# --------------------------------------------------------------------------- databases
async def fresh_database(
    backend: str, workdir: Path, prefix: str = "bench"
) -> tuple[str, str | None]:
    if backend == "sqlite":
        return f"sqlite://{workdir / f'{prefix}.sqlite3'}", None
    name = f"jixiao_{prefix}_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", name


async def drop_database(name: str) -> None:
    admin = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@contextlib.asynccontextmanager
async def bench_runtime(backend: str, prefix: str) -> AsyncIterator[Runtime]:
    """A started runtime on a new database of its own, closed and dropped afterwards."""
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
        url, dropped = await fresh_database(backend, Path(tmp), prefix=prefix)
        runtime: Runtime | None = None
        try:
            settings = Settings(
                database_url=url,
                policy_watch_seconds=0,
                sync_tick_seconds=0,
                access_token_minutes=600,
            )
            runtime = await start_runtime(
                settings, watch_policies=False, connection_name=f"bench_{prefix}_{backend}"
            )
            yield runtime
        finally:
            if runtime is not None:
                await runtime.close()
            if dropped:
                await drop_database(dropped)


# --------------------------------------------------------------------------- the run
async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
        url, dropped = await fresh_database(args.backend, Path(tmp))
        runtime: Runtime | None = None
        try:
            settings = Settings(database_url=url, policy_watch_seconds=0)
            runtime = await start_runtime(
                settings, watch_policies=False, connection_name=f"bench_{args.backend}"
            )
            org = build_scale_org(args.employees)
            start = time.perf_counter()
            with using(runtime.db):
                await load_demo()
                await load_scale_org(org, await hash_password(DEMO_PASSWORD))
                # PostgreSQL's autovacuum analyzes a freshly loaded table within a minute, so
                # steady state has statistics; nothing in the app ever analyzes SQLite.
                analyze = args.backend == "postgres" or args.sqlite_analyze
                if analyze:
                    await runtime.db.db().execute_script("ANALYZE")
            loaded = time.perf_counter() - start
            print(
                f"# employees(first: 100) on {args.backend} "
                f"({'with' if analyze else 'without'} planner statistics)\n"
            )
            print(
                f"- tenant `scale`: {len(org.people):,} employees, {len(org.departments)} "
                f"departments, {len(org.roles)} role assignments (+ the 2 demo companies); "
                f"loaded in {loaded:.1f} s"
            )
            print(
                f"- {args.requests} timed requests per case after {args.warmup} warm-up, "
                f"interleaved in batches of 10; load average {load_average()}"
            )
            print(
                f"- Python {platform.python_version()}, strawberry-graphql "
                f"{version('strawberry-graphql')}, graphql-core {version('graphql-core')}, "
                f"tortoise-orm {version('tortoise-orm')}, {os.cpu_count()} CPUs\n"
            )
            await measure(args, runtime, org)
        finally:
            if runtime is not None:
                await runtime.close()
            if dropped:
                await drop_database(dropped)


def load_average() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


async def sign_in(client: httpx.AsyncClient, username: str) -> str:
    variables = {"u": username, "p": DEMO_PASSWORD}
    response = await client.post("/graphql", json={"query": LOGIN, "variables": variables})
    return response.json()["data"]["login"]["accessToken"]


async def measure(args: argparse.Namespace, runtime: Runtime, org: Any) -> None:
    overhead = wrapper_overhead_us()
    sql_rows: list[list[str]] = []
    authz_rows: list[list[str]] = []
    cases: list[Case] = []
    transport = httpx.ASGITransport(app=create_app(runtime=runtime))
    bare = [
        ("ceiling: bare strawberry", ceiling_app(org)),
        ("bare strawberry, async resolvers", ceiling_app(org, async_resolvers=True)),
    ]
    # The harness keeps 10,000 spec objects alive for the ceiling, which a server would not:
    # move everything allocated so far out of the collector's way, for every case alike.
    gc.collect()
    gc.freeze()
    async with contextlib.AsyncExitStack() as stack:
        client = await stack.enter_async_context(
            httpx.AsyncClient(transport=transport, base_url="http://bench")
        )
        for role in ROLES:
            token = await sign_in(client, org.sign_in[role])
            # The company's org chart is cached for 30 s: its load (one statement, whatever
            # the page size) is paid by the first request only, so it is not counted here.
            check(await post(client, 100, token), 100)
            counts = {}
            for first in (10, 50, 100):
                counts[first], statements = await sql_per_request(client, token, first)
                if args.show_sql and first == 100 and role == "vp":
                    print(f"SQL statements for {role}, first: 100:\n")
                    print("\n".join(f"{i}. `{brief(s)}`" for i, s in enumerate(statements, 1)))
                    print()
            sql_rows.append([role, *(",".join(map(str, sorted(counts[f]))) for f in counts)])
            prof = await authz_profile(client, token, max(args.requests // 3, 30))
            decisions = prof["decisions_ms"]
            share = decisions / prof["request_ms"]
            authz_rows.append(
                [
                    role,
                    f"{prof['request_ms']:.2f}",
                    f"{prof.get('calls_check', 0):.0f}",
                    f"{prof.get('calls__grant', 0):.0f}",
                    f"{prof.get('calls_relations', 0):.0f}",
                    f"{prof.get('calls_enforce', 0):.0f}",
                    f"{decisions:.3f} ({share:.1%})",
                    f"{prof['setup_ms']:.2f}",
                    f"{prof['authn_ms']:.2f}",
                ]
            )
            cases.append(
                Case(
                    f"jixiao, {role}",
                    requester(client, token),
                    sql=max(counts[100]),
                    authz_ms=decisions,
                )
            )
        for label, app in bare:
            bare_client = await stack.enter_async_context(
                httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench")
            )
            check(await post(bare_client, 100, None), 100)
            cases.append(Case(label, requester(bare_client, None)))
        await interleaved(cases, args.requests, args.warmup)
    report(args, cases, sql_rows, authz_rows, overhead, runtime, prof.get("calls_check", 0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--requests", type=int, default=300, help="timed requests per case")
    parser.add_argument("--warmup", type=int, default=30, help="untimed requests per case")
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument(
        "--sqlite-analyze",
        action="store_true",
        help="run ANALYZE on SQLite after loading (the app itself never does)",
    )
    parser.add_argument("--show-sql", action="store_true", help="print the statements")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
