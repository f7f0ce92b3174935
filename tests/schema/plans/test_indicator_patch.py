"""updateIndicator is a patch (omitted fields keep their values, null clears or is refused),
and updateIndicators rebalances several weights in one call, validated as a whole."""

from __future__ import annotations

from typing import Any

from tests.schema.plans.planning import create, step

FIELDS = """version state indicators { key name description unit weight target direction
  dataSource qualitative scoring { kind cap } }"""
PATCH = f"""mutation($id: ID!, $v: Int!, $k: String!, $i: IndicatorPatch!, $c: String! = "") {{
  updateIndicator(planId: $id, expectedVersion: $v, key: $k, input: $i, comment: $c) {{ {FIELDS} }} }}"""
PATCH_MANY = f"""mutation($id: ID!, $v: Int!, $ch: [IndicatorChange!]!, $c: String! = "") {{
  updateIndicators(planId: $id, expectedVersion: $v, changes: $ch, comment: $c) {{ {FIELDS} }} }}"""
READ = f"query($id: ID!) {{ plan(id: $id) {{ {FIELDS} }} }}"
AUDIT = """query($id: ID!) { auditLog(first: 20, filter: {objectId: $id, action: PLAN_UPDATE}) {
  edges { node { action after actorId } } } }"""
DEFECT_RATE = {
    "name": "不良率 Defect rate",
    "description": "每月抽检 monthly sample",
    "weight": "40",
    "target": "3",
    "unit": "%",
    "direction": "LOWER",
    "dataSource": "production.defect_rate",
    "scoring": {"cap": "120"},
}
OUTPUT = {
    "name": "产量 Output",
    "weight": "60",
    "target": "10000",
    "unit": "units",
    "dataSource": "production.output",
}


async def in_review(api: Any, make_company: Any) -> tuple[Any, dict[str, Any], dict[str, str]]:
    """A 60/40 plan submitted for review; the keys of its two indicators by short name."""
    s = await make_company()
    plan = await create(api, s, indicators=[OUTPUT, DEFECT_RATE])
    await step(api, plan["id"], "SUBMIT", s.user("perf"))
    keys = {"output": plan["indicators"][0]["key"], "defects": plan["indicators"][1]["key"]}
    return s, plan, keys


def by_key(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["key"]: i for i in plan["indicators"]}


async def read(api: Any, s: Any, plan_id: str) -> dict[str, Any]:
    return (await api.gql(READ, {"id": plan_id}, as_user=s.user("hrvp")))["data"]["plan"]


async def test_a_reviewer_patching_name_weight_target_keeps_everything_else(
    api, make_company
) -> None:
    s, plan, keys = await in_review(api, make_company)
    before = by_key(await read(api, s, plan["id"]))[keys["defects"]]
    result = await api.gql(
        PATCH,
        {
            "id": plan["id"],
            "v": 1,
            "k": keys["defects"],
            "i": {"name": "不良率 Defect rate (抽检)", "weight": "40", "target": "2"},
            "c": "收紧不良率目标",
        },
        as_user=s.user("hrvp"),
    )
    assert "errors" not in result, result
    patched = result["data"]["updateIndicator"]
    assert (patched["version"], patched["state"]) == (2, "IN_REVIEW")
    after = by_key(patched)[keys["defects"]]
    assert after == {**before, "name": "不良率 Defect rate (抽检)", "target": "2"}
    assert (after["direction"], after["dataSource"], after["unit"]) == (
        "LOWER",
        "production.defect_rate",
        "%",
    )
    assert after["scoring"] == {"kind": "RATIO", "cap": "120"}
    assert by_key(patched)[keys["output"]] == by_key(await read(api, s, plan["id"]))[keys["output"]]


async def test_null_clears_optional_fields_and_is_refused_for_required_ones(
    api, make_company
) -> None:
    s, plan, keys = await in_review(api, make_company)
    hr = s.user("hrvp")
    base = {"id": plan["id"], "v": 1, "k": keys["defects"], "c": "why"}
    for given, field in [
        ({"name": None}, "input.name"),
        ({"weight": None}, "input.weight"),
        ({"direction": None}, "input.direction"),
        ({"qualitative": None}, "input.qualitative"),
        ({"scoring": None}, "input.scoring"),
        ({"scoring": {"kind": None}}, "input.scoring.kind"),
        ({"scoring": {"kind": "TARGET_DISTANCE"}}, "input.scoring.penalty"),  # needs a penalty
        ({"target": None}, "input.target"),  # a scored (not rated) indicator needs a target
        ({}, "input"),
    ]:
        reason = "NOTHING_TO_UPDATE" if given == {} else "REQUIRED"
        refused = await api.gql(PATCH, {**base, "i": given}, as_user=hr)
        assert refused["errors"][0]["extensions"] == {
            "code": "BAD_USER_INPUT",
            "reason": reason,
            "field": field,
        }, (
            given,
            refused,
        )
    unknown = await api.gql(PATCH, {**base, "k": "no-such-key", "i": {"unit": "‰"}}, as_user=hr)
    assert unknown["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "UNKNOWN_INDICATOR",
        "field": "key",
    }
    assert (await read(api, s, plan["id"]))["version"] == 1  # nothing was written

    cleared = await api.gql(
        PATCH,
        {
            **base,
            "i": {
                "unit": None,
                "dataSource": None,
                "description": None,
                "scoring": {"kind": "RATIO", "cap": None},
            },
        },
        as_user=hr,
    )
    assert "errors" not in cleared, cleared
    item = by_key(cleared["data"]["updateIndicator"])[keys["defects"]]
    assert (item["unit"], item["dataSource"], item["description"]) == ("", "manual", "")
    assert item["scoring"] == {"kind": "RATIO", "cap": None}
    assert (item["direction"], item["target"], item["weight"]) == ("LOWER", "3", "40")


async def test_two_weights_rebalanced_in_one_call_make_one_audited_version(
    api, make_company
) -> None:
    s, plan, keys = await in_review(api, make_company)
    before = by_key(await read(api, s, plan["id"]))
    result = await api.gql(
        PATCH_MANY,
        {
            "id": plan["id"],
            "v": 1,
            "ch": [
                {"key": keys["output"], "weight": "50"},
                {"key": keys["defects"], "weight": "50"},
            ],
            "c": "质量与产量并重",
        },
        as_user=s.user("hrvp"),
    )
    assert "errors" not in result, result
    rebalanced = result["data"]["updateIndicators"]
    assert rebalanced["version"] == 2
    after = by_key(rebalanced)
    assert after == {k: {**v, "weight": "50"} for k, v in before.items()}
    log = await api.gql(AUDIT, {"id": plan["id"]}, as_user=s.user("admin"))
    [entry] = [e["node"] for e in log["data"]["auditLog"]["edges"]]
    assert entry["after"]["version"] == 2 and entry["actorId"] == s.ids["hrvp"]
    assert sorted(entry["after"]["changes"]) == [
        "不良率 Defect rate: weight 40 → 50",
        "产量 Output: weight 60 → 50",
    ]


async def test_a_bad_sum_is_refused_whole_and_changes_nothing(api, make_company) -> None:
    s, plan, keys = await in_review(api, make_company)
    result = await api.gql(
        PATCH_MANY,
        {
            "id": plan["id"],
            "v": 1,
            "ch": [
                {"key": keys["output"], "weight": "55"},
                {"key": keys["defects"], "weight": "50"},
            ],
            "c": "typo",
        },
        as_user=s.user("hrvp"),
    )
    assert result["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "WEIGHTS_NOT_100",
        "field": "indicators",
    }
    assert "105" in result["errors"][0]["message"]
    now = await read(api, s, plan["id"])
    assert now["version"] == 1
    assert sorted(i["weight"] for i in now["indicators"]) == ["40", "60"]
    log = await api.gql(AUDIT, {"id": plan["id"]}, as_user=s.user("admin"))
    assert log["data"]["auditLog"]["edges"] == []


async def test_invalid_rows_are_answered_row_by_row(api, make_company) -> None:
    s, plan, keys = await in_review(api, make_company)
    variables = {
        "id": plan["id"],
        "v": 1,
        "c": "check",
        "ch": [
            {"key": keys["output"], "weight": "-5"},
            {"key": "no-such-key", "weight": "1"},
            {"key": keys["defects"], "direction": None},
            {"key": keys["defects"], "weight": "1"},
        ],
    }
    result = await api.gql(PATCH_MANY, variables, as_user=s.user("hrvp"), lang="zh")
    [error] = result["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "changes"
    rows = error["extensions"]["rows"]
    assert [(r["row"], r["code"], r["field"]) for r in rows] == [
        (0, "BAD_USER_INPUT", "changes[0].weight"),
        (1, "BAD_USER_INPUT", "changes[1].key"),
        (2, "BAD_USER_INPUT", "changes[2].direction"),
        (3, "BAD_USER_INPUT", "changes[3].key"),  # the same indicator twice
    ]
    assert all(r["message"] for r in rows) and "4" in error["message"]
    renamed = await api.gql(
        PATCH_MANY,
        {**variables, "ch": [{"key": keys["defects"], "name": "产量 OUTPUT"}]},
        as_user=s.user("hrvp"),
    )
    assert [r["field"] for r in renamed["errors"][0]["extensions"]["rows"]] == ["changes[0].name"]
    assert (await read(api, s, plan["id"]))["version"] == 1


async def test_the_list_is_capped_and_authorization_comes_first(api, make_company) -> None:
    s, plan, keys = await in_review(api, make_company)
    base = {"id": plan["id"], "v": 1, "c": "x"}
    too_many = [{"key": keys["output"], "weight": "1"}] * 51
    capped = await api.gql(PATCH_MANY, {**base, "ch": too_many}, as_user=s.user("hrvp"))
    assert capped["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "TOO_MANY_ITEMS",
        "field": "changes",
    }
    empty = await api.gql(PATCH_MANY, {**base, "ch": []}, as_user=s.user("hrvp"))
    assert empty["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "REQUIRED",
        "field": "changes",
    }
    bad_rows = [{"key": "nope", "weight": "-1"}]
    # In review only the reviewers edit: the author gets FORBIDDEN, not a verdict on the rows.
    author = await api.gql(PATCH_MANY, {**base, "ch": bad_rows}, as_user=s.user("perf"))
    assert author["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    outsider = await api.gql(PATCH_MANY, {**base, "ch": bad_rows}, as_user=s.user("worker"))
    assert outsider["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    stale = await api.gql(
        PATCH_MANY,
        {**base, "v": 7, "ch": [{"key": keys["output"], "unit": "pcs"}]},
        as_user=s.user("hrvp"),
    )
    assert stale["errors"][0]["extensions"]["code"] == "CONFLICT"
