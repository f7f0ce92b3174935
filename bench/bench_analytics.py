"""Analytics at 10,000 employees × 12 monthly periods: p50/p90 per analytic, SQL statements.

Run from the project root (see bench/README.md):

    .venv/bin/python -m bench.bench_analytics [--backend sqlite|postgres] [--employees N]

It builds a fresh database with two tenants (``_analytics_data``): the full one (the scaled
org of ``bench_scale_data``, ~10,000 people in 511 departments) and a small one (a fifth of
the people in 91 departments), each with 12 months of frozen scores, evaluations, actuals
and attendance facts. Then, through the real ASGI app as the GM and a VP, it counts the SQL
statements of every analytic on both tenants (they must not grow with the departments) and
times every analytic on the full tenant, interleaved. An analytic whose Query field is not in
the schema yet is skipped with a note; one that answers with errors is reported and skipped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from schema.app import create_app
from schema.context import authorizer_for
from schema.ids import encode
from server.audit import Actor
from server.db import using
from server.demo.load import DEMO_PASSWORD
from server.runtime import Runtime
from server.services.auth import hash_password

try:
    from bench import _analytics_data as data
    from bench import _analytics_queries as q
    from bench import _analytics_report as rpt
    from bench import _scores_report as tools
    from bench import bench_employees as emp
    from bench._analytics_profile import SqlTimer
    from bench.bench_instruments import SqlCounter
    from bench.bench_report import Case, brief
    from bench.bench_scale_data import SLUG, build_scale_org
except ImportError:  # run as a script: bench/ itself is on sys.path
    import _analytics_data as data  # type: ignore[no-redef]
    import _analytics_queries as q  # type: ignore[no-redef]
    import _analytics_report as rpt  # type: ignore[no-redef]
    import _scores_report as tools  # type: ignore[no-redef]
    import bench_employees as emp  # type: ignore[no-redef]
    from _analytics_profile import SqlTimer
    from bench_instruments import SqlCounter
    from bench_report import Case, brief
    from bench_scale_data import SLUG, build_scale_org

ROLES = ("gm", "vp")
ORG_CHART = 'SELECT … FROM "department" WHERE "company_id"='  # its reload, every 30 s


@dataclass
class Caller:
    """One signed-in role of one tenant and the ids its requests use."""

    role: str
    token: str
    ids: q.Ids
    sql: dict[str, str] = field(default_factory=dict)  # analytic -> statement counts


async def post(client: httpx.AsyncClient, token: str, query: str, variables: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    return response.json()


def failure(answer: Any) -> str | None:
    errors = answer.get("errors")
    if not errors:
        return None
    first = errors[0]
    return f"{first.get('extensions', {}).get('code', '')} {first.get('message', '')}"[:160]


async def query_fields(client: httpx.AsyncClient, token: str) -> dict[str, dict[str, str]]:
    """Query field -> argument -> type, from the running schema."""
    return q.argument_types((await post(client, token, q.INTROSPECT, {}))["data"])


async def caller(
    client: httpx.AsyncClient, tenant: data.Tenant, role: str, fields_: dict[str, dict[str, str]]
) -> Caller:
    token = await emp.sign_in(client, tenant.username(role))
    org = tenant.org
    if role == "gm":
        division = org.departments[1]  # the first division
    else:
        vp = next(p for p in org.people if p.username == tenant.username(role))
        division = next(d for d in org.departments if d.id == vp.department_id)
    department = next(d for d in org.departments if d.parent_id == division.id)
    ids = q.Ids(
        months=[start for start, _ in tenant.spans],
        department=encode("Department", department.id),
        variables=q.FALLBACK_VARIABLES,
    )
    if "analyticsVariables" in fields_:
        query = q.declared(q.VARIABLES, "analyticsVariables", fields_)
        answer = await post(client, token, query, {"ps": ids.periods(3), "s": ids.scope()})
        if failure(answer) is None:
            ids.variables = q.pick_variables(answer["data"]["analyticsVariables"])
    return Caller(role, token, ids)


async def statements(
    client: httpx.AsyncClient, who: Caller, analytic: q.Analytic, query: str, repeat: int = 3
) -> tuple[str, list[str]]:
    """Distinct statement counts over ``repeat`` requests (after one uncounted request: the
    org chart's 30 s cache is loaded by the first)."""
    variables = analytic.variables(who.ids)
    await post(client, who.token, query, variables)
    found: dict[int, list[str]] = {}
    for _ in range(repeat):
        with SqlCounter() as counter:
            await post(client, who.token, query, variables)
        mine = tools.ours(counter.statements)  # not the outbox tail's background reads
        found.setdefault(len(mine), mine)
    if len(found) > 1:  # which statement came and went
        few, many = found[min(found)], found[max(found)]
        extra = [brief(s) for s in many if s not in few]
        if all(s.startswith(ORG_CHART) for s in extra):  # the org chart's 30 s cache
            return str(min(found)), few
        print(f"- {analytic.name} as {who.role}: {sorted(found)} statements; extra: {extra}")
    return ",".join(map(str, sorted(found))), found[max(found)]


def requester(client: httpx.AsyncClient, who: Caller, analytic: q.Analytic, query: str) -> Any:
    body = {"query": query, "variables": analytic.variables(who.ids)}
    headers = {"Authorization": f"Bearer {who.token}"}

    async def one() -> None:
        response = await client.post("/graphql", json=body, headers=headers)
        if response.status_code != 200 or b'"errors"' in response.content:
            raise SystemExit(f"{analytic.name} failed: {response.text[:500]}")

    return one


async def measure(
    args: argparse.Namespace, runtime: Runtime, full: data.Tenant, small: data.Tenant
) -> None:
    transport = httpx.ASGITransport(app=create_app(runtime=runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600) as c:
        gm = await emp.sign_in(c, full.username("gm"))
        fields_ = await query_fields(c, gm)
        chosen = [a for a in q.ANALYTICS if not args.only or any(o in a.name for o in args.only)]
        outcomes: list[rpt.Outcome] = []
        for role in args.roles:
            big = await caller(c, full, role, fields_)
            little = await caller(c, small, role, fields_)
            for analytic in chosen:
                out = rpt.Outcome(analytic, role)
                outcomes.append(out)
                if analytic.field not in fields_:
                    out.note = f"skipped: Query.{analytic.field} is not in the schema yet"
                    continue
                try:
                    query = q.declared(analytic.query, analytic.field, fields_)
                except KeyError as exc:
                    out.note = f"skipped: {exc}"
                    continue
                for who, tenant in ((little, "small"), (big, "full")):
                    answer = await post(c, who.token, query, analytic.variables(who.ids))
                    if (error := failure(answer)) is not None:
                        out.note = f"error ({tenant} tenant): {error}"
                        break
                if out.note:
                    continue
                out.sql_small, _ = await statements(c, little, analytic, query)
                out.sql_full, out.statements = await statements(c, big, analytic, query)
                out.case = Case(f"{analytic.name}, {role}", requester(c, big, analytic, query))
                with SqlTimer() as timer:
                    started = time.perf_counter()
                    for _ in range(3):
                        await out.case.request()
                    mean_s = (time.perf_counter() - started) / 3
                out.sql_ms = timer.seconds / 3 * 1000
                # A case of a second or more gets fewer runs, so a slow analytic cannot make
                # the whole run take an hour; its figures are coarse, its verdict is not.
                out.runs = args.runs if mean_s < 1 else min(args.runs, args.slow_runs)
                out.slowest = sorted(
                    ((t / 3 * 1000, text) for text, t in timer.per_statement.items()), reverse=True
                )
                with tools.profiled(f"{analytic.name} as {role}, 3 requests", args.profile):
                    for _ in range(3):
                        await out.case.request()
        started = time.perf_counter()
        await rpt.interleaved(
            [(o.case, o.runs) for o in outcomes if o.case is not None], args.warmup
        )
        timed_s = time.perf_counter() - started
    rpt.report(args, outcomes, full, small, timed_s)


async def build(args: argparse.Namespace, runtime: Runtime) -> tuple[data.Tenant, data.Tenant]:
    password = await hash_password(DEMO_PASSWORD)
    full = data.Tenant(SLUG, build_scale_org(args.employees))
    small_org = build_scale_org(
        args.small_employees, departments_per_division=2, seed="jixiao-bench-analytics-small"
    )
    small = data.Tenant("scale-small", data.renamed(small_org, "scale-small"))
    app = create_app(runtime=runtime)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b") as c:
        for tenant in (small, full):
            await data.load_org(tenant, password)
            token = await emp.sign_in(c, tenant.username("gm"))
            who = await runtime.auth.caller_from_token(token)
            actor = Actor(await authorizer_for(runtime, who), runtime.metrics)
            await data.build_history(
                runtime, tenant, actor, log=print if args.verbose else lambda _: None
            )
            print(
                f"- tenant `{tenant.slug}`: {len(tenant.org.people):,} people, "
                f"{len(tenant.org.departments)} departments; rows "
                f"{json.dumps(tenant.rows)}; built in {tenant.seconds:.0f} s "
                f"({tenant.freezing:.0f} s of it in freeze_plan)"
            )
    return full, small


async def run(args: argparse.Namespace) -> None:
    async with emp.bench_runtime(args.backend, "analytics") as runtime:
        print(f"# bench_analytics: {args.backend}\n")
        with using(runtime.db):
            full, small = await build(args, runtime)
            if args.backend == "postgres" or args.sqlite_analyze:
                await runtime.db.db().execute_script("ANALYZE")
            await measure(args, runtime, full, small)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument(
        "--small-employees", type=int, default=None, help="the small tenant (default: a fifth)"
    )
    parser.add_argument("--runs", type=int, default=30, help="timed requests per case")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per case")
    parser.add_argument(
        "--slow-runs", type=int, default=5, help="runs of a case whose request takes ≥ 1 s"
    )
    parser.add_argument("--roles", type=lambda s: s.split(","), default=list(ROLES))
    parser.add_argument("--only", nargs="*", help="analytics whose name contains one of these")
    parser.add_argument("--sqlite-analyze", action="store_true", help="ANALYZE SQLite too")
    parser.add_argument("--show-sql", action="store_true", help="print each analytic's statements")
    parser.add_argument("--profile", action="store_true", help="cProfile 3 requests of each")
    parser.add_argument("--verbose", action="store_true", help="print progress while loading")
    args = parser.parse_args()
    if args.small_employees is None:
        args.small_employees = max(args.employees // 5, 600)
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
