"""The actuals lookup: one statement for a whole batch, one source per value, clear gaps."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from uuid import UUID

import pluggy
import pytest

from plugins.contract import Connector, MetricSpec, Period
from plugins.manager import PluginSet
from server.errors import BadInput
from server.metric_sources import SourceRule, metric_sources, set_metric_sources
from server.metrics import ActualStatus, MetricRegistry, actual_for, actuals
from server.models import ConnectorConfig, Employee, MetricFact

NOV, DEC = (
    Period(date(2026, 11, 1), date(2026, 11, 30)),
    Period(date(2026, 12, 1), date(2026, 12, 31)),
)
Q4 = Period(date(2026, 10, 1), date(2026, 12, 31))
HOURS, RATE, LAST = (
    MetricSpec("t.hours", "Hours", "h", "sum"),
    MetricSpec("t.rate", "Rate", "%", "avg"),
    MetricSpec("t.level", "Level", "", "last"),
)


def registry(*connectors: tuple[str, tuple[MetricSpec, ...]]) -> MetricRegistry:
    """A registry of made-up connectors, in this plugin order."""
    classes = {
        name: type(name, (Connector,), {"name": name, "metrics": specs})
        for name, specs in connectors
    }
    return MetricRegistry.from_plugins(PluginSet(pluggy.PluginManager("jixiao"), classes))


class Company:
    def __init__(self, company_id: UUID, people: dict[str, UUID]) -> None:
        self.id, self.people, self.n = company_id, people, 0

    async def config(self, connector: str) -> str:
        row = await ConnectorConfig.create(company_id=self.id, connector=connector, name=connector)
        return str(row.id)

    async def facts(self, source: str, person: str, metric: str, *days: tuple[str, str]) -> None:
        """(day, value) facts of one person, one day each."""
        for day, value in days:
            self.n += 1
            await MetricFact.create(
                company_id=self.id,
                employee_id=self.people[person],
                metric=metric,
                period_start=date.fromisoformat(day),
                period_end=date.fromisoformat(day),
                value=Decimal(value),
                source=source,
                source_id=f"r{self.n}",
            )


@pytest.fixture
async def company(db, make_company) -> Company:
    sandbox = await make_company()
    rows = await Employee.filter(username__endswith=f"@{sandbox.slug}")
    return Company(rows[0].company_id, {r.username.split("@")[0]: r.id for r in rows})


def statements(caplog: pytest.LogCaptureFixture) -> int:
    return sum(1 for r in caplog.records if r.name == "tortoise.db_client" and r.msg == "%s: %s")


async def test_many_people_metrics_and_periods_in_one_statement(company, caplog) -> None:
    reg = registry(("a", (HOURS, RATE, LAST)))
    source = await company.config("a")
    people = ["staff", "worker", "mgr"]
    for n, person in enumerate(people):
        await company.facts(
            source, person, "t.hours", ("2026-11-02", f"{n}.1"), ("2026-12-03", "0.2")
        )
        await company.facts(source, person, "t.rate", ("2026-11-02", "1"), ("2026-11-03", "0.5"))
        await company.facts(source, person, "t.level", ("2026-10-31", "3"), ("2026-11-30", f"{n}"))
    ids = [company.people[p] for p in people]
    caplog.set_level(logging.DEBUG, logger="tortoise.db_client")
    caplog.clear()
    found = await actuals(reg, company.id, ids, ["t.hours", "t.rate", "t.level"], [NOV, DEC, Q4])
    assert statements(caplog) == 1
    assert len(found) == 3 * 3 * 3
    for n, person in enumerate(ids):
        assert found[person, "t.hours", NOV].value == Decimal(f"{n}.1")
        assert found[person, "t.hours", Q4].value == Decimal(f"{n}.3")  # exact, not float
        assert found[person, "t.hours", Q4].facts == 2
        assert found[person, "t.rate", NOV].value == Decimal("0.75")
        assert found[person, "t.level", Q4].value == Decimal(n)
        assert found[person, "t.level", DEC].status is ActualStatus.NO_DATA
        assert found[person, "t.level", DEC].value is None
    one = found[ids[0], "t.hours", Q4]
    assert (one.status, one.source, one.connector, one.aggregation) == (
        ActualStatus.OK,
        source,
        "a",
        "sum",
    )
    caplog.clear()
    assert await actuals(reg, company.id, [], ["t.hours"], [NOV]) == {}
    assert statements(caplog) == 0


@pytest.mark.parametrize(
    ("how", "expected"),
    [("sum", "0.6"), ("avg", "0.2"), ("min", "0.1"), ("max", "0.3"), ("last", "0.2")],
)
async def test_aggregations_are_exact_decimals(company, how: str, expected: str) -> None:
    reg = registry(("a", (MetricSpec("t.x", "X", "", how),)))  # type: ignore[arg-type]
    source = await company.config("a")
    await company.facts(
        source, "staff", "t.x", ("2026-11-02", "0.1"), ("2026-11-09", "0.3"), ("2026-11-20", "0.2")
    )
    got = await actual_for(reg, company.id, company.people["staff"], "t.x", NOV.start, NOV.end)
    assert got.value == Decimal(expected) and got.aggregation == how and got.facts == 3


async def test_two_sources_never_add_up_and_the_declared_order_wins(company) -> None:
    # Both connectors declare the attendance hours, as WeCom and a time clock both do.
    reg = registry(("wecom", (HOURS,)), ("clock", (HOURS,)))
    wecom, clock = await company.config("wecom"), await company.config("clock")
    await company.facts(wecom, "staff", "t.hours", ("2026-11-02", "8"), ("2026-11-03", "8"))
    await company.facts(clock, "staff", "t.hours", ("2026-11-02", "7.5"), ("2026-11-03", "8.5"))
    await company.facts(clock, "worker", "t.hours", ("2026-11-02", "9"))
    staff, worker = company.people["staff"], company.people["worker"]

    async def read() -> dict:
        return await actuals(reg, company.id, [staff, worker], ["t.hours"], [NOV])

    # Default: the connector declaring the metric first in plugin order; never the sum (32).
    found = await read()
    assert (found[staff, "t.hours", NOV].value, found[staff, "t.hours", NOV].source) == (16, wecom)
    assert found[staff, "t.hours", NOV].ignored_sources == (clock,)
    # A person the first source has nothing on falls to the next one.
    assert (found[worker, "t.hours", NOV].value, found[worker, "t.hours", NOV].connector) == (
        9,
        "clock",
    )

    await set_metric_sources(company.id, "t.hours", ["clock", "wecom"])  # by connector name
    assert (await read())[staff, "t.hours", NOV].value == 16 and (await read())[
        staff, "t.hours", NOV
    ].source == clock
    await set_metric_sources(company.id, "t.hours", [wecom])  # by config id; the rest default
    assert (await read())[staff, "t.hours", NOV].source == wecom
    assert (await read())[worker, "t.hours", NOV].source == clock
    assert await metric_sources(company.id) == {"t.hours": [SourceRule(wecom)]}
    await set_metric_sources(company.id, "t.hours", [])
    assert await metric_sources(company.id) == {}


async def test_configs_of_one_connector_rank_by_age(company) -> None:
    reg = registry(("a", (HOURS,)))
    older, newer = await company.config("a"), await company.config("a")
    await company.facts(newer, "staff", "t.hours", ("2026-11-02", "2"))
    await company.facts(older, "staff", "t.hours", ("2026-11-02", "1"))
    got = await actual_for(reg, company.id, company.people["staff"], "t.hours", NOV.start, NOV.end)
    assert (got.value, got.source, got.ignored_sources) == (1, older, (newer,))


async def test_a_metric_whose_plugin_is_gone_answers_clearly(company) -> None:
    source = await company.config("gone")
    await company.facts(source, "staff", "t.hours", ("2026-11-02", "8"), ("2026-11-03", "6"))
    staff = company.people["staff"]
    nobody = registry(("other", (RATE,)))  # the plugin that declared t.hours is not loaded
    got = await actual_for(nobody, company.id, staff, "t.hours", NOV.start, NOV.end)
    assert got.status is ActualStatus.SOURCE_MISSING and got.value is None
    assert (got.source, got.connector, got.facts) == (source, "gone", 2)
    assert "t.hours" in got.reason and "not installed" in got.reason
    empty = await actual_for(nobody, company.id, staff, "t.hours", DEC.start, DEC.end)
    assert empty.status is ActualStatus.SOURCE_MISSING and "t.hours" in empty.reason
    # The company declares how that source's facts combine: they stay usable.
    await set_metric_sources(company.id, "t.hours", [SourceRule("gone", "avg")])
    got = await actual_for(nobody, company.id, staff, "t.hours", NOV.start, NOV.end)
    assert (got.status, got.value, got.aggregation) == (ActualStatus.OK, 7, "avg")
    # Another installed connector declaring the key gives it its meaning otherwise.
    await set_metric_sources(company.id, "t.hours", [])
    sharing = registry(("other", (HOURS,)))
    got = await actual_for(sharing, company.id, staff, "t.hours", NOV.start, NOV.end)
    assert (got.status, got.value, got.aggregation) == (ActualStatus.OK, 14, "sum")


async def test_conflicting_aggregations_follow_the_winner_and_are_reported(company, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="jixiao")
    reg = registry(("a", (HOURS,)), ("b", (MetricSpec("t.hours", "Hours", "h", "avg"),)))
    assert reg.conflicts and "a: sum, b: avg" in reg.conflicts[0]
    assert any("t.hours" in r.getMessage() for r in caplog.records if r.name == "jixiao")
    a, b = await company.config("a"), await company.config("b")
    await company.facts(a, "staff", "t.hours", ("2026-11-02", "8"), ("2026-11-03", "6"))
    await company.facts(b, "staff", "t.hours", ("2026-11-02", "8"), ("2026-11-03", "6"))
    staff = company.people["staff"]
    got = await actual_for(reg, company.id, staff, "t.hours", NOV.start, NOV.end)
    assert (got.value, got.aggregation, got.connector) == (14, "sum", "a")
    await set_metric_sources(company.id, "t.hours", ["b"])
    got = await actual_for(reg, company.id, staff, "t.hours", NOV.start, NOV.end)
    assert (got.value, got.aggregation, got.connector) == (7, "avg", "b")


async def test_another_company_rules_and_facts_stay_apart(company, make_company) -> None:
    reg = registry(("a", (HOURS,)), ("b", (HOURS,)))
    a = await company.config("a")
    await company.facts(a, "staff", "t.hours", ("2026-11-02", "8"))
    other = await make_company()
    other_company = (await Employee.get(username=other.user("staff"))).company_id
    await set_metric_sources(other_company, "t.hours", [SourceRule("a", "max"), "b"])
    got = await actual_for(reg, company.id, company.people["staff"], "t.hours", NOV.start, NOV.end)
    assert (got.value, got.source) == (8, a)
    found = await actuals(reg, other_company, [company.people["staff"]], ["t.hours"], [NOV])
    assert found[company.people["staff"], "t.hours", NOV].status is ActualStatus.NO_DATA


@pytest.mark.parametrize(
    ("sources", "field"),
    [
        (["a", "a"], "sources[1].source"),
        ([SourceRule("a", "median")], "sources[0].aggregation"),  # type: ignore[arg-type]
        ([" "], "sources[0].source"),
        (["x" * 65], "sources[0].source"),
        ([str(n) for n in range(21)], "sources"),
    ],
)
async def test_a_bad_order_is_refused(company, sources: list, field: str) -> None:
    with pytest.raises(BadInput) as caught:
        await set_metric_sources(company.id, "t.hours", sources)
    assert caught.value.field == field
    assert await metric_sources(company.id) == {}
