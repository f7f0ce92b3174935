"""The GraphQL requests ``bench_analytics`` times: one per analytic, with its variables.

Each ``Analytic`` names the Query field it needs; the bench skips (with a note) any whose
field the schema does not have. Variables are built per tenant and role from ``Ids``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

PERIOD = "kind: MONTH"
DIST = """query(DECL) { gradeDistribution(period: $p, scope: $s) {
  scopeName headcount scored grades { grade computedCount computedShare calibratedCount
  calibratedShare minShare maxShare targetShare } } }"""
RANK = """query(DECL) {
  departmentRanking(period: $p, scope: $s, rankBy: $b) { companyAverage
  rows { department { id name } rank headcount scored completionRate averageScore
  interval { low high level } shrunkenAverage previousRank previousAverage averageChange
  completionChange } } }"""
TREND = """query(DECL) { trend(subject: $t, from: $f, to: $to) {
  subjectName mean sd upperLimit lowerLimit points { period { label } scored averageScore
  completionRate grade outOfControl } } }"""
VARIABLES = """query(DECL) {
  analyticsVariables(periods: $ps, scope: $s) { kind name label observations } }"""
CORRELATION = """query(DECL) {
  indicatorCorrelation(periods: $ps, scope: $s, variables: $v, method: $m,
  adjustment: BENJAMINI_HOCHBERG) { minPoints variables { name observations }
  pairs { x y n status coefficient pValue adjustedPValue low high } } }"""
DRIVERS = """query(DECL) { scoreDrivers(period: $p, scope: $s) {
  status n rSquared drivers { indicator weight weightShare coefficient varianceShare gap } } }"""
RATERS = """query(DECL) {
  raterEffects(period: $p, scope: $s) { companyMean companySd minRatees
  raters { manager { id name } ratees mean sd meanGap selfGap flags } } }"""
# The normalized scores page (the default 50 rows); their arguments are literals, as
# ``declared`` declares only the top-level field's.
RATERS_NORMALIZED = """query(DECL) {
  raterEffects(period: $p, scope: $s) { companyMean companySd minRatees
  raters { manager { id name } ratees mean sd meanGap selfGap flags }
  normalizedScores(first: 50) { edges { cursor node { employee { id } manager { id } score
  zScore } } pageInfo { hasNextPage endCursor } } } }"""
DASHBOARD = """query(DECL) { dashboard(period: $p) { view scopeName
  completion { department { id name } headcount scored completionRate averageScore }
  distribution { scored grades { grade computedCount calibratedCount } }
  ranking { rows { department { name } rank averageScore } }
  overdue { step count due } openAppeals
  alignment { department { name } companyIndicators carried missing share }
  me { score grade completionRate } } }"""


@dataclass
class Ids:
    """What one tenant and role's requests refer to (global IDs, ISO dates)."""

    months: list[date]  # the 12 period starts, oldest first
    department: str  # a department (with teams) the role reaches, for the trend
    variables: list[dict[str, Any]] = field(default_factory=list)  # 6 for the correlation

    def period(self, back: int = 0) -> dict[str, str]:
        return {"kind": "MONTH", "start": self.months[-1 - back].isoformat()}

    def periods(self, n: int) -> list[dict[str, str]]:
        return [self.period(back) for back in reversed(range(n))]

    def scope(self) -> dict[str, Any]:
        # COMPANY is "all the caller may see": the whole tenant for the GM, a VP's division.
        return {"level": "COMPANY"}


Builder = Callable[[Ids], dict[str, Any]]


@dataclass(frozen=True)
class Analytic:
    name: str  # as printed
    field: str  # the Query field it needs
    query: str
    variables: Builder
    target_ms: float = 200.0


ANALYTICS: tuple[Analytic, ...] = (
    Analytic(
        "gradeDistribution", "gradeDistribution", DIST, lambda i: {"p": i.period(), "s": i.scope()}
    ),
    Analytic(
        "departmentRanking AVERAGE",
        "departmentRanking",
        RANK,
        lambda i: {"p": i.period(), "s": i.scope(), "b": "AVERAGE"},
    ),
    Analytic(
        "departmentRanking SHRUNKEN",
        "departmentRanking",
        RANK,
        lambda i: {"p": i.period(), "s": i.scope(), "b": "SHRUNKEN"},
    ),
    Analytic(
        "trend (department, 12 months)",
        "trend",
        TREND,
        lambda i: {
            "t": {"departmentId": i.department},
            "f": i.months[0].isoformat(),
            "to": i.months[-1].isoformat(),
        },
    ),
    Analytic(
        "analyticsVariables (3 months)",
        "analyticsVariables",
        VARIABLES,
        lambda i: {"ps": i.periods(3), "s": i.scope()},
    ),
    Analytic(
        "indicatorCorrelation PEARSON (6 × 3 months)",
        "indicatorCorrelation",
        CORRELATION,
        lambda i: {"ps": i.periods(3), "s": i.scope(), "v": i.variables, "m": "PEARSON"},
    ),
    Analytic(
        "indicatorCorrelation SPEARMAN (6 × 3 months)",
        "indicatorCorrelation",
        CORRELATION,
        lambda i: {"ps": i.periods(3), "s": i.scope(), "v": i.variables, "m": "SPEARMAN"},
    ),
    Analytic("scoreDrivers", "scoreDrivers", DRIVERS, lambda i: {"p": i.period(), "s": i.scope()}),
    Analytic(
        "raterEffects",
        "raterEffects",
        RATERS,
        lambda i: {"p": i.period(), "s": i.scope()},
    ),
    Analytic(
        "raterEffects normalized",
        "raterEffects",
        RATERS_NORMALIZED,
        lambda i: {"p": i.period(), "s": i.scope()},
    ),
    Analytic("dashboard", "dashboard", DASHBOARD, lambda i: {"p": i.period()}, target_ms=300.0),
)

FALLBACK_VARIABLES: list[dict[str, Any]] = [
    {"kind": "FINAL_SCORE"},
    {"kind": "METRIC", "name": "attendance.rate"},
    {"kind": "INDICATOR", "name": "新客户数 New customers"},
    {"kind": "INDICATOR", "name": "按期交付率 On-time delivery"},
    {"kind": "INDICATOR", "name": "首次响应时长 First reply time"},
    {"kind": "INDICATOR", "name": "客户满意度 Satisfaction"},
]


def pick_variables(found: list[dict[str, Any]], n: int = 6) -> list[dict[str, Any]]:
    """``n`` variables from an ``analyticsVariables`` answer: the final score, the metrics,
    then indicators, in the answer's order."""
    order = {"FINAL_SCORE": 0, "METRIC": 1, "INDICATOR": 2}
    ranked = sorted(found, key=lambda v: order.get(v["kind"], 3))
    chosen = [
        {"kind": v["kind"]}
        if v["kind"] == "FINAL_SCORE"
        else {"kind": v["kind"], "name": v["name"]}
        for v in ranked[:n]
    ]
    return chosen if len(chosen) == n else FALLBACK_VARIABLES[:n]


TYPE = "kind name ofType { kind name ofType { kind name ofType { kind name } } }"
INTROSPECT = "{ __schema { queryType { fields { name args { name type { " + TYPE + " } } } } } }"


def type_text(t: dict[str, Any]) -> str:
    if t["kind"] == "NON_NULL":
        return type_text(t["ofType"]) + "!"
    if t["kind"] == "LIST":
        return f"[{type_text(t['ofType'])}]"
    return str(t["name"])


def argument_types(schema: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Query field -> argument -> its type as written in a variable declaration."""
    return {
        f["name"]: {a["name"]: type_text(a["type"]) for a in f["args"]}
        for f in schema["__schema"]["queryType"]["fields"]
    }


def declared(query: str, field_name: str, types: dict[str, dict[str, str]]) -> str:
    """The query with its variables declared as the schema types the field's arguments, so
    a renamed input type (``PeriodInput`` became ``AnalyticsPeriodInput``) needs no edit."""
    call = query[query.index(field_name + "(") :]
    call = call[: call.index(")")]
    pairs = re.findall(r"(\w+): \$(\w+)", call)
    missing = [arg for arg, _ in pairs if arg not in types[field_name]]
    if missing:
        raise KeyError(f"{field_name} has no argument {', '.join(missing)}")
    decl = ", ".join(f"${var}: {types[field_name][arg]}" for arg, var in pairs)
    return query.replace("DECL", decl, 1)
