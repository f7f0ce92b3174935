"""Decimal inputs of any magnitude or spelling are refused cleanly, naming the field.

``1e999999999`` once raised ``decimal.Overflow`` inside the very check meant to refuse it.
"""

from __future__ import annotations

from typing import Any

from tests.schema.plans.planning import CREATE, indicators, plan_input

ODD = [
    "1e999999999",
    "-1e999999999",
    "1e-999999999",
    "-1e-999999999",
    "NaN",
    "-NaN",
    "sNaN",
    "Infinity",
    "-Infinity",
    "9" * 5000,
    "0." + "0" * 5000 + "1",
    "1" + "0" * 5000 + ".5",
]
# Not decimals at all: the Decimal scalar refuses these before any resolver runs.
NOT_DECIMALS = ["1e9999999999999999999", "twelve", ""]


# Each scoring input holding a decimal: the scoring it is tried in, and its field path.
SCORING: dict[str, tuple[dict[str, Any], str]] = {
    "cap": ({"cap": "{}"}, "cap"),
    "floor": ({"floor": "{}"}, "floor"),
    "zeroAnchor": ({"kind": "LINEAR", "zeroAnchor": "{}"}, "zeroAnchor"),
    "penalty": ({"kind": "TARGET_DISTANCE", "penalty": "{}"}, "penalty"),
    "gate.below": ({"gate": {"below": "{}", "totalCap": "60"}}, "gate.below"),
    "gate.totalCap": ({"gate": {"below": "60", "totalCap": "{}"}}, "gate.totalCap"),
}


def _filled(template: Any, value: str) -> Any:
    if isinstance(template, dict):
        return {k: _filled(v, value) for k, v in template.items()}
    return value if template == "{}" else template


def _plan(field: str, value: str) -> tuple[list[dict[str, Any]], str]:
    """The indicators with ``value`` in ``field``, and the field path the error must name."""
    items = indicators()
    first = items[0]
    if field in ("weight", "target"):
        first[field] = value
        return items, f"indicators[0].{field}"
    if field in SCORING:
        scoring, path = SCORING[field]
        first["scoring"] = _filled(scoring, value)
        return items, f"indicators[0].scoring.{path}"
    if field == "ratingPoints":
        first.update(qualitative=True, scoring={"kind": "RATING"})
        first["scoring"]["ratingPoints"] = ["20", "40", value, "80", "100"]
        return items, "indicators[0].scoring.ratingPoints[2]"
    bands = [{"from": "0", "score": "0"}, {"from": "80", "score": "80"}]
    bands[1][field] = value
    first["scoring"] = {"kind": "BANDS", "bands": bands}
    return items, f"indicators[0].scoring.bands[1].{field}"


async def test_odd_decimals_in_every_decimal_input_are_bad_input(api, make_company) -> None:
    s = await make_company()
    token = await api.token(s.user("perf"))
    for field in ("weight", "target", *SCORING, "ratingPoints", "from", "score"):
        for value in ODD + NOT_DECIMALS:
            items, path = _plan(field, value)
            response = await api.post(
                CREATE, {"i": plan_input([s.ids["plant"]], indicators=items)}, token=token
            )
            assert response.status_code == 200, (field, value[:20], response.text)
            [error] = response.json()["errors"]
            expected = {"code": "BAD_USER_INPUT"} | (
                {"reason": "INVALID_FORMAT", "field": path}
                if value in ODD
                else {"reason": "INVALID_QUERY"}
            )
            assert error["extensions"] == expected, (field, value[:20], error)
            assert len(error["message"]) < 200


async def test_a_huge_exponent_written_into_the_document_is_bad_input(api, make_company) -> None:
    s = await make_company()
    for literal in ("1e999999999", '"1e999999999"', '"-1e-999999999"'):
        query = (
            'mutation($d: [ID!]!) { createPlan(input: {name: "p", level: "department", '
            'periodKind: "month", periodStart: "2026-12-01", periodEnd: "2026-12-31", '
            'deadlines: {submission: "2026-11-25", review: "2026-11-30", '
            'selfEvaluation: "2027-01-03", managerEvaluation: "2027-01-06"}, departmentIds: $d, '
            f'indicators: [{{name: "a", weight: {literal}, target: "1"}}]}}) {{ id }} }}'
        )
        result = await api.gql(query, {"d": [s.ids["plant"]]}, as_user=s.user("perf"))
        error = result["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (literal, result)


async def test_equal_decimals_in_other_spellings_are_accepted_plain(api, make_company) -> None:
    s = await make_company()
    items = indicators()
    items[0]["weight"], items[1]["weight"] = "0.7E+2", "30.0000"
    items[0]["target"] = "1E+4"
    result = await api.gql(
        CREATE, {"i": plan_input([s.ids["plant"]], indicators=items)}, as_user=s.user("perf")
    )
    assert "errors" not in result, result
    got = result["data"]["createPlan"]["indicators"]
    assert [i["weight"] for i in got] == ["70", "30"]
