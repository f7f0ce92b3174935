"""Decimals leave plain and normalized, never in exponent notation: one scalar for every field.

``Decimal("60").normalize()`` prints as ``6E+1`` and ``Decimal("10000")`` normalized as
``1E+4``; clients got those strings. Now ``"60"``, ``"10000"``, ``"1.5"``, ``"0"``. Input takes
the same strings as before (``"6E+1"`` included).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from schema.scalars import plain_decimal
from tests.schema.plans.planning import CREATE, PLAN, plan_input

FIELDS = """mutation($i: CreatePlanInput!) { createPlan(input: $i) { id indicators {
  weight target scoring { cap bands { from score } } } } }"""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("60", "60"),
        ("6E+1", "60"),
        ("10000", "10000"),
        ("1E+4", "10000"),
        ("1.50", "1.5"),
        ("0.00", "0"),
        ("-0", "0"),
        ("0E-8", "0"),
        ("-2.500", "-2.5"),
        ("1e-7", "0.0000001"),
        ("12345678901234567890123456789012.50", "12345678901234567890123456789012.5"),
    ],
)
def test_plain_decimal(value: str, expected: str) -> None:
    assert plain_decimal(Decimal(value)) == expected


async def test_plan_decimals_are_plain(api, make_company) -> None:
    s = await make_company()
    items = [
        {
            "name": "产量",
            "weight": "60",
            "target": "10000",
            "scoring": {
                "kind": "BANDS",
                "bands": [{"from": "0.00", "score": "0"}, {"from": "1E+2", "score": "100.0"}],
            },
        },
        {
            "name": "合格率",
            "weight": "4E+1",
            "target": "1.50",
            "scoring": {"cap": "120.00"},
        },
    ]
    result = await api.gql(
        FIELDS, {"i": plan_input([s.ids["plant"]], indicators=items)}, as_user=s.user("perf")
    )
    assert "errors" not in result, result
    created = result["data"]["createPlan"]
    got = created["indicators"]
    assert [(i["weight"], i["target"]) for i in got] == [("60", "10000"), ("40", "1.5")]
    assert got[0]["scoring"]["bands"] == [
        {"from": "0", "score": "0"},
        {"from": "100", "score": "100"},
    ]
    assert got[1]["scoring"]["cap"] == "120"
    # Read back from the database, too.
    again = await api.gql(PLAN, {"id": created["id"]}, as_user=s.user("perf"))
    indicators = again["data"]["plan"]["indicators"]
    assert [(i["weight"], i["target"]) for i in indicators] == [("60", "10000"), ("40", "1.5")]


async def test_decimal_inputs_accept_the_same_strings(api, make_company) -> None:
    s = await make_company()
    items = [
        {"name": "a", "weight": "6E+1", "target": "1E+4"},
        {"name": "b", "weight": "40.000", "target": "0.5"},
    ]
    result = await api.gql(
        CREATE, {"i": plan_input([s.ids["plant"]], indicators=items)}, as_user=s.user("perf")
    )
    assert "errors" not in result, result
    got = result["data"]["createPlan"]["indicators"]
    assert [(i["weight"], i["target"]) for i in got] == [("60", "10000"), ("40", "0.5")]
