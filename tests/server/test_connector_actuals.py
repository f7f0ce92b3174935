"""Connector actuals follow the facts: a ``FactsChanged`` in the outbox brings the plan's
actuals up to date (with the run that brought them, and their history) and recomputes the
changed people's scores; an override holds over later syncs; a connector that no longer
has data clears the value; once the plan is finalized nothing moves."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from tortoise.transactions import in_transaction

from schema.ids import decode
from server.events import FactsChanged
from server.models import Actual, ActualRevision, ConnectorConfig, MetricFact, Plan, SyncRun
from server.outbox import emit
from tests.schema.plans.planning import step
from tests.schema.results.test_actuals_helpers import (
    OVERRIDE,
    connector_config,
    fact,
    plan_with_people,
)

REVENUE = frozenset({"sales.revenue"})


async def _run(company_id: UUID, source: str) -> UUID:
    config = await ConnectorConfig.get(id=UUID(source))
    run = await SyncRun.create(
        company_id=company_id,
        config=config,
        period_start=date(2026, 12, 1),
        period_end=date(2026, 12, 31),
    )
    return run.id


async def _announce(
    api: Any, company_id: UUID, run_id: UUID | None, day: str = "2026-12-05"
) -> None:
    """What a sync does at its end: the event, in a transaction; then one dispatcher tick."""
    async with in_transaction():
        await emit(
            FactsChanged(
                company_id, REVENUE, date.fromisoformat(day), date.fromisoformat(day), run_id
            )
        )
    await api.runtime.dispatcher.run_once()


async def _state(company_id: UUID) -> list[tuple[Any, ...]]:
    actuals = await Actual.filter(company_id=company_id)
    return [(a.value, a.source, a.sync_run_id, a.connector_value, a.revision) for a in actuals]


async def test_facts_changed_brings_the_actuals_and_recomputes(
    api, make_company, db, monkeypatch
) -> None:
    from server.scoring import recompute as scoring

    asked: list[tuple[UUID, frozenset[UUID]]] = []

    async def recorded(company_id: UUID, plan_id: UUID, employee_ids: Any = None) -> int:
        asked.append((plan_id, frozenset(employee_ids or ())))
        return 0

    monkeypatch.setattr(scoring, "recompute", recorded)
    s = await make_company()
    plan = await plan_with_people(api, s, "staff", "mgr")
    plan_id, staff = decode(plan["id"], "Plan"), decode(s.ids["staff"], "Employee")
    company = s.company_id
    source = await connector_config(company)

    first_run = await _run(company, source)
    await fact(company, s.ids["staff"], source, "2026-12-05", "12.5", first_run)
    await _announce(api, company, first_run)
    assert await _state(company) == [(12.5, "connector", first_run, None, 1)]
    (actual,) = await Actual.filter(company_id=company)
    assert (actual.employee_id, actual.indicator_key) == (staff, plan["keys"]["connector"])
    assert (actual.connector_source, actual.facts, actual.set_by) == (source, 1, None)
    assert asked == [(plan_id, frozenset({staff}))]

    # a second change: a new value, a new revision naming its run
    second_run = await _run(company, source)
    await fact(company, s.ids["staff"], source, "2026-12-06", "2", second_run)
    await _announce(api, company, second_run, "2026-12-06")
    assert await _state(company) == [(14.5, "connector", second_run, None, 2)]
    history = await ActualRevision.filter(actual_id=actual.id).order_by("revision")
    assert [(h.value, h.source, h.sync_run_id) for h in history] == [
        (12.5, "connector", first_run),
        (14.5, "connector", second_run),
    ]
    # the same facts announced again: nothing changes, nothing is recomputed
    await _announce(api, company, second_run, "2026-12-06")
    assert len(await ActualRevision.filter(actual_id=actual.id)) == 2
    assert len(asked) == 2

    # finalized: a new fact moves nothing
    for action in ("START_EVALUATION", "FINALIZE"):
        assert "errors" not in await step(api, plan["id"], action, s.user("perf"))
    await fact(company, s.ids["staff"], source, "2026-12-07", "100", second_run)
    await _announce(api, company, second_run, "2026-12-07")
    assert await _state(company) == [(14.5, "connector", second_run, None, 2)]
    assert len(asked) == 2
    assert (await Plan.get(id=plan_id)).state == "finalized"


async def test_an_override_holds_and_no_data_clears(api, make_company, db) -> None:
    s = await make_company()
    plan = await plan_with_people(api, s, "staff")
    company = s.company_id
    source = await connector_config(company)
    run = await _run(company, source)
    await fact(company, s.ids["staff"], source, "2026-12-05", "10", run)
    await _announce(api, company, run)
    overridden = await api.gql(
        OVERRIDE,
        {
            "p": plan["id"],
            "e": s.ids["staff"],
            "k": plan["keys"]["connector"],
            "v": "11",
            "r": "补单",
        },
        as_user=s.user("perf"),
    )
    assert "errors" not in overridden, overridden

    # a later sync: the override stays the value, the connector's goes beside it and into history
    later = await _run(company, source)
    await fact(company, s.ids["staff"], source, "2026-12-05", "10.25", later)
    await _announce(api, company, later)
    assert await _state(company) == [(11, "override", later, 10.25, 3)]
    (actual,) = await Actual.filter(company_id=company)
    newest = await ActualRevision.filter(actual_id=actual.id).order_by("-revision").first()
    assert newest is not None
    assert (newest.value, newest.source, newest.sync_run_id) == (10.25, "connector", later)

    # no data any more: the connector's value is gone, not kept as if it were still reported
    await MetricFact.filter(company_id=company).delete()
    gone = await _run(company, source)
    await _announce(api, company, gone)
    assert await _state(company) == [(11, "override", gone, None, 4)]
    newest = await ActualRevision.filter(actual_id=actual.id).order_by("-revision").first()
    assert newest is not None and (newest.value, newest.sync_run_id) == (None, gone)
    cleared = await api.gql(
        """mutation($p: ID!, $e: ID!, $k: String!) { clearActualOverride(planId: $p,
          employeeId: $e, indicatorKey: $k, reason: "数据已撤回") { value source } }""",
        {"p": plan["id"], "e": s.ids["staff"], "k": plan["keys"]["connector"]},
        as_user=s.user("perf"),
    )
    assert cleared["data"]["clearActualOverride"] == {"value": None, "source": "CONNECTOR"}


async def test_a_connector_without_data_leaves_no_old_value(api, make_company, db) -> None:
    s = await make_company()
    await plan_with_people(api, s, "staff")
    company = s.company_id
    source = await connector_config(company)
    run = await _run(company, source)
    await fact(company, s.ids["staff"], source, "2026-12-05", "8", run)
    await _announce(api, company, run)
    await MetricFact.filter(company_id=company).delete()
    empty = await _run(company, source)
    await _announce(api, company, empty)
    assert await _state(company) == [(None, "connector", empty, None, 2)]
    # and nothing is written for people whose connector never had data
    assert await ActualRevision.filter(company_id=company).count() == 2
