"""Decimal columns are exact in SQL on both backends: sums, averages, minima, maxima, groups
and ordering agree with Python's ``Decimal``, and plan child rows carry their company."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import cast
from uuid import UUID

import pytest
from tortoise.functions import Max, Min

from schema.ids import decode
from server.aggregates import avg_of, max_of, min_of, sum_of, totals
from server.models import Employee, Indicator, MetricFact, Plan
from server.models.fields import largest
from tests.schema.plans.planning import COMMENT, create, step

VALUES = [
    "0.1",
    "0.2",
    "0.000001",
    "12345678.123456",
    "-12345678.123455",
    "-0.3",
    "-1",
    "0",
    "9",
    "10",
    "100",
    "99.999999",
    "9000000000000",
    "-9000000000000",
]


async def _people(company_id: UUID) -> list[UUID]:
    return [e.id for e in await Employee.filter(company_id=company_id).order_by("username")]


async def _facts(company_id: UUID, metric: str, values: list[str]) -> dict[UUID, list[Decimal]]:
    """The values as facts of the company's people in turn; who got which."""
    people = await _people(company_id)
    given: dict[UUID, list[Decimal]] = defaultdict(list)
    for n, value in enumerate(values):
        person = people[n % 3]
        await MetricFact.create(
            company_id=company_id,
            employee_id=person,
            metric=metric,
            period_start=date(2026, 12, 1),
            period_end=date(2026, 12, 31),
            value=Decimal(value),
            source="test",
            source_id=f"r{n}",
        )
        given[person].append(Decimal(value))
    return given


async def test_metric_values_aggregate_exactly_in_sql(db, make_company) -> None:
    sandbox = await make_company()
    given = await _facts(sandbox.company_id, "t.exact", VALUES)
    facts = MetricFact.filter(company_id=sandbox.company_id, metric="t.exact")
    everything = [Decimal(v) for v in VALUES]

    assert await sum_of(facts, "value") == sum(everything)
    assert await avg_of(facts, "value") == sum(everything) / len(everything)
    assert await min_of(facts, "value") == min(everything)
    assert await max_of(facts, "value") == max(everything)
    # 0.1 + 0.2 is 0.3 here, not 0.30000000000000004
    assert await sum_of(facts.filter(value__in=[Decimal("0.1"), Decimal("0.2")]), "value") == (
        Decimal("0.3")
    )
    by_person = await totals(facts, "value", by=("employee_id",))
    assert set(by_person) == {(person,) for person in given}
    for (person,), found in by_person.items():
        mine = given[person]
        assert (found.count, found.sum, found.min, found.max) == (
            len(mine),
            sum(mine),
            min(mine),
            max(mine),
        )
        assert found.avg == sum(mine) / len(mine)
    # Tortoise's own MIN/MAX come back as Decimals too.
    row = await facts.annotate(lo=Min("value"), hi=Max("value")).first().values("lo", "hi")
    assert row == {"lo": min(everything), "hi": max(everything)}


async def test_ordering_and_comparisons_are_numeric(db, make_company) -> None:
    sandbox = await make_company()
    # The last two differ in the 19th digit: no float tells them apart.
    added = ["100", "9", "-1", "10", "0", "-10", "0.5", "1234567.123457", "1234567.123456"]
    added += ["1234567890123.000002", "1234567890123.000001"]
    await _facts(sandbox.company_id, "t.order", added)
    expected = sorted(Decimal(v) for v in added)
    facts = MetricFact.filter(company_id=sandbox.company_id, metric="t.order")
    ordered = cast(list[Decimal], await facts.order_by("value").values_list("value", flat=True))
    assert ordered == expected
    assert all(v.as_tuple().exponent == -6 for v in ordered)  # six places, as stored
    # Plain SQL, as a report would write it, sorts and compares the column numerically too.
    value = MetricFact._meta.fields_map["value"]
    client = MetricFact._meta.db
    postgres = client.capabilities.dialect == "postgres"
    mark = ("$1", "$2") if postgres else ("?", "?")
    _, rows = await client.execute_query(
        f"SELECT value FROM metric_fact WHERE company_id = {mark[0]} AND metric = {mark[1]} "
        "ORDER BY value",
        [sandbox.company_id if postgres else str(sandbox.company_id), "t.order"],
    )
    assert [value.to_python_value(r["value"]) for r in rows] == expected
    bigger = (
        await facts.filter(value__gt=Decimal("9"), value__lt=1000)
        .order_by("-value")
        .values_list("value", flat=True)
    )
    assert bigger == [Decimal(100), Decimal(10)]
    assert await facts.filter(value__lte="0.5", value__gte=-1).count() == 3


async def test_sums_beyond_the_64_bit_range_stay_exact(db, make_company) -> None:
    # Three facts near the limit sum past 2^63 units: SQLite refuses such a sum
    # ("integer overflow") and the helper answers from the values; PostgreSQL widens.
    sandbox = await make_company()
    values = ["9000000000000", "9000000000000", "8999999999999.999999"]
    await _facts(sandbox.company_id, "t.huge", values)
    facts = MetricFact.filter(company_id=sandbox.company_id, metric="t.huge")
    exact = sum(Decimal(v) for v in values)
    assert await sum_of(facts, "value") == exact == Decimal("26999999999999.999999")
    assert await avg_of(facts, "value") == exact / 3
    grouped = await totals(facts, "value", by=("metric",))
    assert grouped[("t.huge",)].sum == exact


async def test_values_the_column_cannot_hold_are_refused(db, make_company) -> None:
    sandbox = await make_company()
    person = (await _people(sandbox.company_id))[0]
    fact = {
        "company_id": sandbox.company_id,
        "employee_id": person,
        "metric": "t.refused",
        "period_start": date(2026, 12, 1),
        "period_end": date(2026, 12, 31),
        "source": "test",
        "source_id": "r",
    }
    with pytest.raises(ValueError, match="more than 6 decimal places"):
        await MetricFact.create(**fact, value=Decimal("0.0000001"))
    with pytest.raises(ValueError, match="outside"):
        await MetricFact.create(**fact, value=largest(6) + Decimal("0.000001"))
    with pytest.raises(ValueError, match="outside"):
        await MetricFact.create(**fact, value=Decimal("1e999999999"))
    with pytest.raises(ValueError, match="not a finite number"):
        await MetricFact.create(**fact, value=Decimal("NaN"))
    with pytest.raises(ValueError, match="not float"):
        await MetricFact.filter(value__gt=1.5).count()
    edge = await MetricFact.create(**fact, value=-largest(6))
    await edge.refresh_from_db()
    assert edge.value == -largest(6)
    assert await MetricFact.filter(company_id=sandbox.company_id).count() == 1


async def test_plan_rows_carry_the_company_and_weights_aggregate_exactly(
    api, db, make_company
) -> None:
    sandbox = await make_company()
    plan = await create(api, sandbox)
    assert "errors" not in await step(api, plan["id"], "SUBMIT", sandbox.user("perf"))
    said = await api.gql(COMMENT, {"id": plan["id"], "b": "ok"}, as_user=sandbox.user("perf"))
    assert "errors" not in said, said
    plan_id = decode(plan["id"], "Plan")
    client = api.runtime.db.db()
    for table in ("plan_version", "indicator", "plan_approval", "plan_transition", "plan_comment"):
        mark = "$1" if api.backend == "postgres" else "?"
        _, rows = await client.execute_query(
            f'SELECT company_id FROM "{table}" WHERE plan_id = {mark}',
            [plan_id if api.backend == "postgres" else str(plan_id)],
        )
        assert rows, table
        assert {UUID(str(r["company_id"])) for r in rows} == {sandbox.company_id}, table

    owner = await Plan.get(id=plan_id)
    weights = ["0.0001", "33.3333", "33.3333", "33.3334", "12.5"]
    targets = ["0.000001", "12345678.123456", "-5", None, "10"]
    for n, (weight, target) in enumerate(zip(weights, targets, strict=True)):
        await Indicator.create(
            plan_id=owner.id,
            company_id=owner.company_id,
            version=99,
            key=f"k{n}",
            name=f"i{n}",
            weight=Decimal(weight),
            target=None if target is None else Decimal(target),
        )
    added = Indicator.filter(company_id=sandbox.company_id, version=99)
    assert await sum_of(added, "weight") == Decimal("112.5001")
    assert await avg_of(added, "weight") == Decimal("112.5001") / 5
    set_targets = [Decimal(t) for t in targets if t is not None]
    found = (await totals(added, "target"))[()]
    assert (found.count, found.sum, found.min, found.max) == (
        4,
        sum(set_targets),
        Decimal("-5"),
        Decimal("12345678.123456"),
    )
    by_weight = await added.order_by("weight", "key").values_list("weight", flat=True)
    assert by_weight == sorted(Decimal(w) for w in weights)
    # The plan's own indicators (70 and 30) read back as the API wrote them.
    current = await Indicator.filter(plan_id=plan_id, version=1).order_by("position")
    assert [(i.weight, i.target) for i in current] == [
        (Decimal("70"), Decimal("10000")),
        (Decimal("30"), Decimal("3")),
    ]
