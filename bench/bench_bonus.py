"""``bonusAllocation`` at 10,000 employees: the company, with department pools, p50/p90.

The scaled tenant of ``bench_scale_data`` (~10,000 people in ~500 departments) with one
company plan (``_scores_data.make_plan``) and a frozen score per person written as rows
(``bench_calibration.frozen_scores``: random totals graded by the default bands). A default
base of 10,000 for everyone, a base of their own for one person in ten, and a pool for every
other team department. Then, as the GM: ``bonusAllocation`` for the company through the API,
the service alone, and the payroll workbook (the download's service call).

Prints figures only; the lead records them in docs/benchmarks.md.

    .venv/bin/python bench/bench_bonus.py [--backend postgres] [--employees 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from decimal import Decimal
from typing import Any

import httpx

from schema.app import create_app
from schema.context import authorizer_for
from schema.ids import encode
from server.audit import Actor
from server.bonus.export import bonus_file
from server.bonus.service import bonus_allocation
from server.db import using
from server.demo.load import DEMO_PASSWORD
from server.models import BonusBase, BonusPool, BonusSettings
from server.runtime import Runtime
from server.services.auth import hash_password

try:
    from bench import _scores_data as data
    from bench import bench_employees as emp
    from bench.bench_calibration import frozen_scores
    from bench.bench_scale_data import build_scale_org, load_scale_org
except ImportError:  # run as a script: bench/ itself is on sys.path
    import _scores_data as data  # type: ignore[no-redef]
    import bench_employees as emp  # type: ignore[no-redef]
    from bench_calibration import frozen_scores  # type: ignore[no-redef]
    from bench_scale_data import build_scale_org, load_scale_org

ALLOCATION = """query Bonus($p: ID!) { bonusAllocation(planId: $p) {
  total pools { pool allocated } rows { employeeNumber name grade base coefficient amount } } }"""


async def inputs(setup: data.Setup, org: Any) -> tuple[int, int]:
    """The default base, one person in ten's own base, every other team department's pool."""
    rng = random.Random("bench-bonus")
    await BonusSettings.create(company_id=setup.company_id, default_base=Decimal(10000))
    own = [
        BonusBase(
            company_id=setup.company_id,
            plan_id=setup.plan.id,
            employee_id=p.id,
            amount=Decimal(rng.randrange(500000, 3000000)) / 100,
        )
        for p in org.people[::10]
    ]
    await BonusBase.bulk_create(own, batch_size=1000)
    teams = [d for d in org.departments if d.kind != "division" and d.parent_id is not None]
    pools = [
        BonusPool(
            company_id=setup.company_id,
            plan_id=setup.plan.id,
            department_id=d.id,
            amount=Decimal(rng.randrange(10_000_000, 50_000_000)) / 100,
        )
        for d in teams[::2]
    ]
    await BonusPool.bulk_create(pools, batch_size=1000)
    return len(own), len(pools)


async def measure(args: argparse.Namespace, runtime: Runtime, org: Any, setup: data.Setup) -> None:
    transport = httpx.ASGITransport(app=create_app(runtime=runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600) as c:
        token = await emp.sign_in(c, org.sign_in["gm"])
        caller = await runtime.auth.caller_from_token(token)
        actor = Actor(await authorizer_for(runtime, caller), runtime.metrics)
        headers = {"Authorization": f"Bearer {token}"}
        body = {"query": ALLOCATION, "variables": {"p": encode("Plan", setup.plan.id)}}
        api: list[float] = []
        rows = 0
        for _ in range(args.repeat):
            t = time.perf_counter()
            answer = (await c.post("/graphql", json=body, headers=headers)).json()
            api.append((time.perf_counter() - t) * 1000)
            assert "errors" not in answer, answer
            rows = len(answer["data"]["bonusAllocation"]["rows"])
        service: list[float] = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            found = await bonus_allocation(actor, setup.plan.id)
            service.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        _, content = await bonus_file(actor, setup.plan.id, None, "zh")
        export_ms = (time.perf_counter() - t) * 1000
    shared = [p for p in found.pools if p.allocated]  # a pool over nobody stays whole
    exact = all(p.allocated == p.pool for p in shared)
    print(
        f"- rows {rows}, pools {len(found.pools)}, {len(shared)} with people (each allocated "
        f"to the cent exactly: {exact})"
    )
    print(f"- payroll XLSX (service, zh): {export_ms:.0f} ms, {len(content) // 1024} KiB\n")
    print("| bonusAllocation, company | runs | p50 ms | p90 ms | min ms |")
    print("|---|---|---|---|---|")
    for label, times in (("API (GM)", api), ("service only", service)):
        ordered = sorted(times)
        p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
        print(
            f"| {label} | {len(times)} | {statistics.median(times):.1f} | {p90:.1f} | "
            f"{ordered[0]:.1f} |"
        )


async def run(args: argparse.Namespace) -> None:
    async with emp.bench_runtime(args.backend, "bonus") as runtime:
        org = build_scale_org(args.employees)
        with using(runtime.db):
            start = time.perf_counter()
            await load_scale_org(org, await hash_password(DEMO_PASSWORD))
            setup = await data.make_plan(runtime, org, 2)
            written = await frozen_scores(setup, org, "bench-bonus")
            own, pools = await inputs(setup, org)
            if args.backend == "postgres":
                await runtime.db.db().execute_script("ANALYZE")
            print(
                f"## bench_bonus: {args.backend}, {len(org.people)} people, "
                f"{len(org.departments)} departments, {written} frozen scores, {own} own "
                f"bases, {pools} pools (loaded in {time.perf_counter() - start:.1f} s), "
                f"load average {emp.load_average()}\n"
            )
            await measure(args, runtime, org, setup)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=10, help="runs of each measurement")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
