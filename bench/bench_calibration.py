"""Calibration distribution at 10,000 employees: the company and per department, p50/p90.

The scaled tenant of ``bench_scale_data`` (~10,000 people in ~500 departments) with one
company plan (``_scores_data.make_plan``) set FINALIZED and a frozen score per person written
as rows (random totals graded by the default bands: what is measured is reading them). Then,
through the API as the GM:

- ``calibrationDistribution`` of a company-wide session (the scope, 6 divisions and every
  department, ~500 groups) with 50 changes in it;
- the company session locked (the 50 changes pushed as new score versions, timed);
- ``calibrationDistribution`` of department sessions (a department of ~140 people and its
  teams), one per sampled department.

Prints figures only; the lead records them in docs/benchmarks.md.

    .venv/bin/python bench/bench_calibration.py [--backend postgres] [--employees 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx

from schema.app import create_app
from schema.context import authorizer_for
from schema.ids import encode
from server.audit import Actor
from server.calibration.changes import change_grade
from server.calibration.distribution import distribution_of
from server.calibration.locking import lock_session
from server.calibration.sessions import open_session
from server.calibration.vocabulary import CalibrationScope
from server.db import using
from server.demo.load import DEMO_PASSWORD
from server.models import Assignment, CalibrationSession, Plan, Score
from server.runtime import Runtime
from server.scoring.grades import grade_for
from server.services.auth import hash_password

try:
    from bench import _scores_data as data
    from bench import bench_employees as emp
    from bench.bench_scale_data import build_scale_org, load_scale_org
except ImportError:  # run as a script: bench/ itself is on sys.path
    import _scores_data as data  # type: ignore[no-redef]
    import bench_employees as emp  # type: ignore[no-redef]
    from bench_scale_data import build_scale_org, load_scale_org

CHUNK = 1000
DISTRIBUTION = """query Distribution($s: ID!) { calibrationDistribution(sessionId: $s) {
  scope { headcount average withinGuideline grades { grade { key } count share status } }
  divisions { name headcount average grades { grade { key } count share status } }
  departments { name headcount masked average grades { grade { key } count share status } } } }"""


async def frozen_scores(setup: data.Setup, org: Any, seed: str = "bench-calibration") -> int:
    """An assignment and a frozen version-1 score per person, written as rows."""
    rng = random.Random(seed)
    at = datetime.now(UTC)
    written = 0
    for start in range(0, len(org.people), CHUNK):
        chunk = org.people[start : start + CHUNK]
        assignments = [
            Assignment(
                id=uuid.uuid4(),
                company_id=setup.company_id,
                plan_id=setup.plan.id,
                employee_id=p.id,
                department_id=p.department_id,
                manager_id=p.manager_id,
                indicators=[],
            )
            for p in chunk
        ]
        await Assignment.bulk_create(assignments)
        scores = []
        for p, a in zip(chunk, assignments, strict=True):
            total = Decimal(rng.randrange(5000, 11500)) / 100
            scores.append(
                Score(
                    id=uuid.uuid4(),
                    company_id=setup.company_id,
                    plan_id=setup.plan.id,
                    assignment_id=a.id,
                    employee_id=p.id,
                    department_id=p.department_id,
                    manager_id=p.manager_id,
                    status="ok",
                    total=total,
                    indicators_total=total,
                    grade=grade_for(total).key,
                    version=1,
                    frozen=True,
                    computed_at=at,
                    result={"grade": grade_for(total).key, "total": format(total, "f")},
                )
            )
        await Score.bulk_create(scores)
        written += len(scores)
    await Plan.filter(id=setup.plan.id).update(state="finalized")
    return written


async def timed(client: httpx.AsyncClient, token: str, session_id: Any, repeat: int) -> list[float]:
    headers = {"Authorization": f"Bearer {token}"}
    body = {"query": DISTRIBUTION, "variables": {"s": encode("CalibrationSession", session_id)}}
    times: list[float] = []
    for _ in range(repeat):
        t = time.perf_counter()
        response = await client.post("/graphql", json=body, headers=headers)
        times.append((time.perf_counter() - t) * 1000)
        answer = response.json()
        assert "errors" not in answer, answer
    return times


def line(label: str, times: list[float]) -> str:
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return (
        f"| {label} | {len(times)} | {statistics.median(times):.1f} | {p90:.1f} | "
        f"{ordered[0]:.1f} |"
    )


async def measure(args: argparse.Namespace, runtime: Runtime, org: Any, setup: data.Setup) -> None:
    transport = httpx.ASGITransport(app=create_app(runtime=runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600) as c:
        token = await emp.sign_in(c, org.sign_in["gm"])
        caller = await runtime.auth.caller_from_token(token)
        actor = Actor(await authorizer_for(runtime, caller), runtime.metrics)
        company = await open_session(actor, setup.plan.id, CalibrationScope.COMPANY, None)
        rng = random.Random("bench-changes")
        people = rng.sample(org.people, 50)
        scores = {
            s.employee_id: s.id
            for s in await Score.filter(
                plan_id=setup.plan.id, employee_id__in=[p.id for p in people]
            )
        }
        for p in people:
            await change_grade(actor, company.id, scores[p.id], "good", "bench: calibrated")
        t = time.perf_counter()
        found = await distribution_of(company)
        service_ms = (time.perf_counter() - t) * 1000
        rows = [line("company (API), 1st", await timed(c, token, company.id, 1))]
        rows.append(line("company (API)", await timed(c, token, company.id, args.repeat)))
        t = time.perf_counter()
        await lock_session(actor, company.id)
        lock_ms = (time.perf_counter() - t) * 1000
        departments = [d for d in org.departments if d.name.endswith("部") and d.kind != "division"]
        sampled = random.Random("bench-departments").sample(departments, args.departments)
        per: list[float] = []
        for dept in sampled:
            opened = await open_session(actor, setup.plan.id, CalibrationScope.DEPARTMENT, dept.id)
            per += await timed(c, token, opened.id, args.repeat)
        rows.append(line(f"a department ({args.departments} departments, API)", per))
        sessions = await CalibrationSession.filter(plan_id=setup.plan.id).count()
    print(
        f"- groups in the company distribution: 1 + {len(found.divisions)} divisions + "
        f"{len(found.departments)} departments; headcount {found.scope.headcount}"
    )
    print(f"- distribution_of (service, no GraphQL), company: {service_ms:.1f} ms")
    print(f"- lockCalibrationSession with 50 changes (service): {lock_ms:.1f} ms")
    print(f"- sessions at the end: {sessions}\n")
    print("| calibrationDistribution | runs | p50 ms | p90 ms | min ms |")
    print("|---|---|---|---|---|")
    for row in rows:
        print(row)


async def run(args: argparse.Namespace) -> None:
    async with emp.bench_runtime(args.backend, "calibration") as runtime:
        org = build_scale_org(args.employees)
        with using(runtime.db):
            start = time.perf_counter()
            await load_scale_org(org, await hash_password(DEMO_PASSWORD))
            setup = await data.make_plan(runtime, org, 2)
            written = await frozen_scores(setup, org)
            if args.backend == "postgres":
                await runtime.db.db().execute_script("ANALYZE")
            print(
                f"## bench_calibration: {args.backend}, {len(org.people)} people, "
                f"{len(org.departments)} departments, {written} frozen scores "
                f"(loaded in {time.perf_counter() - start:.1f} s), load average "
                f"{emp.load_average()}\n"
            )
            await measure(args, runtime, org, setup)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20, help="runs per distribution")
    parser.add_argument("--departments", type=int, default=10, help="department sessions")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
