"""The analytics' metric values are the floats of what ``server.metrics.actuals`` computes."""

from __future__ import annotations

from datetime import date

from plugins.contract import MetricSpec, Period
from server.analytics.metric_values import metric_values
from server.metric_sources import SourceRule, set_metric_sources
from server.metrics import ActualStatus, actuals
from tests.server.test_actuals import Company, company, registry

__all__ = ["company"]  # the fixture, used by name

NOV, DEC = (
    Period(date(2026, 11, 1), date(2026, 11, 30)),
    Period(date(2026, 12, 1), date(2026, 12, 31)),
)
Q4 = Period(date(2026, 10, 1), date(2026, 12, 31))
METRICS = ["t.sum", "t.avg", "t.last", "t.min", "t.max", "t.gone"]


async def test_every_rule_gives_the_float_of_the_actual(company: Company) -> None:
    reg = registry(
        (
            "a",
            (
                MetricSpec("t.sum", "S", "", "sum"),
                MetricSpec("t.avg", "A", "", "avg"),
                MetricSpec("t.last", "L", "", "last"),
                MetricSpec("t.min", "Mi", "", "min"),
                MetricSpec("t.max", "Ma", "", "max"),
            ),
        ),
        ("b", (MetricSpec("t.avg", "A", "", "sum"),)),
    )
    a, b, gone = await company.config("a"), await company.config("b"), await company.config("x")
    days = [("2026-10-31", "0.1"), ("2026-11-02", "0.2"), ("2026-11-02", "0.4")]
    days += [("2026-11-30", "1.000001"), ("2026-12-03", "-7.333333")]
    for n, person in enumerate(["staff", "worker", "mgr"]):
        for metric in METRICS[:5]:
            await company.facts(a, person, metric, *days[n:])
        await company.facts(b, person, "t.avg", ("2026-11-05", f"{n}.3"), ("2026-11-06", "0.1"))
        await company.facts(gone, person, "t.gone", ("2026-11-05", "2.5"), ("2026-11-07", "1"))
    # b wins t.avg for everyone (and sums its facts); the gone connector's facts average.
    await set_metric_sources(company.id, "t.avg", [b])
    await set_metric_sources(company.id, "t.gone", [SourceRule(gone, "avg")])
    people = list(company.people.values())
    expected = await actuals(reg, company.id, people, METRICS, [NOV, DEC, Q4])
    found = await metric_values(reg, company.id, people, METRICS, [NOV, DEC, Q4])
    wanted = {
        cell: float(actual.value)
        for cell, actual in expected.items()
        if actual.status is ActualStatus.OK and actual.value is not None
    }
    assert found == wanted
    assert len(wanted) > 3 * 5 * 2  # most cells carry a value
    assert {cell[1] for cell in wanted} == set(METRICS)
