"""Planted data for the correlation and driver API tests, with scipy's answers as literals.

The finalized calibration scene (13 people, tests/schema/calibration/support.py): revenue
(target 10, weight 60) and new customers (target 4, weight 40) as below, so the indicators'
scores are 10 x revenue and 25 x customers; each final score is overwritten with
50 + 0.2 x revenue score + 0.5 x customers score + noise (customers drive the score far
beyond their 40 % weight), and each person gets one December attendance fact.

The literals come from scipy 1.17.1 (pearsonr with confidence_interval, spearmanr,
false_discovery_control) and numpy.linalg.lstsq on z-scored columns, run once over these
numbers.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from server.models import Actual, MetricFact, Score
from tests.schema.calibration.support import finalized_scene
from tests.server.score_pipeline_support import Scene

PEOPLE = ("mgr", "staff", "s1", "s2", "s3", "s4", "s5", "s6", "worker", "p1", "p2", "p3", "p4")
REVENUE = (9, 9, 9, 7, 7, 5, 5, 3, 7, 7, 5, 3, 9)
CUSTOMERS = (5, 3, 6, 4, 2, 5, 3, 1, 4, 4, 4, 4, 4)  # constant in the plant
ATTENDANCE = ("0.96", "0.93", "0.97", "0.9", "0.88", "0.95", "0.9", "0.85")
ATTENDANCE += ("0.92", "0.94", "0.91", "0.89", "0.97")
TOTAL = ("131.7", "104.7", "143.5", "112.9", "89.3", "123.4", "97.1", "68.7")
TOTAL += ("113.4", "115.0", "109.7", "106.7", "117.1")
PERIOD = {"kind": "MONTH", "start": "2026-12-01"}

# Pairs (x, y) of [FINAL_SCORE, revenue, customers, attendance.rate]: r, p, low, high.
PEARSON = {
    (0, 1): (0.5981021604690103, 0.030835031959911587, 0.07027599694778953, 0.8642708827262868),
    (0, 2): (0.9796379607999113, 5.112887060173264e-09, 0.9313800553696665, 0.9940621794595753),
    (0, 3): (0.889670941026139, 4.662572365741364e-05, 0.6643442996226608, 0.9667564656028509),
    (1, 2): (0.42871153585015687, 0.14382606158172678, -0.1600889869412613, 0.7924979267331441),
    (1, 3): (0.7297028256866089, 0.004637189103022439, 0.2988864905582819, 0.913436093414383),
    (2, 3): (0.8211139487687917, 0.0005794027257061757, 0.4933151206867979, 0.9446975590363723),
}
PEARSON_BH = {
    (0, 1): 0.037002038351893904,
    (0, 2): 3.067732236103958e-08,
    (0, 3): 0.00013987717097224092,
    (1, 2): 0.14382606158172678,
    (1, 3): 0.006955783654533659,
    (2, 3): 0.0011588054514123515,
}
# Spearman (revenue has ties): rho, p; the interval is Fisher's z on rho (numpy).
SPEARMAN = {
    (0, 1): (0.5437294124472741, 0.05476754678577588, -0.010359443226111082, 0.8423559072774803),
    (0, 2): (0.9478141423040956, 8.511429282491131e-07, 0.830588400832924, 0.9846066681412052),
    (0, 3): (0.8953202017238515, 3.531420826904958e-05, 0.6795747404164377, 0.9685244039064531),
    (1, 2): (0.3469031622956425, 0.24553524237179047, -0.25230790532133585, 0.7538069094635199),
    (1, 3): (0.717932898762782, 0.005717284626795999, 0.27620688572620883, 0.9092469520323604),
    (2, 3): (0.760052394568335, 0.0025678213099298414, 0.35970246130565325, 0.924061393327151),
}
# The sales department alone (vpa's division): FINAL_SCORE against revenue, n = 8.
SALES_PEARSON = (0.6862582785407159, 0.060179696413532074)
# scoreDrivers: betas (revenue, customers), R^2, Pratt shares.
DRIVERS = ((0.21822919002433835, 0.8860805895772413), 0.9985615319087907)
DRIVER_SHARES = (0.13071137417186332, 0.8692886258281366)

CORRELATION = """query($p: [AnalyticsPeriodInput!]!, $s: AnalyticsScopeInput,
  $v: [AnalyticsVariableInput!]!, $m: CorrelationMethod!, $a: PValueAdjustment!) {
  indicatorCorrelation(periods: $p, scope: $s, variables: $v, method: $m, adjustment: $a) {
    method adjustment minPoints variables { kind name label observations }
    pairs { x y n status coefficient pValue adjustedPValue low high } } }"""
VARIABLES = """query($p: [AnalyticsPeriodInput!]!, $s: AnalyticsScopeInput) {
  analyticsVariables(periods: $p, scope: $s) { kind name label observations } }"""
DRIVERS_QUERY = """query($p: AnalyticsPeriodInput!, $s: AnalyticsScopeInput) {
  scoreDrivers(period: $p, scope: $s) {
    status n rSquared
    drivers { indicator weight weightShare coefficient varianceShare gap } } }"""
SETTINGS = """mutation($i: UpdateAnalyticsSettingsInput!) {
  updateAnalyticsSettings(input: $i) { minPoints } }"""


async def planted_scene(api: Any, make_company: Any) -> Scene:
    scene = await finalized_scene(api, make_company)
    for n, person in enumerate(PEOPLE):
        employee = scene.people[person]
        await Actual.filter(
            plan_id=scene.plan_id, employee_id=employee.id, indicator_key=scene.customers
        ).update(value=Decimal(CUSTOMERS[n]))
        await Score.filter(plan_id=scene.plan_id, employee_id=employee.id).update(
            total=Decimal(TOTAL[n])
        )
        await MetricFact.create(
            company_id=scene.company_id,
            employee_id=employee.id,
            metric="attendance.rate",
            period_start=date(2026, 12, 15),
            period_end=date(2026, 12, 15),
            value=Decimal(ATTENDANCE[n]),
            source="wecom",
            source_id=f"att-{person}",
        )
    return scene


def variables(scene: Scene) -> list[dict[str, Any]]:
    return [
        {"kind": "FINAL_SCORE"},
        {"kind": "INDICATOR", "name": scene.revenue},
        {"kind": "INDICATOR", "name": scene.customers},
        {"kind": "METRIC", "name": "attendance.rate"},
    ]


async def correlate(
    scene: Scene,
    who: str = "perf",
    method: str = "PEARSON",
    adjustment: str = "NONE",
    scope: dict[str, Any] | None = None,
    chosen: list[dict[str, Any]] | None = None,
    periods: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    values = {
        "p": periods or [PERIOD],
        "s": scope,
        "v": chosen if chosen is not None else variables(scene),
        "m": method,
        "a": adjustment,
    }
    return await scene.api.gql(CORRELATION, values, as_user=scene.sandbox.user(who))


def pairs_of(answer: dict[str, Any]) -> dict[tuple[int, int], dict[str, Any]]:
    assert "errors" not in answer, answer
    return {(p["x"], p["y"]): p for p in answer["data"]["indicatorCorrelation"]["pairs"]}
