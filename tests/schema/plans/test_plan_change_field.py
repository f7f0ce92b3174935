"""A version diff names what changed with the PlanField enum, not a free string."""

from __future__ import annotations

from server.plans.versions import INDICATOR_FIELDS, PLAN_FIELDS
from server.vocabulary import PlanField
from tests.schema.plans.planning import UPDATE, create, indicators

DIFF = """query($id: ID!) { planVersionDiff(planId: $id, from: 1, to: 2) {
  kind field indicatorKey } }"""


async def test_a_diff_names_plan_and_indicator_fields_as_enums(api, make_company) -> None:
    s = await make_company()
    plan = await create(api, s)
    items = indicators("2.5")
    items[0] = {**items[0], "key": plan["indicators"][0]["key"], "weight": "60"}
    items[1] = {**items[1], "key": plan["indicators"][1]["key"], "unit": "‰", "weight": "20"}
    items.append({"name": "安全事故", "weight": "20", "target": "1", "direction": "LOWER"})
    edited = await api.gql(
        UPDATE,
        {"id": plan["id"], "v": 1, "i": {"name": "装配车间十二月", "indicators": items}, "c": ""},
        as_user=s.user("perf"),
    )
    assert "errors" not in edited, edited
    diff = await api.gql(DIFF, {"id": plan["id"]}, as_user=s.user("perf"))
    assert "errors" not in diff, diff
    output, defect = plan["indicators"][0]["key"], plan["indicators"][1]["key"]
    added = edited["data"]["updatePlan"]["indicators"][2]["key"]
    assert [
        (c["kind"], c["field"], c["indicatorKey"]) for c in diff["data"]["planVersionDiff"]
    ] == [
        ("PLAN", "NAME", None),
        ("CHANGED", "WEIGHT", output),
        ("CHANGED", "UNIT", defect),
        ("CHANGED", "WEIGHT", defect),
        ("CHANGED", "TARGET", defect),
        ("ADDED", "INDICATOR", added),
    ]


def test_every_field_a_diff_can_name_is_in_the_enum() -> None:
    """server/plans/versions.py decides which fields a diff compares; the enum must hold
    each (and nothing more), or a diff naming a new field could not be answered."""
    assert {f.value for f in PlanField} == {*PLAN_FIELDS, *INDICATOR_FIELDS, "indicator"}
