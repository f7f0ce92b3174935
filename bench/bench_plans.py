"""Benchmark: ``plans(period)`` on 36 departments × 12 months × 8 indicators, and
``planVersionDiff`` on 50-version plans, through the real ASGI app.

Run from the project root (see docs/benchmarks.md):

    .venv/bin/python bench/bench_plans.py [--backend sqlite|postgres] [--requests N]

It builds a fresh database (a temporary SQLite file, or a PostgreSQL database it creates and
drops), loads the demo companies and gives the ``demo`` tenant's 36 non-root departments one
monthly plan each for 2026-01 .. 2026-12 (432 plans, 1-3 versions each, 8 indicators whose
weights sum to 100). Plan rows are bulk-inserted and linked with ``Plan.departments.add``;
every version is written by the app's own ``server.plans.versions.write_version`` from a
``PlanData`` that passed ``check_plan``, so keys stay stable across versions exactly as the
API writes them. No transitions, approvals or audit entries are written (the measured
queries read none). A few December drafts are then taken to 50 versions through the
``updatePlan`` mutation (``server.plans.service.update_plan``), one request per version.
"""

from __future__ import annotations

import argparse
import asyncio
import calendar
import logging
import os
import platform
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path
from typing import Any

import httpx
from tortoise.transactions import in_transaction

from schema.app import create_app
from schema.ids import encode
from schema.plans.loaders import pairs_filter
from server.db import using
from server.demo.load import load_demo
from server.indicators import IndicatorSpec, ScoringRule
from server.models import Company, Department, Employee, Indicator, Plan, PlanVersion
from server.plans.validation import PlanData, check_plan
from server.plans.versions import write_version
from server.runtime import Runtime, start_runtime
from server.settings import Settings
from server.vocabulary import Direction

try:
    from bench import bench_employees as emp
    from bench import bench_report as rep
    from bench.bench_instruments import SqlCounter
except ImportError:  # run as a script: bench/ itself is on sys.path
    import bench_employees as emp  # type: ignore[no-redef]
    import bench_report as rep  # type: ignore[no-redef]
    from bench_instruments import SqlCounter

YEAR = 2026
USERS = ("perf@demo", "gm@demo", "vp.sales@demo")
RANGES = {  # label -> (periodStart, periodEnd)
    "2026-06": ("2026-06-01", "2026-06-30"),
    "2026-Q2": ("2026-04-01", "2026-06-30"),
    "2026": ("2026-01-01", "2026-12-31"),
}
# Where each month's plans stand in their cycle on a day in mid-June.
STATE = {1: "closed", 2: "closed", 3: "closed", 4: "finalized", 5: "evaluating", 6: "active",
         7: "filed", 8: "in_review", 9: "submitted", 10: "draft", 11: "draft", 12: "draft"}
INDICATORS = (  # name, unit, target, direction, data source; base weights below sum to 100
    ("销售额 Revenue", "CNY", "100000", "higher", "sales.revenue"),
    ("新客户数 New customers", "customers", "4", "higher", "sales.new_customers"),
    ("按期交付率 On-time delivery", "%", "95", "higher", "manual"),
    ("不良率 Defect rate", "%", "2", "lower", "manual"),
    ("出勤率 Attendance rate", "ratio", "0.95", "higher", "attendance.rate"),
    ("首次响应时长 First reply time", "min", "30", "lower", "manual"),
    ("成本节约 Cost savings", "CNY", "20000", "higher", "manual"),
    ("培训完成率 Training completion", "%", "90", "higher", "manual"),
)
WEIGHTS = (20, 15, 15, 10, 10, 10, 10, 10)
PLANS = """query($s: Date!, $e: Date!) { plans(periodStart: $s, periodEnd: $e) {
  id name state version indicators { key name weight target }
  latestVersion { number comment } departments { name } } }"""
DIFF = """query($id: ID!, $f: Int!, $t: Int) { planVersionDiff(planId: $id, from: $f, to: $t) {
  kind field indicatorKey indicatorName before after text } }"""
# Other Plan fields, counted (not timed) to show which ones keep SQL flat in the plan count.
OTHER = ("versions { number }", "approvals { role }", "transitions { action }",
         "comments { body }", "latestVersion { author { name } indicators { key } }")
FIELDS = "version indicators { key name weight target unit direction dataSource }"
PLAN = f"query($id: ID!) {{ plan(id: $id) {{ {FIELDS} }} }}"
UPDATE = f"""mutation($id: ID!, $v: Int!, $i: UpdatePlanInput!, $c: String!) {{
  updatePlan(id: $id, expectedVersion: $v, input: $i, comment: $c) {{ {FIELDS} }} }}"""


# --------------------------------------------------------------------------- data
def plan_data(dept: Department, month: int) -> PlanData:
    start = date(YEAR, month, 1)
    end = date(YEAR, month, calendar.monthrange(YEAR, month)[1])
    items = tuple(
        IndicatorSpec(name=n, unit=u, weight=Decimal(w), target=Decimal(t),
                      scoring=ScoringRule(direction=Direction(d)),
                      data_source=s)
        for (n, u, t, d, s), w in zip(INDICATORS, WEIGHTS, strict=True)
    )
    return PlanData(
        name=f"{dept.name} {YEAR}-{month:02d} 绩效计划", level="department", period_kind="month",
        period_start=start, period_end=end, submission_due=start - timedelta(days=6),
        review_due=start - timedelta(days=1), self_evaluation_due=end + timedelta(days=3),
        manager_evaluation_due=end + timedelta(days=6), department_ids=(dept.id,),
        indicators=items,
    )


def reviewed(data: PlanData, number: int) -> PlanData:
    """Version ``number``: a reviewer moved 5 points of weight and raised a target."""
    items = list(data.indicators)
    items[0] = replace(items[0], weight=items[0].weight - 5)
    items[1] = replace(items[1], weight=items[1].weight + 5)
    k = number % len(items)
    items[k] = replace(items[k], target=(items[k].target or 0) * Decimal("1.05"))
    return replace(data, indicators=tuple(items))


async def load_plans(runtime: Runtime) -> tuple[Company, list[Department], int, int]:
    """432 plans with 1-3 versions each; returns company, departments, plans, versions."""
    company = await Company.get(slug="demo")
    perf = await Employee.get(company_id=company.id, username="perf@demo")
    depts = await Department.filter(
        company_id=company.id, parent_id__not_isnull=True).order_by("name")
    assert len(depts) >= 36, len(depts)
    depts = depts[:36]
    written = 0
    async with in_transaction():
        rows: list[tuple[Plan, Department, list[PlanData]]] = []
        for i, dept in enumerate(depts):
            for month in range(1, 13):
                data = [check_plan(plan_data(dept, month), runtime.metrics)]
                for number in range(2, 2 + (i + month) % 3):
                    data.append(check_plan(reviewed(data[-1], number), runtime.metrics))
                first = data[0]
                plan = Plan(
                    id=uuid.uuid4(), company_id=company.id, name=first.name, level=first.level,
                    period_kind=first.period_kind, period_start=first.period_start,
                    period_end=first.period_end, submission_due=first.submission_due,
                    review_due=first.review_due, self_evaluation_due=first.self_evaluation_due,
                    manager_evaluation_due=first.manager_evaluation_due, state=STATE[month],
                    version=len(data), created_by=perf.id,
                )
                rows.append((plan, dept, data))
        await Plan.bulk_create([p for p, _, _ in rows], batch_size=500)
        saved = {p.id: p for p in await Plan.filter(company_id=company.id)}  # add() wants these
        for built, dept, versions in rows:
            plan = saved[built.id]
            await plan.departments.add(dept)
            current = plan.version
            for number, data in enumerate(versions, start=1):
                plan.version = number  # write_version snapshots plan.version
                comment = "created" if number == 1 else "review: weights and a target"
                await write_version(plan, data, perf.id, comment)
                written += 1
            plan.version = current
    return company, depts, len(rows), written


async def grow_versions(client: httpx.AsyncClient, token: str, plan_id: str,
                        target: int) -> list[float]:
    """Take a draft plan to ``target`` versions through updatePlan; returns seconds each."""
    headers = {"Authorization": f"Bearer {token}"}
    current = await gql(client, headers, PLAN, {"id": plan_id}, "plan")
    took: list[float] = []
    while current["version"] < target:
        n = current["version"]
        items = [dict(i) for i in current["indicators"]]
        a, b = n % len(items), (n + 3) % len(items)  # move one point of weight a -> b
        items[a]["weight"] = str(Decimal(items[a]["weight"]) - 1)
        items[b]["weight"] = str(Decimal(items[b]["weight"]) + 1)
        items[a]["target"] = str(Decimal(items[a]["target"]) + 1)
        if n == 25:  # replace the last indicator: the 1 → 50 diff shows removed + added
            items[-1] = {**items[-1], "key": None, "name": "客户投诉数 Complaints",
                         "unit": "cases", "target": "5", "direction": "lower"}
        variables = {"id": plan_id, "v": n, "i": {"indicators": items}, "c": f"edit {n + 1}"}
        start = time.perf_counter()
        current = await gql(client, headers, UPDATE, variables, "updatePlan")
        took.append(time.perf_counter() - start)
    return took


async def gql(client: httpx.AsyncClient, headers: dict[str, str], query: str,
              variables: dict[str, Any], field: str) -> Any:
    response = await client.post("/graphql", json={"query": query, "variables": variables},
                                 headers=headers)
    payload = response.json()
    if response.status_code != 200 or "errors" in payload:
        raise SystemExit(f"{field} failed: {response.status_code} {response.text[:500]}")
    return payload["data"][field]


# --------------------------------------------------------------------------- measuring
def poster(client: httpx.AsyncClient, token: str, query: str, variables: dict[str, Any],
           field: str) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    body = {"query": query, "variables": variables}

    async def one() -> None:
        response = await client.post("/graphql", json=body, headers=headers)
        if response.status_code != 200 or b'"errors"' in response.content:
            await gql(client, headers, query, variables, field)  # raises with the message

    return one


async def sql_counts(client: httpx.AsyncClient, token: str, query: str,
                     variables: dict[str, Any], field: str) -> tuple[set[int], int, list[str]]:
    """Distinct statement counts over 5 requests, the result's length, the last statements."""
    counts: set[int] = set()
    statements: list[str] = []
    size = 0
    for _ in range(5):
        with SqlCounter() as counter:
            size = len(await gql(client, {"Authorization": f"Bearer {token}"}, query,
                                 variables, field))
        counts.add(len(counter.statements))
        statements = counter.statements
    return counts, size, statements


async def loader_rows(company: Company, start: str, end: str) -> list[int]:
    """Rows the indicators / plan_version DataLoaders read for perf@demo vs rows returned,
    with the loaders' own filter (schema.plans.loaders.pairs_filter)."""
    pairs = await Plan.filter(company_id=company.id, period_end__gte=date.fromisoformat(start),
                              period_start__lte=date.fromisoformat(end)
                              ).values_list("id", "version")
    read_ind = await Indicator.filter(pairs_filter(pairs, "version")).count()
    read_ver = await PlanVersion.filter(pairs_filter(pairs, "number")).count()
    return [len(pairs), len(pairs) * len(INDICATORS), read_ind, len(pairs), read_ver]


def spread(counts: set[int]) -> str:
    return ",".join(map(str, sorted(counts)))


async def measure(args: argparse.Namespace, runtime: Runtime, company: Company,
                  depts: list[Department]) -> None:
    transport = httpx.ASGITransport(app=create_app(runtime=runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        tokens = {u: await emp.sign_in(client, u) for u in USERS}
        # The 50-version plans: December drafts of the first sales departments (vp.sales sees
        # them). Written one updatePlan request per version, before anything is timed.
        sales = {d.id for d in depts if d.name.endswith("销售部") or d.name == "大客户部"}
        longs = await Plan.filter(
            company_id=company.id, period_start=date(YEAR, 12, 1), departments__id__in=list(sales)
        ).order_by("name").limit(args.long_plans)
        long_ids = [encode("Plan", p.id) for p in longs]
        took: list[float] = []
        start = time.perf_counter()
        for plan_id in long_ids:  # the last update of the first plan is counted
            took += await grow_versions(client, tokens["perf@demo"], plan_id, args.versions - 1)
        with SqlCounter() as counter:
            took += await grow_versions(client, tokens["perf@demo"], long_ids[0], args.versions)
        for plan_id in long_ids[1:]:
            took += await grow_versions(client, tokens["perf@demo"], plan_id, args.versions)
        grown = time.perf_counter() - start
        if args.backend == "postgres" or args.sqlite_analyze:
            await runtime.db.db().execute_script("ANALYZE")
        took.sort()
        print(f"- {len(long_ids)} December drafts taken to {args.versions} versions through "
              f"`updatePlan`: {len(took)} requests in {grown:.1f} s, p50 "
              f"{took[len(took) // 2] * 1000:.1f} ms, {len(counter.statements)} SQL statements "
              f"per update\n")

        cases: list[rep.Case] = []
        sql_rows: list[list[str]] = []
        for user in USERS:
            cells = [user]
            for label, (s, e) in RANGES.items():
                variables = {"s": s, "e": e}
                counts, size, statements = await sql_counts(
                    client, tokens[user], PLANS, variables, "plans")
                cells.append(f"{size} plans: {spread(counts)}")
                if args.show_sql and user == "vp.sales@demo" and label == "2026-06":
                    print(f"SQL statements for {user}, plans({label}):\n")
                    print("\n".join(f"{i}. `{rep.brief(q)}`" for i, q in enumerate(statements, 1)))
                    print()
                if label in args.ranges:
                    case = rep.Case(f"{user} | plans({label}) | {size}",
                                poster(client, tokens[user], PLANS, variables, "plans"),
                                sql=max(counts))
                    cases.append(case)
            sql_rows.append(cells)
        for selection in OTHER:
            query = PLANS.replace("departments { name }", f"departments {{ name }} {selection}")
            cells = [f"perf@demo, + `{selection}`"]
            for s, e in RANGES.values():
                counts, size, _ = await sql_counts(
                    client, tokens["perf@demo"], query, {"s": s, "e": e}, "plans")
                cells.append(f"{size} plans: {spread(counts)}")
            sql_rows.append(cells)
        for user in ("perf@demo", "vp.sales@demo"):
            for f, t in ((1, args.versions), (args.versions - 1, args.versions)):
                variables = {"id": long_ids[0], "f": f, "t": t}
                counts, size, _ = await sql_counts(
                    client, tokens[user], DIFF, variables, "planVersionDiff")
                name = f"{user} | planVersionDiff({f} → {t}) | {size}"
                cases.append(rep.Case(name, poster(client, tokens[user], DIFF, variables,
                                               "planVersionDiff"), sql=max(counts)))
        await emp.interleaved(cases, args.requests, args.warmup)
    rows = [await loader_rows(company, *RANGES[label]) for label in RANGES]
    report(args, cases, sql_rows, rows)


# --------------------------------------------------------------------------- report
def report(args: argparse.Namespace, cases: list[rep.Case], sql_rows: list[list[str]],
           loader: list[list[int]]) -> None:
    plans = [c for c in cases if "plans(" in c.name]
    diffs = [c for c in cases if "planVersionDiff" in c.name]
    print(f"## plans(period) latency ({args.backend}, {args.requests} requests per case)\n")
    print(rep.fmt_table(
        ["user", "period", "plans", "SQL statements/request", "p50 ms", "p95 ms",
         "CPU ms (p50)", "p50 ms per plan"],
        [[*c.name.split(" | "), str(c.sql), f"{c.p50:.1f}", f"{c.p95:.1f}", f"{c.cpu_ms:.1f}",
          f"{c.p50 / max(int(c.name.rsplit(' | ', 1)[1]), 1):.2f}"] for c in plans],
    ))
    print("\n## SQL statements per request by number of plans (distinct counts over 5 "
          "requests; the + rows add one field to the query above)\n")
    print(rep.fmt_table(["user", *RANGES], sql_rows))
    print(f"\n## planVersionDiff on a {args.versions}-version plan ({args.backend})\n")
    print(rep.fmt_table(
        ["user", "diff", "changes", "SQL statements/request", "p50 ms", "p95 ms",
         "CPU ms (p50)"],
        [[*c.name.split(" | "), str(c.sql), f"{c.p50:.2f}", f"{c.p95:.2f}", f"{c.cpu_ms:.2f}"]
         for c in diffs],
    ))
    print("\n## Rows the DataLoaders read (perf@demo; plans have 1-3 versions, the December "
          f"drafts {args.versions})\n")
    print(rep.fmt_table(
        ["period", "plans", "indicator rows returned", "indicator rows read",
         "latestVersion rows returned", "plan_version rows read"],
        [[label, *map(str, row)] for label, row in zip(RANGES, loader, strict=True)],
    ))
    print()
    for row in sql_rows:
        flat = len({c.split(": ")[1] for c in row[1:]}) == 1 and "," not in row[1]
        print(f"- {row[0]}: SQL statements per request "
              f"{'constant' if flat else 'GROW'} in the number of plans")


# --------------------------------------------------------------------------- the run
async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
        url, dropped = await emp.fresh_database(args.backend, Path(tmp))
        runtime: Runtime | None = None
        try:
            settings = Settings(database_url=url, policy_watch_seconds=0, sync_tick_seconds=0)
            runtime = await start_runtime(
                settings, watch_policies=False, connection_name=f"bench_plans_{args.backend}"
            )
            with using(runtime.db):
                start = time.perf_counter()
                await load_demo()
                company, depts, plans, versions = await load_plans(runtime)
                loaded = time.perf_counter() - start
                print(f"# Plans on {args.backend}\n")
                print(f"- tenant `demo`: {len(depts)} departments × 12 months = {plans} plans, "
                      f"{versions} versions × {len(INDICATORS)} indicators, loaded in "
                      f"{loaded:.1f} s (with the demo companies)")
                print(f"- {args.requests} timed requests per case after {args.warmup} warm-up, "
                      f"interleaved in batches of 10; load average {emp.load_average()}")
                print(f"- Python {platform.python_version()}, strawberry-graphql "
                      f"{version('strawberry-graphql')}, tortoise-orm {version('tortoise-orm')},"
                      f" {os.cpu_count()} CPUs")
                await measure(args, runtime, company, depts)
        finally:
            if runtime is not None:
                await runtime.close()
            if dropped:
                await emp.drop_database(dropped)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per case")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per case")
    parser.add_argument("--versions", type=int, default=50, help="versions of the long plans")
    parser.add_argument("--long-plans", type=int, default=3, help="plans taken to --versions")
    parser.add_argument("--ranges", nargs="+", choices=tuple(RANGES), default=list(RANGES),
                        help="periods to time (SQL statements are counted for all)")
    parser.add_argument("--sqlite-analyze", action="store_true",
                        help="run ANALYZE on SQLite after loading (the app itself never does)")
    parser.add_argument("--show-sql", action="store_true",
                        help="print the statements of one request (vp.sales, 2026-06)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
