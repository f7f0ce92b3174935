"""Instruments and tables for ``bench_scores``: statement filtering, a per-stage timer of
the score pipeline, an optional profile, and the report it prints (``bench_report`` tables).
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import io
import os
import platform
import pstats
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any

try:
    from bench import bench_employees as emp
    from bench import bench_report as rep
except ImportError:  # run as a script: bench/ itself is on sys.path
    import bench_employees as emp  # type: ignore[no-redef]
    import bench_report as rep  # type: ignore[no-redef]

BREAKDOWN = ("setup", "load inputs", "stored digests", "compute", "upsert", "events")


# --------------------------------------------------------------------------- instruments
def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def ours(statements: list[str]) -> list[str]:
    """A request's statements without the outbox dispatcher's and tail's background reads
    (they run in the same process and log to the same logger)."""
    return [s for s in statements if '"outbox_' not in s or s.lstrip().upper().startswith("INSERT")]


def ms(values: list[float], q: str = "p50") -> str:
    """Seconds as milliseconds: the median, p95, min or max."""
    if not values:
        return "-"
    if q == "p95" and len(values) >= 2:
        return f"{statistics.quantiles(values, n=20)[-1] * 1000:.1f}"
    value = min(values) if q == "min" else max(values) if q == "max" else statistics.median(values)
    return f"{value * 1000:.1f}"


def spread(values: list[float]) -> list[str]:
    """p50, p95 and max in milliseconds."""
    return [ms(values), ms(values, "p95"), ms(values, "max")]


@contextmanager
def profiled(label: str, enabled: bool, top: int = 25) -> Iterator[None]:
    """With ``enabled``, cProfile the block (this thread only: SQLite's own work runs in
    aiosqlite's thread) and print its ``top`` functions by own time."""
    if not enabled:
        yield
        return
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(top)
        body = out.getvalue().strip().split("\n")
        lines = [line for line in body if line.strip()][1:]  # drop the stats file banner
        print(f"\n### Profile: {label} (top {top} by own time)\n\n```")
        print("\n".join(lines))
        print("```\n")


# --------------------------------------------------------------------------- stage timer
STAGES = (  # (module, attribute, label): what a recompute awaits, in order
    ("server.scoring.settings", "load_setup", "setup"),
    ("server.scoring.recompute", "load_sources", "load inputs"),
    ("server.scoring.recompute", "_stored", "stored digests"),
    ("server.scoring.recompute", "upsert_scores", "upsert"),
    ("server.scoring.recompute", "emit", "events"),
)


@dataclass
class StageTimer:
    """Wall time per awaited stage of ``recompute``, patched for a ``with`` block only; what
    is left of the total is the Python work between them (digests, scoring, serializing).
    A stage the pipeline no longer has (it is being optimized) is skipped, not an error."""

    stages: tuple[tuple[str, str, str], ...] = STAGES
    seconds: dict[str, float] = field(default_factory=dict)
    _undo: list[tuple[Any, str, Any]] = field(default_factory=list)

    def __enter__(self) -> StageTimer:
        for module_name, attr, label in self.stages:
            module = importlib.import_module(module_name)
            original = getattr(module, attr, None)
            if original is None:
                continue
            self._undo.append((module, attr, original))
            setattr(module, attr, self._timed(original, label))
        return self

    def _timed(self, original: Any, label: str) -> Any:
        async def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - start

        return timed

    def __exit__(self, *exc: object) -> None:
        for module, attr, original in reversed(self._undo):
            setattr(module, attr, original)
        self._undo.clear()


def header(
    args: argparse.Namespace, org: Any, setup: Any, facts: int, loaded: float, analyzed: bool
) -> None:
    print(
        f"# Evaluation and scoring on {args.backend} "
        f"({'with' if analyzed else 'without'} planner statistics)\n"
    )
    print(
        f"- tenant `scale`: {len(org.people):,} employees, "
        f"{len(org.departments)} departments (+ the 2 demo companies); one ACTIVE "
        f"company plan, {len(setup.keys)} indicators ({len(setup.manual)} manual, "
        f"{len(setup.keys) - len(setup.manual)} from a connector with "
        f"{facts:,} facts); loaded in {loaded:.1f} s"
    )
    print(
        f"- Python {platform.python_version()}, strawberry-graphql "
        f"{version('strawberry-graphql')}, tortoise-orm {version('tortoise-orm')}, "
        f"{os.cpu_count()} CPUs"
    )


def report(
    args: argparse.Namespace,
    setup: Any,
    assigned: list[str],
    actuals: list[str],
    rate: float,
    recomputes: list[list[str]],
    full: float,
    cases: list[rep.Case],
    sql_rows: list[list[str]],
    frozen: tuple[int, float] | None,
) -> None:
    b = args.backend
    print(
        f"## 1. Assignments ({b}): `assignDepartment` without rows, once per department, "
        "as the performance admin\n"
    )
    print(
        rep.fmt_table(
            [
                "calls",
                "people assigned",
                "wall s",
                "CPU s",
                "people/s",
                "call p50 ms",
                "call p95 ms",
                "call max ms",
            ],
            [assigned],
        )
    )
    print(
        f"\n## 2. Bulk actuals ({b}): `recordActuals`, {args.batch} rows per batch, each with "
        "its own client key, as the performance admin (each batch recomputes its people)\n"
    )
    print(
        rep.fmt_table(
            [
                "rows",
                "batches",
                "wall s",
                "CPU s",
                "rows/s",
                "batch p50 ms",
                "batch p95 ms",
                "batch max ms",
                "SQL statements/batch",
                "share in recompute",
            ],
            [actuals],
        )
    )
    print(
        f"\n## 3. Recompute ({b}): `recompute(company, plan)` over {args.employees:,} "
        f"people, {args.repeat} runs per case, interleaved\n"
    )
    print(
        rep.fmt_table(
            [
                "case",
                "scores written",
                "runs",
                "median ms",
                "min ms",
                "max ms",
                "CPU ms (median)",
                "SQL statements",
                "mean ms: " + " / ".join(BREAKDOWN),
            ],
            recomputes,
        )
    )
    ceiling = cases[-1]
    print(
        f"\n## 4. scores(first: 100) as a VP ({b}, {args.requests} requests per case after "
        f"{args.warmup} warm-up, interleaved)\n"
    )
    print(
        rep.fmt_table(
            ["case", "p50 ms", "p95 ms", "CPU ms (p50)", "SQL statements/request", "p50 / ceiling"],
            [
                [
                    c.name,
                    f"{c.p50:.2f}",
                    f"{c.p95:.2f}",
                    f"{c.cpu_ms:.2f}",
                    "-" if c.sql is None else str(c.sql),
                    f"{c.p50 / ceiling.p50:.2f}×",
                ]
                for c in cases
            ],
        )
    )
    print(
        "\n## SQL statements per scores page by page size (with the 8 indicators; distinct "
        "counts over 5 requests)\n"
    )
    print(rep.fmt_table(["role", "first: 10", "first: 50", "first: 100"], sql_rows))
    if frozen is not None:
        print(
            f"\n## 5. Freezing ({b}): `freeze_plan` (the FINALIZE step) froze {frozen[0]:,} "
            f"scores with their explanations in {frozen[1]:.2f} s"
        )
    constant = all(len({*r[1:]}) == 1 and "," not in r[1] for r in sql_rows)
    ratios = [c.p50 / ceiling.p50 for c in cases[:2]]
    print("\n## Targets\n")
    print(f"- bulk actuals through the API: {rate:,.0f} rows/s (recorded; no target set)")
    print(
        f"- full recompute, every score changed, < 1 s: median {full:.2f} s — "
        f"{'met' if full < 1 else 'MISSED'}"
    )
    print(
        f"- scores(first: 100) p50 against the directory's ceiling: {ratios[0]:.2f}× with the "
        f"list columns, {ratios[1]:.2f}× with 8 indicators each (recorded; the directory's own "
        f"target is ≤ 2×, which the list columns {'meet' if ratios[0] <= 2 else 'miss'})"
    )
    print(
        f"- SQL statements per scores page constant in page size: {'met' if constant else 'MISSED'}"
    )
    print(f"- load average at the end: {emp.load_average()}")
