"""The tables ``bench_employees`` prints: cases, targets and the Casbin reference."""

from __future__ import annotations

import argparse
import re
import statistics
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import casbin  # noqa: TID251 - the naive-enforce() reference, never app code

from server.runtime import Runtime
from server.settings import PROJECT_ROOT

try:
    from bench.bench_instruments import per_call_us
except ImportError:  # run as a script: bench/ itself is on sys.path
    from bench_instruments import per_call_us


@dataclass
class Case:
    name: str
    request: Callable[[], Awaitable[None]]
    latencies: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    sql: int | None = None
    authz_ms: float | None = None

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) * 1000

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.latencies, n=20)[-1] * 1000

    @property
    def cpu_ms(self) -> float:
        return statistics.median(self.cpu) * 1000


def brief(sql: str) -> str:
    """A statement without its column list and with IN-lists counted, for --show-sql."""
    sql = re.sub(r"^SELECT .*? FROM ", "SELECT … FROM ", sql, count=1)
    return re.sub(r"IN \(([?$\d,]+)\)", lambda m: f"IN (<{m[1].count(',') + 1} ids>)", sql)


def fmt_table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def report(
    args: argparse.Namespace,
    cases: list[Case],
    sql_rows: list[list[str]],
    authz_rows: list[list[str]],
    overhead: float,
    runtime: Runtime,
    checks: float,
) -> None:
    ceiling = next(c for c in cases if c.name.startswith("ceiling"))
    rows = [
        [
            c.name,
            f"{c.p50:.2f}",
            f"{c.p95:.2f}",
            f"{c.cpu_ms:.2f}",
            "-" if c.sql is None else str(c.sql),
            "-" if c.authz_ms is None else f"{c.authz_ms:.3f} ({c.authz_ms / c.p50:.1%})",
            f"{c.p50 / ceiling.p50:.2f}×",
        ]
        for c in cases
    ]
    print(f"## Latency ({args.backend}, employees(first: 100), {args.requests} requests)\n")
    print(
        fmt_table(
            [
                "case",
                "p50 ms",
                "p95 ms",
                "CPU ms (p50)",
                "SQL statements/request",
                "authz ms/request (share of p50)",
                "p50 / ceiling",
            ],
            rows,
        )
    )
    print("\n## SQL statements per request by page size (distinct counts over 5 requests)\n")
    print(fmt_table(["role", "first: 10", "first: 50", "first: 100"], sql_rows))
    print(
        f"\n## Authorization per request, first: 100 (instrumented run; decisions include "
        f"the timer's own {overhead:.2f} µs per entry call, so they are an upper bound)\n"
    )
    print(
        fmt_table(
            [
                "role",
                "request ms (mean)",
                "check()",
                "_grant()",
                "relations()",
                "enforce()",
                "decisions ms (share)",
                "org tree ms",
                "token→caller ms",
            ],
            authz_rows,
        )
    )
    enforcer = casbin.Enforcer(
        str(PROJECT_ROOT / "policies" / "model.conf"), str(PROJECT_ROOT / "policies" / "policy.csv")
    )
    naive = per_call_us(
        lambda: enforcer.enforce("vp", "scale", "employee", "read_personal", "scope"), 5_000
    )
    policy = runtime.policies.current
    memo = per_call_us(lambda: policy.relations("vp", "scale", "employee", "read_personal"))
    app_cases = [c for c in cases if c.sql is not None]
    worst = max(c.p50 / ceiling.p50 for c in app_cases)
    constant = all(len({*r[1:]}) == 1 and "," not in r[1] for r in sql_rows)
    share = max((c.authz_ms or 0) / c.p50 for c in app_cases)
    print("\n## Targets\n")
    print(f"- p50 ≤ 2× the ceiling: worst role {worst:.2f}× — {'met' if worst <= 2 else 'MISSED'}")
    print(f"- SQL statements per request constant in page size: {'met' if constant else 'MISSED'}")
    print(
        f"- authorization < 5 % of request time: at most {share:.1%} — "
        f"{'met' if share < 0.05 else 'MISSED'}"
    )
    print("\n## Casbin reference\n")
    print(f"- one naive `casbin.Enforcer.enforce()` against policies/: {naive:.1f} µs")
    print(f"- one memoized `CompiledPolicy.relations()` (answers all 4 relations): {memo:.2f} µs")
    print(
        f"- calling enforce() for each of the {checks:.0f} check() calls of a request, once "
        f"per relation, would cost {naive * checks * 4 / 1000:.0f} ms per request"
    )
