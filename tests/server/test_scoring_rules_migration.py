"""Migration 0007 rewrites stored scoring rules and template indicators into the form of
server/indicators.py (CAPPED becomes RATIO with a cap, the direction moves into the rule),
leaves rows already in that form alone, and going back restores the old form."""

from __future__ import annotations

import json
import uuid
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from server import migrator
from server.indicators import IndicatorSpec, ScoringRule
from server.plans.validation import check_indicators
from tests.server.migration_support import current, db_key, insert_company, marks

MIGRATION = "0007_scoring_rules"
BANDS = [
    {"from": "0", "score": "0"},
    {"from": "80", "score": "60"},
    {"from": "100", "score": "100"},
]
POINTS = ["20", "40", "60", "80", "100"]

# key: (direction column, stored scoring, qualitative) before -> scoring and qualitative after
ROWS: dict[str, tuple[tuple[str, dict[str, Any], bool], tuple[dict[str, Any], bool]]] = {
    "ratio": (
        ("higher", {"rule": "ratio"}, False),
        ({"kind": "ratio", "direction": "higher"}, False),
    ),
    "capped": (
        ("lower", {"rule": "capped", "cap": "150"}, False),
        ({"kind": "ratio", "direction": "lower", "cap": "150"}, False),
    ),
    "bands": (
        ("higher", {"rule": "bands", "bands": BANDS}, False),
        ({"kind": "bands", "direction": "higher", "bands": BANDS, "basis": "achievement"}, False),
    ),
    # a rating is only for qualitative indicators now
    "rating": (
        ("higher", {"rule": "rating"}, False),
        ({"kind": "rating", "direction": "higher", "rating_points": POINTS}, True),
    ),
    "empty": (("lower", {}, False), ({"kind": "ratio", "direction": "lower"}, False)),
    "new": (
        ("lower", {"kind": "linear", "direction": "lower", "zero_anchor": "10"}, False),
        ({"kind": "linear", "direction": "lower", "zero_anchor": "10"}, False),
    ),
}
# What going back gives where the old form differs from what was there before.
BACK = {"empty": {"rule": "ratio"}, "new": {"rule": "ratio"}}

OLD_TEMPLATE = [
    {
        "name": "销售额 Revenue",
        "weight": "60",
        "target": "100000",
        "unit": "CNY",
        "data_source": "sales.revenue",
        "direction": "higher",
        "scoring": {"rule": "capped", "cap": "120"},
        "qualitative": False,
        "description": "",
    },
    {
        "name": "不良率 Defect rate",
        "weight": "30",
        "target": "2",
        "unit": "%",
        "data_source": "manual",
        "direction": "lower",
        "scoring": {"rule": "bands", "bands": BANDS},
        "qualitative": False,
        "description": "抽检 sampled",
    },
    {
        "name": "协作 Teamwork",
        "weight": "10",
        "target": None,
        "unit": "",
        "data_source": "manual",
        "direction": "higher",
        "scoring": {"rule": "rating"},
        "qualitative": True,
        "description": "",
    },
]
NEW_TEMPLATE = [
    {
        "name": "销售额 Revenue",
        "description": "",
        "unit": "CNY",
        "weight": "60",
        "target": "100000",
        "data_source": "sales.revenue",
        "scoring": {"kind": "ratio", "direction": "higher", "cap": "120"},
        "qualitative": False,
    },
    {
        "name": "不良率 Defect rate",
        "description": "抽检 sampled",
        "unit": "%",
        "weight": "30",
        "target": "2",
        "data_source": "manual",
        "scoring": {"kind": "bands", "direction": "lower", "bands": BANDS, "basis": "achievement"},
        "qualitative": False,
    },
    {
        "name": "协作 Teamwork",
        "description": "",
        "unit": "",
        "weight": "10",
        "target": None,
        "data_source": "manual",
        "scoring": {"kind": "rating", "direction": "higher", "rating_points": POINTS},
        "qualitative": True,
    },
]


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


async def _old_rows(client: BaseDBAsyncClient) -> None:
    """A company with a template and a plan whose indicators are in the old form."""
    company = await insert_company(client, "Scoring Co")
    plan = uuid.uuid4()
    now = "CURRENT_TIMESTAMP"
    await client.execute_query(
        "INSERT INTO plan_template (id, company_id, name, indicators, framework, "
        "department_kind, description, is_active, created_at, updated_at) "
        f"VALUES ({marks(client, 4)}, 'KPI', 'sales', '', TRUE, {now}, {now})",
        [
            db_key(client, uuid.uuid4()),
            db_key(client, company),
            "旧模板 Old template",
            json.dumps(OLD_TEMPLATE),
        ],
    )
    await client.execute_query(
        "INSERT INTO plan (id, company_id, name, level, period_kind, period_start, period_end, "
        "submission_due, review_due, self_evaluation_due, manager_evaluation_due, state, "
        f"version, created_at, updated_at) VALUES ({marks(client, 3)}, 'department', "
        "'month', '2026-12-01', '2026-12-31', '2026-11-25', '2026-11-30', '2027-01-03', "
        f"'2027-01-06', 'draft', 1, {now}, {now})",
        [db_key(client, plan), db_key(client, company), "旧计划 Old plan"],
    )
    params = marks(client, 11).split(", ")
    for position, (name, ((direction, scoring, qualitative), _)) in enumerate(ROWS.items()):
        await client.execute_query(
            "INSERT INTO indicator (id, plan_id, company_id, version, key, position, name, "
            "description, unit, weight, target, direction, data_source, scoring, qualitative) "
            f"VALUES ({', '.join(params[:7])}, '', '', 100000, 1000000, {', '.join(params[7:])})",
            [
                db_key(client, uuid.uuid4()),
                db_key(client, plan),
                db_key(client, company),
                1,
                name,
                position,
                name,
                direction,
                "manual",
                json.dumps(scoring),
                qualitative,
            ],
        )


async def _indicators(client: BaseDBAsyncClient) -> dict[str, tuple[dict[str, Any], bool]]:
    _, rows = await client.execute_query("SELECT key, scoring, qualitative FROM indicator")
    return {r["key"]: (_json(r["scoring"]), bool(r["qualitative"])) for r in rows}


async def _template(client: BaseDBAsyncClient) -> list[dict[str, Any]]:
    _, rows = await client.execute_query("SELECT indicators FROM plan_template")
    [row] = rows
    return _json(row["indicators"])


async def test_old_rules_are_converted_and_back(api, fresh) -> None:
    names = migrator.names()
    previous = names[names.index(MIGRATION) - 1]
    async with current(await fresh.connect(await fresh.url())) as client:
        await migrator.migrate(client, target=previous)
        await _old_rows(client)
        assert (await migrator.migrate(client, target=MIGRATION)) == [f"+{MIGRATION}"]

        assert await _indicators(client) == {name: after for name, (_, after) in ROWS.items()}
        assert await _template(client) == NEW_TEMPLATE
        # the code reads what the migration wrote, and it passes today's checks
        for scoring, _ in (await _indicators(client)).values():
            assert ScoringRule.from_json(scoring).to_json() == scoring
        specs = tuple(IndicatorSpec.from_json(entry) for entry in await _template(client))
        assert [s.to_json() for s in specs] == NEW_TEMPLATE
        check_indicators(specs, {"sales.revenue"})  # type: ignore[arg-type]

        # and back: the old form, lossy only where the old form had no words for the new
        assert (await migrator.migrate(client, target=previous)) == [f"-{MIGRATION}"]
        back = await _indicators(client)
        for name, ((_, scoring, _qualitative), (_, qualitative)) in ROWS.items():
            assert back[name] == (BACK.get(name, scoring), qualitative), name
        assert await _template(client) == OLD_TEMPLATE
