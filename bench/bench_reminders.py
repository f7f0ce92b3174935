"""A reminder run over a 10,000-employee tenant: time, statements, notifications written;
a second run writes 0.

The tenant is ``bench_scale_data``'s org with ``_scores_data``'s June plan, everyone
assigned; the period is over and the plan EVALUATING, so every rule has work: a seeded share
of people has all, some or none of the actuals, and some evaluations are submitted. The
rows are written directly (what is measured is the run, not the set-up).

    .venv/bin/python -m bench.bench_reminders                      # SQLite
    .venv/bin/python -m bench.bench_reminders --backend postgres   # PostgreSQL
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from server.db import using
from server.demo.load import DEMO_PASSWORD
from server.models import Actual, Assignment, Evaluation, Plan
from server.models.notifications import Notification
from server.plans.versions import load_data
from server.reminders.engine import run_company
from server.runtime import start_runtime
from server.services.auth import hash_password
from server.settings import Settings

try:
    from bench import _scores_data as data
    from bench import bench_employees as emp
    from bench.bench_instruments import SqlCounter
    from bench.bench_scale_data import build_scale_org, load_scale_org
except ImportError:  # run as a script: bench/ itself is on sys.path
    import _scores_data as data  # type: ignore[no-redef]
    import bench_employees as emp  # type: ignore[no-redef]
    from bench_instruments import SqlCounter
    from bench_scale_data import build_scale_org, load_scale_org

CHUNK = 1000


async def _bulk(model: Any, rows: list[Any]) -> None:
    for i in range(0, len(rows), CHUNK):
        await model.bulk_create(rows[i : i + CHUNK])


async def fill(setup: data.Setup, org: Any, seed: str = "bench-reminders") -> dict[str, int]:
    """Everyone assigned; actuals all / some / none (60 / 20 / 20 %); self-evaluations
    submitted by half, manager evaluations by a third; the plan EVALUATING."""
    rng = random.Random(seed)
    plan = setup.plan
    version = await load_data(plan)
    indicators = [{**i.to_json(), "key": i.key, "personal": False} for i in version.indicators]
    keys = [str(i.key) for i in version.indicators if not i.qualitative]
    now = datetime.now(UTC)
    assignments, actuals, evaluations = [], [], []
    for person in org.people:
        a = Assignment(
            id=uuid.uuid4(),
            company_id=setup.company_id,
            plan_id=plan.id,
            employee_id=person.id,
            department_id=person.department_id,
            manager_id=person.manager_id,
            indicators=indicators,
        )
        assignments.append(a)
        draw = rng.random()
        recorded = keys if draw < 0.6 else keys[: len(keys) // 2] if draw < 0.8 else []
        where = {
            "company_id": setup.company_id,
            "plan_id": plan.id,
            "employee_id": person.id,
            "department_id": person.department_id,
            "manager_id": person.manager_id,
        }
        for key in recorded:
            actuals.append(
                Actual(
                    id=uuid.uuid4(),
                    assignment_id=a.id,
                    indicator_key=key,
                    source="manual",
                    value=Decimal(rng.randrange(1, 100)),
                    set_at=now,
                    **where,
                )
            )
        for kind, share in (("self", 0.5), ("manager", 0.33)):
            if rng.random() < share:
                evaluations.append(
                    Evaluation(
                        id=uuid.uuid4(),
                        assignment_id=a.id,
                        kind=kind,
                        state="submitted",
                        submitted_at=now,
                        **where,
                    )
                )
    await _bulk(Assignment, assignments)
    await _bulk(Actual, actuals)
    await _bulk(Evaluation, evaluations)
    await Plan.filter(id=plan.id).update(state="evaluating")
    return {
        "assignments": len(assignments),
        "actuals": len(actuals),
        "evaluations": len(evaluations),
    }


async def timed_run(company_id: uuid.UUID) -> tuple[float, int, int]:
    with SqlCounter() as counter:
        start = time.perf_counter()
        written = await run_company(company_id)
        took = time.perf_counter() - start
    return took, written or 0, len(counter.statements)


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
        url, dropped = await emp.fresh_database(args.backend, Path(tmp), prefix="reminders")
        runtime = None
        try:
            settings = Settings(database_url=url, policy_watch_seconds=0, sync_tick_seconds=0)
            runtime = await start_runtime(
                settings, watch_policies=False, connection_name=f"bench_rem_{args.backend}"
            )
            org = build_scale_org(args.employees)
            with using(runtime.db):
                await load_scale_org(org, await hash_password(DEMO_PASSWORD))
                setup = await data.make_plan(runtime, org, args.indicators)
                counts = await fill(setup, org)
                if args.backend == "postgres" or args.sqlite_analyze:
                    await runtime.db.db().execute_script("ANALYZE")
                runs = [await timed_run(setup.company_id) for _ in range(2)]
                stored = await Notification.filter(company_id=setup.company_id).count()
                by_rule = await Notification.filter(company_id=setup.company_id).values_list(
                    "rule", flat=True
                )
        finally:
            if runtime is not None:
                await runtime.close()
            if dropped:
                await emp.drop_database(dropped)
    print(
        f"\n### Reminder run, {args.backend}, {len(org.people):,} employees, "
        f"{counts['actuals']:,} actuals, {counts['evaluations']:,} evaluations submitted\n"
    )
    print("| run | time (s) | statements | notifications written |")
    print("|---|---|---|---|")
    for n, (took, written, statements) in enumerate(runs, start=1):
        print(f"| {n} | {took:.2f} | {statements} | {written:,} |")
    rules: dict[str, int] = {}
    for rule in by_rule:
        rules[rule] = rules.get(rule, 0) + 1
    print(f"\nStored: {stored:,} ({', '.join(f'{k} {v:,}' for k, v in sorted(rules.items()))})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--indicators", type=int, default=8, choices=range(2, 9))
    parser.add_argument("--sqlite-analyze", action="store_true")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
