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
        {"indicators": with_indicator(0, scoring={"rule": "capped", "cap": "90"})},
        "indicators[0].scoring.cap",
        "at least 100",
    ),
    (
        "bands order",
        {
            "indicators": with_indicator(
                0,
                scoring={
                    "rule": "bands",
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
                    "rule": "bands",
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
        "direction",
        {"indicators": with_indicator(0, direction="sideways")},
        "indicators[0].direction",
        "higher or lower",
    ),
    (
        "qualitative",
        {"indicators": with_indicator(0, qualitative=True)},
        "indicators[0].scoring.rule",
        "rated 1-5",
    ),
    ("period", {"periodEnd": "2026-12-30"}, "period", "2026-12-01 to 2026-12-31"),
    (
        "quarter",
        {"periodKind": "quarter", "periodStart": "2026-11-01", "periodEnd": "2027-01-31"},
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
    ("level", {"level": "galaxy"}, "level", "company or department"),
    ("no departments", {"departmentIds": []}, "departmentIds", "required"),
]


@pytest.mark.parametrize(("name", "overrides", "field", "words"), CASES, ids=[c[0] for c in CASES])
async def test_plan_validation(api, make_company, name, overrides, field, words) -> None:
    s = await make_company()
    result = await api.gql(
        CREATE, {"i": plan_input([s.ids["plant"]], **overrides)}, as_user=s.user("perf")
    )
    error = result["errors"][0]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, result
    assert words in error["message"]


async def test_valid_scoring_rules_are_kept(api, make_company) -> None:
    s = await make_company()
    items = [
        {
            "name": "销售额",
            "weight": "50",
            "target": "100000",
            "dataSource": "sales.revenue",
            "scoring": {"rule": "capped", "cap": "120"},
        },
        {
            "name": "回款",
            "weight": "25.5",
            "target": "90",
            "scoring": {
                "rule": "bands",
                "bands": [
                    {"from": "0", "score": "0"},
                    {"from": "80", "score": "80"},
                    {"from": "100", "score": "100"},
                ],
            },
        },
        {"name": "团队协作", "weight": "24.5", "qualitative": True, "scoring": {"rule": "rating"}},
    ]
    result = await api.gql(
        """mutation($i: CreatePlanInput!) { createPlan(input: $i) { indicators {
      name weight target scoring { rule cap bands { from score } } qualitative } } }""",
        {"i": plan_input([s.ids["sales"]], indicators=items)},
        as_user=s.user("perf"),
    )
    got = result["data"]["createPlan"]["indicators"]
    assert got[0]["scoring"] == {"rule": "capped", "cap": "120", "bands": []}
    assert [b["from"] for b in got[1]["scoring"]["bands"]] == ["0", "80", "100"]
    assert got[2] == {
        "name": "团队协作",
        "weight": "24.5",
        "target": None,
        "scoring": {"rule": "rating", "cap": None, "bands": []},
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
    assert refused["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "indicators"}


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
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": f"indicators[0].{field}"}, (
        result
    )
    assert len(error["message"]) < 200
