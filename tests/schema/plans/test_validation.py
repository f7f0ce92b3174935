"""Every validation rule, with the field path in the error."""

from __future__ import annotations

import pytest

from tests.schema.plans.planning import CREATE, indicators, plan_input


def with_indicator(index: int, **changes) -> list[dict]:
    items = indicators()
    items[index] = {**items[index], **changes}
    return items


CASES = [
    (
        "weights",
        {"indicators": with_indicator(0, weight="60")},
        "indicators",
        "add up to exactly 100; they add up to 90",
    ),
    (
        "zero weight",
        {"indicators": with_indicator(1, weight="0")},
        "indicators[1].weight",
        "greater than 0",
    ),
    (
        "target",
        {"indicators": with_indicator(0, target="0")},
        "indicators[0].target",
        "greater than 0",
    ),
    (
        "missing target",
        {"indicators": with_indicator(0, target=None)},
        "indicators[0].target",
        "required",
    ),
    (
        "cap",
        {"indicators": with_indicator(0, scoring={"cap": "90"})},
        "indicators[0].scoring.cap",
        "at least 100",
    ),
    (
        "bands order",
        {
            "indicators": with_indicator(
                0,
                scoring={
                    "kind": "BANDS",
                    "bands": [
                        {"from": "0", "score": "0"},
                        {"from": "90", "score": "80"},
                        {"from": "80", "score": "100"},
                    ],
                },
            )
        },
        "indicators[0].scoring.bands",
        "start at 0",
    ),
    (
        "bands cover",
        {
            "indicators": with_indicator(
                0,
                scoring={
                    "kind": "BANDS",
                    "bands": [{"from": "50", "score": "60"}, {"from": "100", "score": "100"}],
                },
            )
        },
        "indicators[0].scoring.bands",
        "start at 0",
    ),
    (
        "duplicate",
        {"indicators": with_indicator(1, name="产量 OUTPUT")},
        "indicators[1].name",
        "used twice",
    ),
    (
        "unknown metric",
        {"indicators": with_indicator(0, dataSource="sales.happiness")},
        "indicators[0].dataSource",
        "sales.happiness",
    ),
    (
        "qualitative",
        {"indicators": with_indicator(0, qualitative=True)},
        "indicators[0].scoring.kind",
        "rated 1-5",
    ),
    ("period", {"periodEnd": "2026-12-30"}, "period", "2026-12-01 to 2026-12-31"),
    (
        "quarter",
        {"periodKind": "QUARTER", "periodStart": "2026-11-01", "periodEnd": "2027-01-31"},
        "period",
        "2026-10-01 to 2026-12-31",
    ),
    (
        "deadline order",
        {
            "deadlines": {
                "submission": "2026-11-28",
                "review": "2026-11-27",
                "selfEvaluation": "2027-01-03",
                "managerEvaluation": "2027-01-06",
            }
        },
        "deadlines.review",
        "before",
    ),
    (
        "review after period",
        {
            "deadlines": {
                "submission": "2026-11-25",
                "review": "2027-01-02",
                "selfEvaluation": "2027-01-03",
                "managerEvaluation": "2027-01-06",
            }
        },
        "period.end",
        "before",
    ),
    ("no departments", {"departmentIds": []}, "departmentIds", "required"),
]


REASONS = {
    "weights": "WEIGHTS_NOT_100",
    "zero weight": "MUST_BE_POSITIVE",
    "target": "MUST_BE_POSITIVE",
    "missing target": "REQUIRED",
    "cap": "CAP_TOO_LOW",
    "bands order": "BANDS_INVALID",
    "bands cover": "BANDS_INVALID",
    "duplicate": "DUPLICATE_NAME",
    "unknown metric": "UNKNOWN_METRIC",
    "qualitative": "INVALID_FORMAT",
    "period": "PERIOD_BOUNDS",
    "quarter": "PERIOD_BOUNDS",
    "deadline order": "DATES_ORDER",
    "review after period": "DATES_ORDER",
    "no departments": "REQUIRED",
}


@pytest.mark.parametrize(("name", "overrides", "field", "words"), CASES, ids=[c[0] for c in CASES])
async def test_plan_validation(api, make_company, name, overrides, field, words) -> None:
    s = await make_company()
    result = await api.gql(
        CREATE, {"i": plan_input([s.ids["plant"]], **overrides)}, as_user=s.user("perf")
    )
    error = result["errors"][0]
    expected = {"code": "BAD_USER_INPUT", "reason": REASONS[name], "field": field}
    assert error["extensions"] == expected, result
    assert words in error["message"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"indicators": with_indicator(0, direction="SIDEWAYS")},
        {"indicators": with_indicator(0, direction="lower")},
        {"level": "GALAXY"},
        {"periodKind": "month"},
    ],
)
async def test_values_outside_a_closed_set_are_refused_by_the_schema(
    api, make_company, overrides
) -> None:
    s = await make_company()
    result = await api.gql(
        CREATE, {"i": plan_input([s.ids["plant"]], **overrides)}, as_user=s.user("perf")
    )
    assert result["data"] is None
    assert result["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "INVALID_QUERY",
    }


async def test_valid_scoring_rules_are_kept(api, make_company) -> None:
    s = await make_company()
    items = [
        {
            "name": "销售额",
            "weight": "50",
            "target": "100000",
            "dataSource": "sales.revenue",
            "scoring": {"cap": "120"},
        },
        {
            "name": "回款",
            "weight": "25.5",
            "target": "90",
            "scoring": {
                "kind": "BANDS",
                "bands": [
                    {"from": "0", "score": "0"},
                    {"from": "80", "score": "80"},
                    {"from": "100", "score": "100"},
                ],
            },
        },
        {"name": "团队协作", "weight": "24.5", "qualitative": True, "scoring": {"kind": "RATING"}},
    ]
    result = await api.gql(
        """mutation($i: CreatePlanInput!) { createPlan(input: $i) { indicators {
      name weight target scoring { kind cap bands { from score } } qualitative } } }""",
        {"i": plan_input([s.ids["sales"]], indicators=items)},
        as_user=s.user("perf"),
    )
    got = result["data"]["createPlan"]["indicators"]
    assert got[0]["scoring"] == {"kind": "RATIO", "cap": "120", "bands": []}
    assert [b["from"] for b in got[1]["scoring"]["bands"]] == ["0", "80", "100"]
    assert got[2] == {
        "name": "团队协作",
        "weight": "24.5",
        "target": None,
        "scoring": {"kind": "RATING", "cap": None, "bands": []},
        "qualitative": True,
    }


async def test_a_plan_can_start_empty_but_not_be_submitted_empty(api, make_company) -> None:
    from tests.schema.plans.planning import step

    s = await make_company()
    empty = await api.gql(
        CREATE, {"i": plan_input([s.ids["plant"]], indicators=[])}, as_user=s.user("perf")
    )
    plan = empty["data"]["createPlan"]
    assert plan["indicators"] == []
    refused = await step(api, plan["id"], "SUBMIT", s.user("perf"))
    assert refused["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "REQUIRED",
        "field": "indicators",
    }


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e999999", "0.0000001"])
@pytest.mark.parametrize("field", ["weight", "target"])
async def test_odd_numbers_are_refused_cleanly(api, make_company, value, field) -> None:
    s = await make_company()
    result = await api.gql(
        CREATE,
        {"i": plan_input([s.ids["plant"]], indicators=with_indicator(0, **{field: value}))},
        as_user=s.user("perf"),
    )
    error = result["errors"][0]
    assert error["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "INVALID_FORMAT",
        "field": f"indicators[0].{field}",
    }, result
    assert len(error["message"]) < 200
