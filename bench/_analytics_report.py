"""The tables ``bench_analytics`` prints, and its interleaved timing with runs per case."""

from __future__ import annotations

import argparse
import gc
import time
from dataclasses import dataclass, field

try:
    from bench import _analytics_data as data
    from bench import _analytics_queries as q
    from bench import bench_employees as emp
    from bench.bench_report import Case, brief, fmt_table
except ImportError:  # run as a script: bench/ itself is on sys.path
    import _analytics_data as data  # type: ignore[no-redef]
    import _analytics_queries as q  # type: ignore[no-redef]
    import bench_employees as emp  # type: ignore[no-redef]
    from bench_report import Case, brief, fmt_table


@dataclass
class Outcome:
    analytic: q.Analytic
    role: str
    case: Case | None = None
    note: str = ""
    sql_small: str = "-"
    sql_full: str = "-"
    sql_ms: float = 0.0  # mean wall time awaiting SQL per request (separate pass)
    runs: int = 0
    statements: list[str] = field(default_factory=list)
    slowest: list[tuple[float, str]] = field(default_factory=list)  # ms per request, statement


async def interleaved(cases: list[tuple[Case, int]], warmup: int, batch: int = 5) -> None:
    """``bench_employees.interleaved`` with a number of runs per case: round-robin batches,
    so noise from other processes hits every case alike."""
    for case, _ in cases:
        for _ in range(warmup):
            await case.request()
    gc.collect()
    while any(len(case.latencies) < n for case, n in cases):
        for case, n in cases:
            for _ in range(min(batch, n - len(case.latencies))):
                wall, cpu = time.perf_counter(), time.process_time()
                await case.request()
                case.cpu.append(time.process_time() - cpu)
                case.latencies.append(time.perf_counter() - wall)


def one_line(statement: str, width: int = 400) -> str:
    return brief(" ".join(statement.split()))[:width]


def p90(case: Case) -> float:
    ordered = sorted(case.latencies)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))] * 1000


def report(
    args: argparse.Namespace,
    outcomes: list[Outcome],
    full: data.Tenant,
    small: data.Tenant,
    timed_s: float,
) -> None:
    rows = []
    for o in outcomes:
        a, case = o.analytic, o.case
        if case is None:
            rows.append([a.name, o.role, *"-" * 8, f"< {a.target_ms:.0f}", o.note])
            continue
        met = "met" if case.p50 < a.target_ms else "**MISSED**"
        constant = o.sql_small == o.sql_full and "," not in o.sql_full
        rows.append(
            [
                a.name,
                o.role,
                str(len(case.latencies)),
                f"{case.p50:.1f}",
                f"{p90(case):.1f}",
                f"{min(case.latencies) * 1000:.1f}",
                f"{case.cpu_ms:.1f}",
                f"{o.sql_ms:.1f}",
                o.sql_small,
                o.sql_full,
                f"< {a.target_ms:.0f}",
                met + ("" if constant else "; **SQL grows**"),
            ]
        )
    print(
        f"\n## Analytics ({args.backend}): {len(full.org.people):,} people in "
        f"{len(full.org.departments)} departments × {len(full.plans)} months; "
        f"{args.runs} timed runs per case ({min(args.runs, args.slow_runs)} if ≥ 1 s) after "
        f"{args.warmup} warm-up, interleaved "
        f"({timed_s:.0f} s); load average {emp.load_average()}\n"
    )
    print(
        fmt_table(
            [
                "analytic",
                "as",
                "runs",
                "p50 ms",
                "p90 ms",
                "min ms",
                "CPU ms (p50)",
                "SQL ms (mean)",
                f"SQL, {len(small.org.departments)} depts",
                f"SQL, {len(full.org.departments)} depts",
                "target p50",
                "",
            ],
            rows,
        )
    )
    slow = [o for o in outcomes if o.case is not None and o.case.p50 >= o.analytic.target_ms]
    growing = [o for o in outcomes if o.case is not None and o.sql_small != o.sql_full]
    print("\n## Findings\n")
    for o in slow:
        took = o.case.p50 if o.case else 0.0
        print(
            f"- SLOW: {o.analytic.name} as {o.role}: p50 {took:.0f} ms "
            f"(target < {o.analytic.target_ms:.0f}; {o.sql_ms:.0f} ms of it awaiting SQL)"
        )
        if o.slowest:  # where the SQL time goes, for whoever owns the analytic
            ms, statement = o.slowest[0]
            print(f"  - its slowest statement, {ms:.0f} ms: `{one_line(statement, 160)}`")
    for o in growing:
        print(
            f"- SQL GROWS: {o.analytic.name} as {o.role}: {o.sql_small} -> {o.sql_full} statements"
        )
    for o in outcomes:
        if o.note and not o.note.startswith("skipped"):
            print(f"- {o.analytic.name} as {o.role}: {o.note}")
    skipped = sorted({o.analytic.field for o in outcomes if o.note.startswith("skipped")})
    if skipped:
        print(f"- skipped, not in the schema: {', '.join(skipped)}")
    if not (slow or growing or any(o.note for o in outcomes)):
        print("- every analytic met its target with a constant number of statements")
    if args.show_sql:
        for o in outcomes:
            if o.statements:
                print(f"\n### {o.analytic.name} as {o.role}: {len(o.statements)} statements\n")
                print("\n".join(f"{i}. `{one_line(s)}`" for i, s in enumerate(o.statements, 1)))
                print("\nslowest (ms per request):\n")
                print("\n".join(f"- {ms:.1f} ms `{one_line(s)}`" for ms, s in o.slowest[:5]))
