"""The sync engine against real loopback servers: paging, retries, quarantine, idempotence."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from tests.plugins.loopback import serve
from tests.plugins.syncing import (
    FACTS,
    QUARANTINE,
    SYNC,
    Source,
    configure,
    finished,
    item,
    sync,
)

PAGES = [
    [item("T0007", "2026-11-02", "8", "a1"), item("T0007", "2026-11-03", 7.5, "a2")],
    [item("T0008", "2026-11-02", 8, "b1"), item("T0008", "2026-11-02", 95, "b2", "sample.rate")],
    [item("T0007", "2026-11-04", 6, "c1")],
]


async def test_pages_are_stored_and_a_rerun_changes_nothing(api, make_company, sample, db) -> None:
    from server.models import MetricFact

    sandbox = await make_company()
    source = Source(PAGES)
    async with serve(source.app()) as url:
        config_id = await configure(api, sandbox, url)
        first = await sync(api, sandbox, config_id)
        assert first == {
            "status": "SUCCEEDED",
            "fetched": 5,
            "stored": 5,
            "rejected": 0,
            "error": "",
        }
        assert source.hits == [1, 2, 3]
        before = (
            await MetricFact.filter(source__contains="-")
            .order_by("source_id")
            .values("source_id", "value", "updated_at", "run_id")
        )
        second = await sync(api, sandbox, config_id)
        assert second["status"] == "SUCCEEDED"
        after = (
            await MetricFact.filter(source__contains="-")
            .order_by("source_id")
            .values("source_id", "value", "updated_at", "run_id")
        )
    mine = [r for r in after if r["source_id"] in {"a1", "a2", "b1", "b2", "c1"}]
    assert len(mine) == 5 and before == after
    facts = await api.gql(FACTS, {"e": sandbox.ids["staff"]}, as_user=sandbox.user("mgr"))
    assert [(f["sourceId"], f["value"]) for f in facts["data"]["metricFacts"]] == [
        ("a1", "8"),
        ("a2", "7.5"),
        ("c1", "6"),
    ]


@pytest.mark.parametrize("trouble", ["500", "slow", "drop"])
async def test_transient_failures_are_retried(api, make_company, sample, trouble: str) -> None:
    sandbox = await make_company()
    source = Source(PAGES)
    source.script = {2: [trouble]}
    async with serve(source.app()) as url:
        run = await sync(api, sandbox, await configure(api, sandbox, url))
    assert run["status"] == "SUCCEEDED" and run["stored"] == 5, run
    assert source.hits == [1, 2, 2, 3]


async def test_429_waits_for_retry_after(api, make_company, sample) -> None:
    sandbox = await make_company()
    source = Source(PAGES)
    source.script = {1: ["429"]}
    async with serve(source.app()) as url:
        config_id = await configure(api, sandbox, url)
        started = time.monotonic()
        run = await sync(api, sandbox, config_id)
    assert run["status"] == "SUCCEEDED"
    assert time.monotonic() - started >= 0.95  # Retry-After: 1, not the 10 ms backoff
    assert source.hits == [1, 1, 2, 3]


async def test_retries_are_bounded_and_the_failure_is_recorded(api, make_company, sample) -> None:
    sandbox = await make_company()
    source = Source(PAGES)
    source.script = {2: ["500"] * 10}
    async with serve(source.app()) as url:
        run = await sync(api, sandbox, await configure(api, sandbox, url))
    assert run["status"] == "FAILED" and "500" in run["error"]
    assert source.hits == [1, 2, 2, 2, 2]
    assert run["stored"] == 2  # the first page is kept; a re-run completes it idempotently


async def test_bad_and_unmatched_records_are_quarantined_then_reprocessed(
    api, make_company, sample
) -> None:
    sandbox = await make_company()
    pages = [
        [
            item("T0007", "2026-11-02", "8", "ok1"),
            item("NEW01", "2026-11-02", 8, "who"),
            item("T0007", "2026-11-02", "eight", "nan"),
            item("T0007", "2026-12-02", 8, "late"),
            item("T0007", "2026-11-02", 8, "odd", "sample.unknown"),
        ]
    ]
    async with serve(Source(pages).app()) as url:
        config_id = await configure(api, sandbox, url)
        run = await sync(api, sandbox, config_id)
    assert (run["stored"], run["rejected"]) == (1, 4)
    reasons = {
        e["node"]["sourceId"]: e["node"]["reason"]
        for e in (await api.gql(QUARANTINE, {"c": config_id}, as_user=sandbox.user("admin")))[
            "data"
        ]["quarantine"]["edges"]
    }
    assert reasons == {
        "who": "no employee with employee number 'NEW01'",
        "nan": "the value 'eight' is not a number",
        "late": "2026-12-02 is outside the period being synced",
        "odd": "unknown metric 'sample.unknown' for this connector",
    }
    hire = """mutation($d: ID!) { createEmployee(input: {username: "new01", name: "新人",
      employeeNumber: "NEW01", departmentId: $d}) { id } }"""
    assert "errors" not in await api.gql(
        hire, {"d": sandbox.ids["sales"]}, as_user=sandbox.user("admin")
    )
    # the performance admin handles rejected records
    redo = await api.gql(
        "mutation($c: ID!) { reprocessQuarantine(configId: $c) { stored stillRejected } }",
        {"c": config_id},
        as_user=sandbox.user("perf"),
    )
    assert redo["data"]["reprocessQuarantine"] == {"stored": 1, "stillRejected": 3}
    left = await api.gql(QUARANTINE, {"c": config_id}, as_user=sandbox.user("admin"))
    assert {e["node"]["sourceId"] for e in left["data"]["quarantine"]["edges"]} == {
        "nan",
        "late",
        "odd",
    }


async def test_a_plugin_failing_mid_sync_fails_only_its_run(api, make_company, sample) -> None:
    sandbox = await make_company()
    pages = [[item("T0007", "2026-11-02", 8, "x1"), item("T0007", "2026-11-03", 8, "boom")]]
    async with serve(Source(pages).app()) as url:
        run = await sync(api, sandbox, await configure(api, sandbox, url, mode="explode"))
    assert run["status"] == "FAILED"
    assert run["error"] == "RuntimeError: the plugin fell over mid-sync"
    assert (await api.gql("{ me { name } }", as_user=sandbox.user("admin")))["data"]["me"]


async def test_one_run_per_config_at_a_time(api, make_company, sample) -> None:
    sandbox = await make_company()
    source = Source(PAGES)
    source.script = {1: ["slow"]}
    slow = replace(api.runtime.engine.policy, read_timeout=5)
    api.runtime.engine.policy = slow
    async with serve(source.app()) as url:
        config_id = await configure(api, sandbox, url)
        first = await api.gql(
            SYNC,
            {"c": config_id, "s": "2026-11-01", "e": "2026-11-30"},
            as_user=sandbox.user("admin"),
        )
        second = await api.gql(
            SYNC,
            {"c": config_id, "s": "2026-11-01", "e": "2026-11-30"},
            as_user=sandbox.user("admin"),
        )
        assert second["errors"][0]["extensions"]["code"] == "CONFLICT"
        run = await finished(api, sandbox, first["data"]["syncConnector"]["id"])
    assert run["status"] == "SUCCEEDED"


async def test_a_changed_value_is_updated_and_the_others_are_left_alone(
    api, make_company, sample, db
) -> None:
    from server.models import MetricFact

    sandbox = await make_company()
    pages = [[item("T0007", "2026-11-02", 8, "v1"), item("T0007", "2026-11-03", 7, "v2")]]
    source = Source(pages)
    async with serve(source.app()) as url:
        config_id = await configure(api, sandbox, url)
        await sync(api, sandbox, config_id)
        first = {
            f.source_id: f
            for f in await MetricFact.filter(
                source_id__in=["v1", "v2"], metric="sample.hours"
            ).filter(employee__company__slug=sandbox.slug)
        }
        source.pages[0][1] = item("T0007", "2026-11-03", 7.25, "v2")
        await sync(api, sandbox, config_id)
        second = {
            f.source_id: f
            for f in await MetricFact.filter(
                source_id__in=["v1", "v2"], metric="sample.hours"
            ).filter(employee__company__slug=sandbox.slug)
        }
    assert (second["v1"].value, second["v1"].updated_at, second["v1"].run_id) == (
        first["v1"].value,
        first["v1"].updated_at,
        first["v1"].run_id,
    )
    assert str(second["v2"].value) == "7.250000"
    assert (
        second["v2"].run_id != first["v2"].run_id
        and second["v2"].updated_at > first["v2"].updated_at
    )
