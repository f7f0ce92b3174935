"""Scoring rules through the API: every kind goes into a plan and a template and comes back
the same, from the database too; a template's rules reach the plans made from it; rule
fields are patched one by one; and what is wrong is refused naming the setting."""

from __future__ import annotations

from typing import Any

import pytest

from tests.schema.plans.planning import create, plan_input

SCORING = """scoring { kind zeroAnchor penalty floor cap basis bands { from score }
  gate { below totalCap } ratingPoints }"""
INDICATOR = f"name target direction qualitative {SCORING}"
CREATE = f"""mutation($i: CreatePlanInput!) {{ createPlan(input: $i) {{ id version
  indicators {{ key {INDICATOR} }} }} }}"""
READ = f"query($id: ID!) {{ plan(id: $id) {{ version indicators {{ key {INDICATOR} }} }} }}"
TEMPLATE = f"""mutation($i: TemplateInput!) {{ createTemplate(input: $i) {{ id
  indicators {{ {INDICATOR} }} }} }}"""
TEMPLATES = (
    f"query {{ templates(departmentKind: QUALITY) {{ id name indicators {{ {INDICATOR} }} }} }}"
)
PATCH = f"""mutation($id: ID!, $v: Int!, $k: String!, $i: IndicatorPatch!) {{
  updateIndicator(planId: $id, expectedVersion: $v, key: $k, input: $i, comment: "规则") {{
    version indicators {{ key {INDICATOR} }} }} }}"""
DIFF = "query($id: ID!) { planVersionDiff(planId: $id, from: 1) { field text } }"

NONE: dict[str, Any] = {
    "zeroAnchor": None,
    "penalty": None,
    "floor": None,
    "cap": None,
    "basis": None,
    "bands": [],
    "gate": None,
    "ratingPoints": None,
}
BANDS = [{"from": "0", "score": "100"}, {"from": "2", "score": "80"}, {"from": "5", "score": "0"}]
# (input, what comes back), one indicator per kind; the weights add up to 100.
KINDS: list[tuple[dict[str, Any], dict[str, Any]]] = [
    (
        {"name": "回款率", "weight": "20", "target": "95", "scoring": {"cap": "120"}},
        {"kind": "RATIO", "cap": "120"},
    ),
    (
        {
            "name": "产量",
            "weight": "20",
            "target": "10000",
            "scoring": {"kind": "LINEAR", "zeroAnchor": "6000", "floor": "0", "cap": "150"},
        },
        {"kind": "LINEAR", "zeroAnchor": "6000", "floor": "0", "cap": "150"},
    ),
    (
        {
            "name": "交付周期",
            "weight": "20",
            "target": "5",
            "direction": "LOWER",
            "scoring": {
                "kind": "TARGET_DISTANCE",
                "penalty": "12.5",
                "gate": {"below": "60", "totalCap": "0"},
            },
        },
        {"kind": "TARGET_DISTANCE", "penalty": "12.5", "gate": {"below": "60", "totalCap": "0"}},
    ),
    (
        {
            "name": "不良率",
            "weight": "20",
            "target": "2",
            "direction": "LOWER",
            "scoring": {"kind": "BANDS", "basis": "ACTUAL", "bands": BANDS},
        },
        {"kind": "BANDS", "basis": "ACTUAL", "bands": BANDS},
    ),
    (
        {
            "name": "团队协作",
            "weight": "10",
            "qualitative": True,
            "scoring": {"kind": "RATING", "ratingPoints": ["0", "50", "70", "90", "100"]},
        },
        {"kind": "RATING", "ratingPoints": ["0", "50", "70", "90", "100"]},
    ),
    (
        {"name": "规范执行", "weight": "10", "qualitative": True, "scoring": {"kind": "RATING"}},
        {"kind": "RATING", "ratingPoints": ["20", "40", "60", "80", "100"]},
    ),
]


def expected(given: dict[str, Any], scoring: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": given["name"],
        "target": given.get("target"),
        "direction": given.get("direction", "HIGHER"),
        "qualitative": given.get("qualitative", False),
        "scoring": NONE
        | ({"basis": "ACHIEVEMENT"} if scoring["kind"] == "BANDS" else {})
        | scoring,
    }


def without_keys(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in i.items() if k != "key"} for i in items]


async def test_every_kind_goes_into_a_plan_and_comes_back(api, make_company) -> None:
    s = await make_company()
    items = [given for given, _ in KINDS]
    made = await api.gql(
        CREATE, {"i": plan_input([s.ids["plant"]], indicators=items)}, as_user=s.user("perf")
    )
    assert "errors" not in made, made
    want = [expected(given, scoring) for given, scoring in KINDS]
    plan = made["data"]["createPlan"]
    assert without_keys(plan["indicators"]) == want
    read = await api.gql(READ, {"id": plan["id"]}, as_user=s.user("perf"))
    assert without_keys(read["data"]["plan"]["indicators"]) == want


async def test_every_kind_goes_into_a_template_and_on_into_a_plan(api, make_company) -> None:
    s = await make_company()
    items = [given for given, _ in KINDS]
    template = {"name": "质检部 KPI", "departmentKind": "QUALITY", "indicators": items}
    made = await api.gql(TEMPLATE, {"i": template}, as_user=s.user("perf"))
    assert "errors" not in made, made
    want = [expected(given, scoring) for given, scoring in KINDS]
    assert made["data"]["createTemplate"]["indicators"] == want
    listed = await api.gql(TEMPLATES, as_user=s.user("perf"))
    [found] = [t for t in listed["data"]["templates"] if t["name"] == "质检部 KPI"]
    assert found["indicators"] == want
    plan = await api.gql(
        CREATE,
        {"i": {**plan_input([s.ids["plant"]]), "indicators": None, "templateId": found["id"]}},
        as_user=s.user("perf"),
    )
    assert "errors" not in plan, plan
    assert without_keys(plan["data"]["createPlan"]["indicators"]) == want


async def test_rule_fields_are_patched_one_by_one(api, make_company) -> None:
    s = await make_company()
    plan = await create(api, s, indicators=[KINDS[0][0], {**KINDS[1][0], "weight": "80"}])
    ratio, linear = (i["key"] for i in plan["indicators"])
    perf = s.user("perf")

    async def patch(key: str, given: dict[str, Any], version: int) -> dict[str, Any]:
        result = await api.gql(
            PATCH, {"id": plan["id"], "v": version, "k": key, "i": given}, as_user=perf
        )
        assert "errors" not in result, (given, result)
        found = result["data"]["updateIndicator"]
        assert found["version"] == version + 1
        return {i["key"]: i for i in found["indicators"]}[key]

    # one field changes, the rest of the rule stays
    gated = await patch(ratio, {"scoring": {"gate": {"below": "60", "totalCap": "60"}}}, 1)
    assert gated["scoring"] == NONE | {
        "kind": "RATIO",
        "cap": "120",
        "gate": {"below": "60", "totalCap": "60"},
    }
    # null clears an optional field; the direction is the rule's and is patched beside it
    cleared = await patch(linear, {"direction": "HIGHER", "scoring": {"floor": None}}, 2)
    assert cleared["scoring"] == NONE | {"kind": "LINEAR", "zeroAnchor": "6000", "cap": "150"}
    # a new kind with its own settings; the old kind's settings go, floor/cap/gate stay
    banded = await patch(
        ratio, {"scoring": {"kind": "BANDS", "bands": BANDS[:2], "basis": "ACTUAL"}}, 3
    )
    assert banded["scoring"] == NONE | {
        "kind": "BANDS",
        "basis": "ACTUAL",
        "bands": BANDS[:2],
        "cap": "120",
        "gate": {"below": "60", "totalCap": "60"},
    }
    back = await patch(ratio, {"scoring": {"basis": None, "gate": None, "cap": None}}, 4)
    assert back["scoring"] == NONE | {"kind": "BANDS", "basis": "ACHIEVEMENT", "bands": BANDS[:2]}
    rated = await patch(
        linear,
        {"target": None, "qualitative": True, "scoring": {"kind": "RATING", "cap": None}},
        5,
    )
    assert (rated["target"], rated["scoring"]) == (
        None,
        NONE | {"kind": "RATING", "ratingPoints": ["20", "40", "60", "80", "100"]},
    )
    points = await patch(linear, {"scoring": {"ratingPoints": ["10", "30", "50", "70", "90"]}}, 6)
    assert points["scoring"]["ratingPoints"] == ["10", "30", "50", "70", "90"]
    reset = await patch(linear, {"scoring": {"ratingPoints": None}}, 7)
    assert reset["scoring"]["ratingPoints"] == ["20", "40", "60", "80", "100"]

    diff = await api.gql(DIFF, {"id": plan["id"]}, as_user=perf)
    texts = [c["text"] for c in diff["data"]["planVersionDiff"]]
    assert (
        "回款率: scoring kind ratio; cap 120 → kind bands; bands from 0: 100, from 2: 80" in texts
    )
    assert (
        "产量: scoring kind linear; zero anchor 6000; floor 0; cap 150 → kind rating; rating points 20/40/60/80/100"
        in texts
    )
    assert {c["field"] for c in diff["data"]["planVersionDiff"]} == {
        "SCORING",
        "TARGET",
        "QUALITATIVE",
    }
    gate = await api.gql(
        "query($id: ID!) { planVersionDiff(planId: $id, from: 1, to: 2) { text } }",
        {"id": plan["id"]},
        as_user=perf,
    )
    assert [c["text"] for c in gate["data"]["planVersionDiff"]] == [
        "回款率: scoring gate — → gate below 60: total ≤ 60"
    ]


REFUSED: list[tuple[str, dict[str, Any], str, str]] = [
    ("cap", {"scoring": {"cap": "99"}}, "scoring.cap", "CAP_TOO_LOW"),
    ("floor", {"scoring": {"floor": "130", "cap": "120"}}, "scoring.floor", "FLOOR_ABOVE_CAP"),
    ("anchor", {"scoring": {"kind": "LINEAR"}}, "scoring.zeroAnchor", "REQUIRED"),
    (
        "anchor side",
        {"scoring": {"kind": "LINEAR", "zeroAnchor": "20000"}},
        "scoring.zeroAnchor",
        "ZERO_ANCHOR_SIDE",
    ),
    (
        "penalty",
        {"scoring": {"kind": "TARGET_DISTANCE", "penalty": "0"}},
        "scoring.penalty",
        "MUST_BE_POSITIVE",
    ),
    (
        "bands",
        {"scoring": {"kind": "BANDS", "bands": BANDS[1:]}},
        "scoring.bands",
        "BANDS_INVALID",
    ),
    (
        "gate",
        {"scoring": {"gate": {"below": "-1", "totalCap": "60"}}},
        "scoring.gate.below",
        "MUST_NOT_BE_NEGATIVE",
    ),
    (
        "rating",
        {"target": None, "scoring": {"kind": "RATING"}},
        "qualitative",
        "RATING_NOT_QUALITATIVE",
    ),
    (
        "points",
        {"target": None, "qualitative": True, "scoring": {"kind": "RATING", "ratingPoints": ["1"]}},
        "scoring.ratingPoints",
        "RATING_POINTS_INVALID",
    ),
]


@pytest.mark.parametrize(("name", "given", "field", "reason"), REFUSED, ids=[r[0] for r in REFUSED])
async def test_a_wrong_rule_is_refused_naming_the_setting(
    api, make_company, name, given, field, reason
) -> None:
    s = await make_company()
    items = [{"name": "产量", "weight": "100", "target": "10000", **given}]
    result = await api.gql(
        CREATE, {"i": plan_input([s.ids["plant"]], indicators=items)}, as_user=s.user("perf")
    )
    assert result["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": reason,
        "field": f"indicators[0].{field}",
    }, result
    chinese = await api.gql(
        CREATE,
        {"i": plan_input([s.ids["plant"]], indicators=items)},
        as_user=s.user("perf"),
        lang="zh",
    )
    assert chinese["errors"][0]["extensions"] == result["errors"][0]["extensions"]
    assert chinese["errors"][0]["message"] != result["errors"][0]["message"]
