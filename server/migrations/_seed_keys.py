"""Data step of 0002: give templates seeded before ``seed_key`` existed their key.

Release 44e3236 seeded the shipped templates into a company, without a key, the first time
its library was listed. Start-up seeding now inserts every shipped template whose key a
company lacks, so without this step those companies would get a second copy of each.
A template is recognised by its shipped name (the oldest one per company, when a company
has several of that name); one renamed since is not recognised and stays the tenant's own,
and the company then gets a fresh copy of the shipped one.

The names are frozen here, as they were shipped: later edits of ``server/plans/templates.py``
must not change what this migration does.
"""

from __future__ import annotations

from typing import Any

SHIPPED_NAMES: dict[str, str] = {
    "sales_kpi": "销售部月度 KPI / Sales monthly KPI",
    "production_kpi": "生产车间月度 KPI / Production monthly KPI",
    "rnd_kpi": "研发部季度 KPI / R&D quarterly KPI",
    "service_kpi": "客服部月度 KPI / Customer service monthly KPI",
    "hr_kpi": "人力资源部季度 KPI / HR quarterly KPI",
    "finance_kpi": "财务部月度 KPI / Finance monthly KPI",
    "sales_okr": "销售季度 OKR / Sales quarterly OKR",
}


async def assign_seed_keys(_apps: Any, schema_editor: Any) -> None:
    """Runs inside the migration's transaction (``schema_editor.client``), in plain SQL so
    that it means the same on SQLite and PostgreSQL whatever the models become."""
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"

    def mark(n: int) -> str:
        return f"${n}" if postgres else "?"

    for key, name in SHIPPED_NAMES.items():
        _, rows = await client.execute_query(
            "SELECT id, company_id FROM plan_template "
            f"WHERE seed_key IS NULL AND name = {mark(1)} ORDER BY company_id, created_at, id",
            [name],
        )
        first: dict[str, Any] = {}
        for row in rows:
            first.setdefault(str(row["company_id"]), row["id"])
        for template_id in first.values():
            await client.execute_query(
                f"UPDATE plan_template SET seed_key = {mark(1)} WHERE id = {mark(2)}",
                [key, template_id],
            )
