"""Benchmark: the sync engine storing 100,000 attendance records from a paged loopback API.

Run from the project root (see docs/benchmarks.md):

    .venv/bin/python bench/bench_sync.py [--backend sqlite|postgres] [--records 100000]

It builds a fresh database (a temporary SQLite file, or a PostgreSQL database it creates and
drops), a company of 1,000 employees, and an aiohttp server on 127.0.0.1 that computes pages
of 1,000 check-in records from the page number. The real ``SyncEngine`` fetches them through
the sample paged connector (tests/plugins/sample_paged.py), checks them and upserts facts.

For N/10, N/2 and N records it runs a first sync and an idempotent re-run, twice over:

* timed pass: wall time from ``engine.start`` to the end of the run -> facts/s; RSS is the
  process high-water (``ru_maxrss``) and the run's own high-water (VmHWM, reset before it);
* traced pass (a fresh connector config): the same runs under ``tracemalloc``, whose peak is
  what the run held at once. tracemalloc slows Python down, so it never times anything.

Every first run starts on an empty ``metric_fact`` table.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import importlib
import logging
import os
import platform
import re
import resource
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from datetime import date
from importlib.metadata import version
from pathlib import Path

from aiohttp import web

from plugins.contract import Period
from server.db import using
from server.models import Company, ConnectorConfig, Department, Employee, MetricFact
from server.runtime import Runtime, start_runtime
from server.settings import PROJECT_ROOT, Settings

try:
    from bench._sync_source import TOKEN, AttendanceSource, employee_number, period_of
    from bench.bench_employees import drop_database, fresh_database
except ImportError:  # run as a script: bench/ itself is on sys.path
    from _sync_source import TOKEN, AttendanceSource, employee_number, period_of
    from bench_employees import drop_database, fresh_database  # type: ignore[no-redef]

POSTGRES_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
START = date(2026, 1, 1)
MB = 1024 * 1024


def paged_connector() -> type:
    """The test suite's sample connector (tests/ is not an installed package)."""
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    return importlib.import_module("tests.plugins.sample_paged").PagedConnector


# --------------------------------------------------------------------------- memory
def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _status_kib(field: str) -> int | None:
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return None
    found = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return int(found.group(1)) if found else None


def reset_hwm() -> bool:
    """Reset this process's RSS high-water mark (Linux >= 4.0), so a run reports its own."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def hwm_mb() -> float | None:
    kib = _status_kib("VmHWM")
    return None if kib is None else kib / 1024


async def empty_facts(runtime: Runtime, backend: str) -> None:
    conn = runtime.db.db()
    if backend == "postgres":
        await conn.execute_script("TRUNCATE metric_fact")
        await conn.execute_script("ANALYZE metric_fact")
    else:
        await conn.execute_script("DELETE FROM metric_fact")


# --------------------------------------------------------------------------- setup
async def make_company(employees: int) -> Company:
    company = await Company.create(slug="benchsync", name="Bench Sync Co.")
    root = await Department.create(company=company, name="总经办", kind="executive")
    plant = await Department.create(
        company=company, name="装配车间", kind="production", parent=root
    )
    await Employee.bulk_create(
        [
            Employee(
                company=company,
                username=f"w{n:05d}@benchsync",
                name=f"工人{n:05d}",
                title="操作工",
                employee_number=employee_number(n),
                department=plant,
                email=f"w{n:05d}@benchsync.example.com",
            )
            for n in range(employees)
        ],
        batch_size=1000,
    )
    return company


async def make_config(runtime: Runtime, company: Company, base_url: str, label: str):
    return await ConnectorConfig.create(
        company=company,
        connector="sample_paged",
        name=f"打卡机 {label}",
        settings={"base_url": base_url},
        sealed_secrets=runtime.engine.box.seal({"token": TOKEN}),
        match_by="employee_number",
    )


# --------------------------------------------------------------------------- measuring
@dataclass
class Measured:
    """One sync run as measured (a traced run only fills ``peak_mb``)."""

    seconds: float
    cpu_seconds: float  # this process, all threads (SQLite's work runs in aiosqlite's thread)
    stored: int
    peak_mb: float | None
    hwm_mb: float | None
    server_seconds: float


@dataclass
class Result:
    records: int
    run: str
    timed: Measured | None = None
    traced_peak_mb: float | None = None
    maxrss_mb: float = 0.0

    @property
    def rate(self) -> float:
        return self.timed.stored / self.timed.seconds if self.timed else 0.0


async def sync_once(
    runtime: Runtime,
    config: ConnectorConfig,
    period: Period,
    source: AttendanceSource,
    traced: bool,
) -> Measured:
    gc.collect()
    served_before = source.seconds
    hwm_ok = reset_hwm()
    if traced:
        tracemalloc.start()
    began, cpu = time.perf_counter(), time.process_time()
    _run, task = await runtime.engine.start(config, period)
    finished = await task
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    peak = None
    if traced:
        peak = tracemalloc.get_traced_memory()[1] / MB
        tracemalloc.stop()
    if finished.status != "succeeded":
        raise RuntimeError(f"sync run failed: {finished.error}")
    if finished.rejected:
        raise RuntimeError(f"{finished.rejected} records were quarantined")
    return Measured(
        seconds,
        cpu,
        finished.stored,
        peak,
        hwm_mb() if hwm_ok else None,
        source.seconds - served_before,
    )


async def scenario(
    runtime: Runtime,
    company: Company,
    backend: str,
    records: int,
    employees: int,
    traced: bool,
    results: dict[tuple[int, str], Result],
) -> None:
    source = AttendanceSource(records, min(employees, records), START)
    runner = web.AppRunner(source.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base_url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        await empty_facts(runtime, backend)
        label = f"{records}-{'traced' if traced else 'timed'}"
        config = await make_config(runtime, company, base_url, label)
        period = Period(*period_of(source))
        for run in ("first", "re-run"):
            m = await sync_once(runtime, config, period, source, traced)
            facts = await MetricFact.filter(source=str(config.id)).count()
            if m.stored != records or facts != records:
                raise RuntimeError(f"{run}: stored {m.stored}, {facts} facts, expected {records}")
            row = results.setdefault((records, run), Result(records, run))
            if traced:
                row.traced_peak_mb = m.peak_mb
                what = f"peak {m.peak_mb:.1f} MB"
            else:
                row.timed, row.maxrss_mb = m, maxrss_mb()
                what = f"{m.seconds:.2f} s {m.stored / m.seconds:,.0f}/s cpu {m.cpu_seconds:.2f} s"
            print(
                f"  {records:>7,} {run:<6} {'traced' if traced else 'timed ':<6} {what}",
                file=sys.stderr,
                flush=True,
            )
    finally:
        await runner.cleanup()


def fmt(value: float | None, spec: str = ".1f") -> str:
    return "n/a" if value is None else format(value, spec)


def report(backend: str, results: list[Result]) -> None:
    print(
        "| backend | records | run | seconds | facts/s | tracemalloc peak MB | RSS MB "
        "(ru_maxrss) | run RSS high-water MB | process CPU s | server share |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        t = r.timed
        assert t is not None
        print(
            f"| {backend} | {r.records:,} | {r.run} | {t.seconds:.2f} | {r.rate:,.0f} | "
            f"{fmt(r.traced_peak_mb)} | {r.maxrss_mb:.0f} | {fmt(t.hwm_mb, '.0f')} | "
            f"{t.cpu_seconds:.2f} | {t.server_seconds / t.seconds:.0%} |"
        )
    firsts = [r for r in results if r.run == "first" and r.traced_peak_mb]
    if len(firsts) > 1:
        small, large = firsts[0], firsts[-1]
        print(
            "\ntracemalloc peak, first runs: "
            + ", ".join(f"{r.records:,}: {r.traced_peak_mb:.2f} MB" for r in firsts)
            + f" ({large.records / small.records:.0f}x the records, "
            f"{large.traced_peak_mb / small.traced_peak_mb:.2f}x the peak)"
        )


# --------------------------------------------------------------------------- the run
async def run(args: argparse.Namespace) -> None:
    sizes = sorted({max(args.records // 10, 1), max(args.records // 2, 1), args.records})
    connector = paged_connector()
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-sync-") as tmp:
        url, dropped = await fresh_database(args.backend, Path(tmp), "bench_sync")
        runtime: Runtime | None = None
        try:
            settings = Settings(
                database_url=url,
                policy_dir=PROJECT_ROOT / "policies",
                policy_watch_seconds=0,
                sync_tick_seconds=0,
            )
            runtime = await start_runtime(
                settings, watch_policies=False, connection_name=f"bench_sync_{args.backend}"
            )
            runtime.plugins.connectors[connector.name] = connector
            runtime.plugins.sources[connector.name] = "tests.plugins.sample_paged"
            for spec in connector.metrics:
                runtime.metrics.specs[spec.key] = spec
            results: dict[tuple[int, str], Result] = {}
            with using(runtime.db):
                company = await make_company(args.employees)
                if args.backend == "postgres":
                    await runtime.db.db().execute_script("ANALYZE")
                # All timed passes first, smallest first, so ru_maxrss never carries
                # tracemalloc's own bookkeeping into a timed row.
                for traced in (False, True):
                    for records in sizes:
                        await scenario(
                            runtime, company, args.backend, records, args.employees, traced, results
                        )
            driver = "asyncpg" if args.backend == "postgres" else "aiosqlite"
            print(
                f"# Sync engine on {args.backend}: {args.employees:,} employees, pages of "
                f"1,000, metric sample.hours\n"
            )
            print(
                f"- Python {platform.python_version()}, tortoise-orm "
                f"{version('tortoise-orm')}, aiohttp {version('aiohttp')}, "
                f"{driver} {version(driver)}, "
                f"{os.cpu_count()} CPUs, load average {load_average()}\n"
            )
            report(args.backend, [results[(n, r)] for n in sizes for r in ("first", "re-run")])
        finally:
            if runtime is not None:
                await runtime.close()
            if dropped:
                await drop_database(dropped)


def load_average() -> str:
    with contextlib.suppress(OSError):
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--records", type=int, default=100_000, help="records of the largest run")
    parser.add_argument("--employees", type=int, default=1000, help="people in the company")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
