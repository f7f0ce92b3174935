"""Benchmark: evaluation and scoring at 10,000 employees × 8 indicators, through the real app.

Run from the project root (see bench/README.md):

    .venv/bin/python -m bench.bench_scores [--backend sqlite|postgres] [--employees N]

It builds a fresh database (a temporary SQLite file, or a PostgreSQL database it creates and
drops), loads the demo companies and the scaled tenant of ``bench_employees``, writes one
ACTIVE company plan with 8 indicators, assigns everyone through ``assignDepartment``, enters
every manual actual through ``recordActuals`` in batches of 500, times full recomputes
(``server.scoring.recompute.recompute``) and the ``scores(first: 100)`` page of a VP against
the directory's bare-strawberry ceiling, and finally freezes the plan's scores once.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import statistics
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import httpx

from schema.app import create_app
from schema.context import authorizer_for
from schema.ids import encode
from server.audit import Actor
from server.db import using
from server.demo.load import DEMO_PASSWORD, load_demo
from server.runtime import Runtime
from server.scoring.freezing import freeze_plan
from server.scoring.recompute import recompute
from server.services.auth import hash_password

try:
    from bench import _scores_data as data
    from bench import _scores_report as tools
    from bench import bench_employees as emp
    from bench import bench_plans as plans
    from bench import bench_report as rep
    from bench.bench_ceiling import ceiling_app
    from bench.bench_instruments import SqlCounter
    from bench.bench_scale_data import build_scale_org, load_scale_org
except ImportError:  # run as a script: bench/ itself is on sys.path
    import _scores_data as data  # type: ignore[no-redef]
    import _scores_report as tools  # type: ignore[no-redef]
    import bench_employees as emp  # type: ignore[no-redef]
    import bench_plans as plans  # type: ignore[no-redef]
    import bench_report as rep  # type: ignore[no-redef]
    from bench_ceiling import ceiling_app
    from bench_instruments import SqlCounter
    from bench_scale_data import build_scale_org, load_scale_org

ASSIGN = """mutation($p: ID!, $d: ID!) { assignDepartment(planId: $p, departmentId: $d) {
  assigned { id } rejected { message } } }"""
RECORD = """mutation($p: ID!, $k: String!, $rows: [ActualRowInput!]!) {
  recordActuals(planId: $p, clientKey: $k, rows: $rows) {
    accepted { index } rejected { index message } replayed } }"""
LIST = (
    "id status total grade { key name } employee { name title manager { name } } "
    "department { name manager { name } }"
)
FULL = LIST + " indicatorsTotal indicators { key name weight target actual score contribution }"
SCORES = """query($p: ID!, $first: Int!) { scores(planId: $p, first: $first) {
  edges { node { %s } } pageInfo { endCursor hasNextPage } } }"""
auth = tools.auth
ORG_CHART = 'SELECT … FROM "department" WHERE "company_id"='  # its reload, every 30 s


# --------------------------------------------------------------------------- 1. assignments
async def assign_everyone(client: httpx.AsyncClient, token: str, setup: data.Setup) -> list[str]:
    plan = encode("Plan", setup.plan.id)
    took: list[float] = []
    assigned = 0
    start, cpu = time.perf_counter(), time.process_time()
    for dept in setup.departments:
        t = time.perf_counter()
        variables = {"p": plan, "d": encode("Department", dept)}
        done = await plans.gql(client, auth(token), ASSIGN, variables, "assignDepartment")
        took.append(time.perf_counter() - t)
        if done["rejected"]:
            raise SystemExit(f"assignDepartment rejected rows: {done['rejected'][:3]}")
        assigned += len(done["assigned"])
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    rate = f"{assigned / wall:,.0f}"
    return [str(len(took)), f"{assigned:,}", f"{wall:.1f}", f"{cpu:.1f}", rate, *tools.spread(took)]


# --------------------------------------------------------------------------- 2. actuals
async def record_all(
    client: httpx.AsyncClient,
    token: str,
    setup: data.Setup,
    rows: list[dict[str, str]],
    size: int,
    profile: bool,
) -> tuple[list[str], float]:
    plan = encode("Plan", setup.plan.id)
    took: list[float] = []
    statements = ""
    with tools.StageTimer(stages=(("server.scoring.recompute", "recompute", "recompute"),)) as st:
        start, cpu = time.perf_counter(), time.process_time()
        for n, i in enumerate(range(0, len(rows), size)):
            variables = {"p": plan, "k": f"bench-{n:05d}", "rows": rows[i : i + size]}
            counting = SqlCounter() if n == 1 else contextlib.nullcontext()
            t = time.perf_counter()
            with counting as counter:
                done = await plans.gql(client, auth(token), RECORD, variables, "recordActuals")
            took.append(time.perf_counter() - t)
            if counter is not None:  # how many are the events' own INSERTs, one per event
                ours = tools.ours(counter.statements)
                events = sum(1 for q in ours if q.startswith('INSERT INTO "outbox_event"'))
                statements = f"{len(ours)} ({events} INSERT INTO outbox_event)"
            if done["rejected"] or len(done["accepted"]) != len(variables["rows"]):
                raise SystemExit(f"recordActuals rejected rows: {done['rejected'][:3]}")
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    share = st.seconds.get("recompute", 0.0) / wall
    if profile:  # one more batch, untimed: the first batch's people, every value moved by 1
        moved = [{**r, "value": str(Decimal(r["value"]) + 1)} for r in rows[:size]]
        with tools.profiled(f"one recordActuals batch of {len(moved)} rows", True):
            await plans.gql(
                client,
                auth(token),
                RECORD,
                {"p": plan, "k": "bench-profile", "rows": moved},
                "recordActuals",
            )
    rate = len(rows) / wall
    cells = [f"{len(rows):,}", str(len(took)), f"{wall:.1f}", f"{cpu:.1f}", f"{rate:,.0f}"]
    return [*cells, *tools.spread(took), statements, f"{share:.0%}"], rate


# --------------------------------------------------------------------------- 3. recompute
async def recompute_cases(
    setup: data.Setup, org: Any, repeat: int, profile: bool
) -> tuple[list[list[str]], float]:
    company, plan = setup.company_id, setup.plan.id
    one = org.people[len(org.people) // 2].id
    people = len(org.people)

    # Always up by one: each run brings values no recompute has scored yet (the engine's
    # answers are kept per value for the process, see recompute._KNOWN), as a real change
    # does; back and forth would find every answer kept from two runs before.
    async def everyone() -> None:
        await data.shift_actuals(setup, 1)

    async def somebody() -> None:
        await data.shift_actuals(setup, 1, one)

    async def nothing() -> None:
        pass

    Case = tuple[str, Callable[[], Awaitable[None]], Callable[[], Awaitable[int]], int]
    cases: list[Case] = [
        ("(a) every score changed, full", everyone, lambda: recompute(company, plan), people),
        ("(b) nothing changed, full", nothing, lambda: recompute(company, plan), 0),
        ("(c) one person changed, full", somebody, lambda: recompute(company, plan), 1),
        (
            "(c') one person changed, his id only",
            somebody,
            lambda: recompute(company, plan, [one]),
            1,
        ),
    ]
    times: dict[str, list[float]] = {c[0]: [] for c in cases}
    cpus: dict[str, list[float]] = {c[0]: [] for c in cases}
    stages: dict[str, dict[str, float]] = {c[0]: {} for c in cases}
    counts: dict[str, int] = {}
    for round_ in range(repeat):
        for name, prepare, call, expected in cases:
            await prepare()
            gc.collect()
            await asyncio.sleep(0.2)  # let the outbox dispatcher deliver the last events
            counting = SqlCounter() if round_ == 0 else contextlib.nullcontext()
            with tools.StageTimer() as st, counting as counter:
                t, c = time.perf_counter(), time.process_time()
                written = await call()
                times[name].append(time.perf_counter() - t)
                cpus[name].append(time.process_time() - c)
            if written != expected:
                raise SystemExit(f"{name}: {written} scores written, expected {expected}")
            if counter is not None:
                counts[name] = len(tools.ours(counter.statements))
            for label, seconds in st.seconds.items():
                stages[name][label] = stages[name].get(label, 0.0) + seconds
    if profile:  # one more (a), untimed
        await everyone()
        with tools.profiled(f"recompute, every score changed, {people:,} people", True):
            await recompute(company, plan)
    rows = []
    for name, *_, expected in cases:
        spent = stages[name]
        spent["compute"] = sum(times[name]) - sum(spent.values())
        mean = "/".join(f"{spent.get(s, 0.0) / repeat * 1000:.0f}" for s in tools.BREAKDOWN)
        took, cpu = times[name], tools.ms(cpus[name])
        spread = [tools.ms(took), tools.ms(took, "min"), tools.ms(took, "max")]
        rows.append([name, f"{expected:,}", str(repeat), *spread, cpu, str(counts[name]), mean])
    return rows, statistics.median(times[cases[0][0]])


# --------------------------------------------------------------------------- 4. scores page
async def page_statements(client: httpx.AsyncClient, token: str, plan: str, first: int) -> set[int]:
    found: dict[int, list[str]] = {}
    for _ in range(5):
        with SqlCounter() as counter:
            page = await plans.gql(
                client, auth(token), SCORES % FULL, {"p": plan, "first": first}, "scores"
            )
        if len(page["edges"]) != first and page["pageInfo"]["hasNextPage"]:
            raise SystemExit(f"expected {first} scores, got {len(page['edges'])}")
        statements = tools.ours(counter.statements)
        found.setdefault(len(statements), statements)
    if len(found) > 1:  # say which statement came and went
        few, many = found[min(found)], found[max(found)]
        extra = [rep.brief(s) for s in many if s not in few]
        print(f"- first: {first}: {sorted(found)} statements; the extra ones: {extra}")
        if all(s.startswith(ORG_CHART) for s in extra):  # the org chart's 30 s cache, not the page
            return {min(found)}
    return set(found)


async def scores_page(
    args: argparse.Namespace,
    client: httpx.AsyncClient,
    tokens: dict[str, str],
    setup: data.Setup,
    org: Any,
    stack: contextlib.AsyncExitStack,
) -> tuple[list[rep.Case], list[list[str]]]:
    plan = encode("Plan", setup.plan.id)
    sql_rows: list[list[str]] = []
    for role in ("vp", "dept_manager", "perf"):
        await plans.gql(
            client, auth(tokens[role]), SCORES % FULL, {"p": plan, "first": 100}, "scores"
        )
        counts = [await page_statements(client, tokens[role], plan, f) for f in (10, 50, 100)]
        sql_rows.append([role, *(",".join(map(str, sorted(c))) for c in counts)])
    vp = tokens["vp"]
    cases = [
        rep.Case(
            "scores(first: 100), vp: list columns",
            plans.poster(client, vp, SCORES % LIST, {"p": plan, "first": 100}, "scores"),
            sql=int(sql_rows[0][3]),
        ),
        rep.Case(
            "scores(first: 100), vp: + 8 indicators each",
            plans.poster(client, vp, SCORES % FULL, {"p": plan, "first": 100}, "scores"),
            sql=int(sql_rows[0][3]),
        ),
        rep.Case("employees(first: 100), vp (the directory)", emp.requester(client, vp)),
    ]
    bare = await stack.enter_async_context(
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=ceiling_app(org)), base_url="http://bench"
        )
    )
    cases.append(
        rep.Case("ceiling: bare strawberry employees(first: 100)", emp.requester(bare, None))
    )
    gc.collect()
    gc.freeze()  # the ceiling's 10,000 objects out of the collector's way, for every case alike
    await emp.interleaved(cases, args.requests, args.warmup)
    with tools.profiled("20 × scores(first: 100) with 8 indicators, vp", args.profile):
        for _ in range(20):
            await cases[1].request()
    return cases, sql_rows


# --------------------------------------------------------------------------- the run
async def measure(
    args: argparse.Namespace,
    runtime: Runtime,
    org: Any,
    setup: data.Setup,
    analyze: Callable[[], Awaitable[None]],
) -> None:
    transport = httpx.ASGITransport(app=create_app(runtime=runtime))
    async with contextlib.AsyncExitStack() as stack:
        client = await stack.enter_async_context(
            httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600)
        )
        users = {"perf": setup.perf_username, **{r: org.sign_in[r] for r in ("vp", "dept_manager")}}
        tokens = {role: await emp.sign_in(client, name) for role, name in users.items()}
        print(f"- load average before assigning: {emp.load_average()}")
        assigned = await assign_everyone(client, tokens["perf"], setup)
        await analyze()
        rows = data.actual_rows(setup, org)
        print(f"- load average before the actuals: {emp.load_average()}")
        actuals, rate = await record_all(
            client, tokens["perf"], setup, rows, args.batch, args.profile
        )
        await analyze()
        print(f"- load average before the recomputes: {emp.load_average()}")
        recomputes, full = await recompute_cases(setup, org, args.repeat, args.profile)
        print(f"- load average before the scores page: {emp.load_average()}\n")
        cases, sql_rows = await scores_page(args, client, tokens, setup, org, stack)
        frozen = None
        if not args.no_freeze:
            caller = await runtime.auth.caller_from_token(tokens["perf"])
            actor = Actor(await authorizer_for(runtime, caller), runtime.metrics)
            gc.collect()
            t = time.perf_counter()
            count = await freeze_plan(actor, setup.plan.id)
            frozen = (count, time.perf_counter() - t)
    tools.report(args, setup, assigned, actuals, rate, recomputes, full, cases, sql_rows, frozen)


async def run(args: argparse.Namespace) -> None:
    async with emp.bench_runtime(args.backend, "scores") as runtime:
        db = runtime.db
        analyzed = args.backend == "postgres" or args.sqlite_analyze

        async def analyze() -> None:
            # PostgreSQL's autovacuum analyzes freshly loaded tables within a minute;
            # nothing in the app analyzes SQLite after start-up.
            if analyzed:
                await db.db().execute_script("ANALYZE")

        org = build_scale_org(args.employees)
        with using(db):
            start = time.perf_counter()
            await load_demo()
            await load_scale_org(org, await hash_password(DEMO_PASSWORD))
            setup = await data.make_plan(runtime, org, args.indicators)
            facts = await data.connector_facts(setup, org)
            await analyze()
            loaded = time.perf_counter() - start
            tools.header(args, org, setup, facts, loaded, analyzed)
            await measure(args, runtime, org, setup, analyze)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument(
        "--indicators",
        type=int,
        default=8,
        choices=range(2, 9),
        metavar="2..8",
        help="indicators of the plan (the first is a connector's)",
    )
    parser.add_argument("--batch", type=int, default=500, help="rows per recordActuals call")
    parser.add_argument("--repeat", type=int, default=5, help="runs per recompute case")
    parser.add_argument("--requests", type=int, default=200, help="timed scores requests per case")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per case")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile one more batch, full recompute and 20 scores pages (untimed)",
    )
    parser.add_argument("--no-freeze", action="store_true", help="skip freezing at the end")
    parser.add_argument(
        "--sqlite-analyze",
        action="store_true",
        help="run ANALYZE on SQLite after loading (the app itself never does)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
