"""Set-up shared by the actuals tests (no tests here): a plan with a connector, a manual and a
rated indicator, people assigned to it directly, and the GraphQL documents."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from schema.ids import decode, encode
from server.models import Assignment, Employee, Indicator, Plan
from tests.schema.results.support import active_plan

INDICATORS: list[dict[str, Any]] = [
    {"name": "销售额 Revenue", "weight": "50", "target": "10", "dataSource": "sales.revenue"},
    {"name": "新客户数 New customers", "weight": "30", "target": "4"},
    {
        "name": "工作态度 Attitude",
        "weight": "20",
        "qualitative": True,
        "scoring": {"kind": "RATING"},
    },
]

RECORD = """mutation($p: ID!, $k: String, $rows: [ActualRowInput!]!) {
  recordActuals(planId: $p, clientKey: $k, rows: $rows) {
    accepted { index employeeId indicatorKey }
    rejected { index employeeId indicatorKey code reason field message }
    replayed } }"""
ACTUAL_FIELDS = """id indicatorKey employeeId value source setById setBy { username } setAt
  syncRunId connectorSource connectorValue facts note reason revision
  history { revision value source setById setAt syncRunId note reason }"""
ACTUALS = f"""query($p: ID!, $e: ID, $d: ID, $first: Int, $after: String) {{
  actuals(planId: $p, employeeId: $e, departmentId: $d, first: $first, after: $after) {{
    edges {{ cursor node {{ {ACTUAL_FIELDS} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"""
ANNOTATE = f"""mutation($p: ID!, $e: ID!, $k: String!, $n: String!) {{
  annotateActual(planId: $p, employeeId: $e, indicatorKey: $k, note: $n) {{ {ACTUAL_FIELDS} }} }}"""
OVERRIDE = f"""mutation($p: ID!, $e: ID!, $k: String!, $v: Decimal!, $r: String!) {{
  overrideActual(planId: $p, employeeId: $e, indicatorKey: $k, value: $v, reason: $r) {{
    {ACTUAL_FIELDS} }} }}"""
CLEAR = f"""mutation($p: ID!, $e: ID!, $k: String!, $r: String!) {{
  clearActualOverride(planId: $p, employeeId: $e, indicatorKey: $k, reason: $r) {{
    {ACTUAL_FIELDS} }} }}"""


async def plan_with_people(api: Any, sandbox: Any, *people: str) -> dict[str, Any]:
    """An ACTIVE plan over the sales department, ``people`` (sandbox names or global IDs)
    assigned its indicators. ``keys``: connector, manual and rated indicator keys."""
    plan = await active_plan(api, sandbox, indicators=INDICATORS)
    await assign(api, plan["id"], *(sandbox.ids.get(p, p) for p in people))
    by_name = {i["name"]: i["key"] for i in plan["indicators"]}
    plan["keys"] = {
        "connector": by_name[INDICATORS[0]["name"]],
        "manual": by_name[INDICATORS[1]["name"]],
        "rated": by_name[INDICATORS[2]["name"]],
    }
    return plan


async def assign(api: Any, plan_gid: str, *employee_gids: str) -> None:
    """Assignments written directly (the assignment service has its own tests): the plan's
    indicators as they stand, each person placed where he is now."""
    from server.db import using

    with using(api.runtime.db):
        plan = await Plan.get(id=decode(plan_gid, "Plan"))
        rows = await Indicator.filter(plan_id=plan.id, version=plan.version).order_by("position")
        items = [
            {
                "key": r.key,
                "name": r.name,
                "description": r.description,
                "unit": r.unit,
                "weight": f"{r.weight:f}",
                "target": None if r.target is None else f"{r.target:f}",
                "data_source": r.data_source,
                "scoring": r.scoring,
                "qualitative": r.qualitative,
                "personal": False,
            }
            for r in rows
        ]
        for gid in employee_gids:
            person = await Employee.get(id=decode(gid, "Employee"))
            await Assignment.create(
                company_id=plan.company_id,
                plan_id=plan.id,
                employee_id=person.id,
                department_id=person.department_id,
                manager_id=person.manager_id,
                indicators=items,
            )


async def more_staff(api: Any, sandbox: Any, count: int) -> list[str]:
    """``count`` more people in the sales department, reporting to ``mgr``."""
    from server.db import using

    with using(api.runtime.db):
        manager = await Employee.get(id=decode(sandbox.ids["mgr"], "Employee"))
        made = []
        for n in range(count):
            person = await Employee.create(
                company_id=manager.company_id,
                username=f"extra{n}-{uuid.uuid4().hex[:6]}@{sandbox.slug}",
                password_hash="x",
                name=f"EXTRA {n}",
                title="职员",
                employee_number=f"X{uuid.uuid4().hex[:8]}",
                department_id=manager.department_id,
                manager=manager,
            )
            made.append(encode("Employee", person.id))
        return made


def row(employee: str, key: str, value: Any = "1", note: str = "") -> dict[str, Any]:
    return {"employeeId": employee, "indicatorKey": key, "value": value, "note": note}


def statements(caplog: Any) -> int:
    """Statements the request ran (tortoise logs each once; the outbox tail's polls are not
    the request's)."""
    return sum(
        1
        for r in caplog.records
        if r.name == "tortoise.db_client"
        and r.msg == "%s: %s"
        and '"outbox_event"' not in str(r.args[0])
    )


def count_statements(caplog: Any) -> None:
    caplog.set_level(logging.DEBUG, logger="tortoise.db_client")
    caplog.clear()


async def connector_config(company_id: uuid.UUID) -> str:
    """A ``rest_sales`` configuration (it provides ``sales.revenue``): the facts' source."""
    from server.models import ConnectorConfig

    config = await ConnectorConfig.create(company_id=company_id, connector="rest_sales", name="CRM")
    return str(config.id)


async def fact(
    company_id: uuid.UUID, employee_gid: str, source: str, day: str, value: str, run: Any = None
) -> None:
    """One day's ``sales.revenue`` of a person, as a sync stores it (upserted by source id)."""
    from datetime import date
    from decimal import Decimal

    from server.models import MetricFact

    await MetricFact.update_or_create(
        defaults={"value": Decimal(value), "run_id": run},
        company_id=company_id,
        employee_id=decode(employee_gid, "Employee"),
        metric="sales.revenue",
        period_start=date.fromisoformat(day),
        period_end=date.fromisoformat(day),
        source=source,
        source_id=f"deal-{day}",
    )
