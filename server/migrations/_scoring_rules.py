"""Data step of 0007: stored scoring rules and template indicators take the form of
server/indicators.py (ScoringRule.to_json, IndicatorSpec.to_json).

Before: ``indicator.scoring`` was ``{"rule": "ratio" | "capped" | "bands" | "rating", "cap",
"bands": [{"from", "score"}]}`` with the direction in its own column, and a template's entry
held ``direction`` beside ``scoring``. After: ``{"kind", "direction", ...}``; CAPPED is RATIO
with a cap; BANDS gets ``basis: achievement`` (what its floors always meant); RATING gets the
default points and marks its indicator qualitative (a rating is only for those now). The
``indicator.direction`` column stays, a copy of the rule's.

The conversion is frozen here, in plain SQL and JSON, so that later changes of the codec do
not change what this migration does. Rows already in the new form are left alone, so the
step can run over data written by either version. Going back turns LINEAR and
TARGET_DISTANCE (unknown before) into RATIO and drops floors and gates.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

RATING_POINTS = ["20", "40", "60", "80", "100"]
BATCH = 500


def new_rule(old: dict[str, Any], direction: str) -> dict[str, Any]:
    if "kind" in old:
        return old
    rule = old.get("rule", "ratio")
    new: dict[str, Any] = {"kind": "ratio", "direction": direction}
    if rule == "capped" and old.get("cap") is not None:
        new["cap"] = str(old["cap"])
    elif rule == "bands":
        new["kind"] = "bands"
        new["bands"] = [{"from": str(b["from"]), "score": str(b["score"])} for b in old["bands"]]
        new["basis"] = "achievement"
    elif rule == "rating":
        new["kind"] = "rating"
        new["rating_points"] = list(RATING_POINTS)
    return new


def old_rule(new: dict[str, Any]) -> dict[str, Any]:
    if "kind" not in new:
        return new
    kind = new["kind"]
    if kind == "bands":
        return {"rule": "bands", "bands": new["bands"]}
    if kind == "rating":
        return {"rule": "rating"}
    if new.get("cap") is not None:
        return {"rule": "capped", "cap": new["cap"]}
    return {"rule": "ratio"}


def new_entry(old: dict[str, Any]) -> dict[str, Any]:
    """A template's indicator."""
    scoring = old.get("scoring") or {}
    if "kind" in scoring:
        return old
    rule = new_rule(scoring, old.get("direction") or "higher")
    target = old.get("target")
    return {
        "name": old["name"],
        "description": old.get("description") or "",
        "unit": old.get("unit") or "",
        "weight": str(old["weight"]),
        "target": None if target is None else str(target),
        "data_source": old.get("data_source") or "manual",
        "scoring": rule,
        "qualitative": bool(old.get("qualitative")) or rule["kind"] == "rating",
    }


def old_entry(new: dict[str, Any]) -> dict[str, Any]:
    scoring = new.get("scoring") or {}
    if "kind" not in scoring:
        return new
    entry = {k: v for k, v in new.items() if k != "scoring"}
    return entry | {"direction": scoring["direction"], "scoring": old_rule(scoring)}


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


class _Sql:
    def __init__(self, schema_editor: Any) -> None:
        self.client = schema_editor.client
        self.postgres = self.client.capabilities.dialect == "postgres"

    def mark(self, n: int, *, jsonb: bool = False) -> str:
        if not self.postgres:
            return "?"
        return f"${n}::jsonb" if jsonb else f"${n}"

    async def pages(self, table: str, columns: str) -> Any:
        """The table's rows in batches, by id."""
        last: Any = None
        while True:
            where = "" if last is None else f"WHERE id > {self.mark(1)} "
            _, rows = await self.client.execute_query(
                f"SELECT id, {columns} FROM {table} {where}ORDER BY id LIMIT {BATCH}",
                [] if last is None else [last],
            )
            if not rows:
                return
            yield rows
            last = rows[-1]["id"]


async def _indicators(schema_editor: Any, convert: Callable[[dict, str], dict]) -> None:
    sql = _Sql(schema_editor)
    update = (
        f"UPDATE indicator SET scoring = {sql.mark(1, jsonb=True)}, qualitative = {sql.mark(2)} "
        f"WHERE id = {sql.mark(3)}"
    )
    async for rows in sql.pages("indicator", "direction, scoring, qualitative"):
        for row in rows:
            before = _json(row["scoring"]) or {}
            after = convert(before, row["direction"])
            qualitative = bool(row["qualitative"]) or after.get("kind") == "rating"
            if after != before or qualitative != bool(row["qualitative"]):
                await sql.client.execute_query(
                    update, [json.dumps(after, ensure_ascii=False), qualitative, row["id"]]
                )


async def _templates(schema_editor: Any, convert: Callable[[dict], dict]) -> None:
    sql = _Sql(schema_editor)
    update = (
        f"UPDATE plan_template SET indicators = {sql.mark(1, jsonb=True)} WHERE id = {sql.mark(2)}"
    )
    async for rows in sql.pages("plan_template", "indicators"):
        for row in rows:
            before = _json(row["indicators"]) or []
            after = [convert(entry) for entry in before]
            if after != before:
                await sql.client.execute_query(
                    update, [json.dumps(after, ensure_ascii=False), row["id"]]
                )


async def to_scoring_rules(_apps: Any, schema_editor: Any) -> None:
    """Runs inside the migration's transaction (``schema_editor.client``)."""
    await _indicators(schema_editor, new_rule)
    await _templates(schema_editor, new_entry)


async def to_old_rules(_apps: Any, schema_editor: Any) -> None:
    await _indicators(schema_editor, lambda new, _direction: old_rule(new))
    await _templates(schema_editor, old_entry)
