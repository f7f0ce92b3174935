"""One sync run per config at a time, decided by the database (a unique column), so
concurrent starts, the scheduler and several processes cannot make two."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from plugins.contract import Period
from schema.ids import decode
from server.db import using
from server.sync.engine import ABANDONED
from tests.plugins.loopback import serve
from tests.plugins.syncing import SYNC, Source, configure, finished, item

PAGES = [[item("T0007", "2026-11-02", 8, "o1")], [item("T0007", "2026-11-03", 8, "o2")]]
NOVEMBER = {"s": "2026-11-01", "e": "2026-11-30"}


def slow_source() -> Source:
    source = Source(PAGES)
    source.script = {1: ["slow"]}  # the first page takes 2 s: the run stays going
    return source


async def runs_of(api, config_id: str) -> list[dict]:
    from server.models import SyncRun

    with using(api.runtime.db):
        return await SyncRun.filter(config_id=decode(config_id, "ConnectorConfig")).values()


async def test_concurrent_starts_make_exactly_one_run(api, make_company, sample) -> None:
    sandbox = await make_company()
    admin = sandbox.user("admin")
    token = await api.token(admin)
    api.runtime.engine.policy = replace(api.runtime.engine.policy, read_timeout=5)
    async with serve(slow_source().app()) as url:
        config_id = await configure(api, sandbox, url)
        variables = {"c": config_id, **NOVEMBER}
        answers = await asyncio.gather(
            *(
                api.post(SYNC, variables, token=token, lang="zh-CN" if i % 2 else None)
                for i in range(5)
            )
        )
        results = [a.json() for a in answers]
        started = [r for r in results if "errors" not in r]
        refused = [r for r in results if "errors" in r]
        assert len(started) == 1 and len(refused) == 4, results
        for result in refused:
            assert result["errors"][0]["extensions"]["code"] == "CONFLICT"
            assert result["errors"][0]["message"] in {
                "A sync of this connector is already running; wait for it to finish.",
                "该连接器正在同步，请等待完成。",
            }
        assert len(await runs_of(api, config_id)) == 1
        run_id = started[0]["data"]["syncConnector"]["id"]
        assert (await finished(api, sandbox, run_id))["status"] == "SUCCEEDED"
        # Finished runs hold nothing: the next start is accepted.
        again = await api.gql(SYNC, variables, as_user=admin)
        assert "errors" not in again, again
        await finished(api, sandbox, again["data"]["syncConnector"]["id"])
    rows = await runs_of(api, config_id)
    assert len(rows) == 2 and all(r["active_config_id"] is None for r in rows)


async def test_the_scheduler_and_manual_starts_race_for_one_run(api, make_company, sample) -> None:
    sandbox = await make_company()
    admin = sandbox.user("admin")
    token = await api.token(admin)
    engine = api.runtime.engine
    engine.policy = replace(engine.policy, read_timeout=5)
    async with serve(slow_source().app()) as url:
        config_id = await configure(api, sandbox, url)
        await api.gql(
            "mutation($id: ID!) { updateConnectorConfig(id: $id, input: {scheduleMinutes: 60}) { id } }",
            {"id": config_id},
            as_user=admin,
        )
        mine = decode(config_id, "ConnectorConfig")
        november = Period(date(2026, 11, 1), date(2026, 11, 30))
        with using(api.runtime.db):
            answers = await asyncio.gather(
                *(engine.run_due(datetime.now(UTC), lambda _c: november) for _ in range(3)),
                *(api.post(SYNC, {"c": config_id, **NOVEMBER}, token=token) for _ in range(2)),
            )
        scheduled = [run for runs in answers[:3] for run in runs if run.config_id == mine]
        manual = [a.json() for a in answers[3:] if "errors" not in a.json()]
        assert len(scheduled) + len(manual) == 1, (scheduled, manual)
        rows = await runs_of(api, config_id)
        assert len(rows) == 1
        await finished(api, sandbox, _global_run_id(rows[0]["id"]))


def _global_run_id(pk: UUID) -> str:
    from schema.ids import encode

    return encode("SyncRun", pk)


async def test_a_run_whose_process_died_frees_its_config(api, make_company, sample) -> None:
    from server.models import ConnectorConfig, SyncRun

    sandbox = await make_company()
    admin = sandbox.user("admin")
    async with serve(Source(PAGES).app()) as url:
        config_id = await configure(api, sandbox, url)
        with using(api.runtime.db):
            config = await ConnectorConfig.get(id=decode(config_id, "ConnectorConfig"))
            now = datetime.now(UTC)
            # A run another process is still beating for: it holds the config.
            alive = await SyncRun.create(
                company_id=config.company_id,
                config_id=config.id,
                period_start=date(2026, 11, 1),
                period_end=date(2026, 11, 30),
                active_config_id=config.id,
                heartbeat_at=now,
            )
        busy = await api.gql(SYNC, {"c": config_id, **NOVEMBER}, as_user=admin)
        assert busy["errors"][0]["extensions"]["code"] == "CONFLICT"
        with using(api.runtime.db):
            # Its process died: no heartbeat for longer than the engine waits.
            await SyncRun.filter(id=alive.id).update(heartbeat_at=now - timedelta(hours=1))
        started = await api.gql(SYNC, {"c": config_id, **NOVEMBER}, as_user=admin)
        assert "errors" not in started, started
        run = await finished(api, sandbox, started["data"]["syncConnector"]["id"])
        assert run["status"] == "SUCCEEDED"
    with using(api.runtime.db):
        dead = await SyncRun.get(id=alive.id)
    assert dead.status == "failed" and dead.error == ABANDONED and dead.active_config_id is None
    assert dead.finished_at is not None


async def test_a_going_run_keeps_beating(api, make_company, sample, monkeypatch) -> None:
    from server.models import SyncRun

    sandbox = await make_company()
    engine = api.runtime.engine
    monkeypatch.setattr(engine, "heartbeat", 0.05)
    engine.policy = replace(engine.policy, read_timeout=5)
    async with serve(slow_source().app()) as url:
        config_id = await configure(api, sandbox, url)
        started = await api.gql(SYNC, {"c": config_id, **NOVEMBER}, as_user=sandbox.user("admin"))
        run_id = decode(started["data"]["syncConnector"]["id"], "SyncRun")
        with using(api.runtime.db):
            first = (await SyncRun.get(id=run_id)).heartbeat_at
            # The heartbeat is a timer with nothing to await: read until a beat has landed
            # (a few 50 ms beats), while the slow first page keeps the run going for 2 s.
            async with asyncio.timeout(1.5):
                later = await SyncRun.get(id=run_id)
                while later.heartbeat_at == first:
                    await asyncio.sleep(engine.heartbeat)
                    later = await SyncRun.get(id=run_id)
        assert later.status == "running" and later.heartbeat_at > first
        assert later.active_config_id == later.config_id
        await finished(api, sandbox, started["data"]["syncConnector"]["id"])


async def test_stopping_the_server_ends_going_runs_and_frees_their_configs(
    api, make_company, sample
) -> None:
    from server.models import SyncRun

    sandbox = await make_company()
    engine = api.runtime.engine
    engine.policy = replace(engine.policy, read_timeout=5)
    source = slow_source()
    async with serve(source.app()) as url:
        config_id = await configure(api, sandbox, url)
        started = await api.gql(SYNC, {"c": config_id, **NOVEMBER}, as_user=sandbox.user("admin"))
        run_id = decode(started["data"]["syncConnector"]["id"], "SyncRun")
        with using(api.runtime.db):
            # Stop once the run is under way (fetching its slow first page), not before.
            await asyncio.wait_for(source.reached.wait(), 10)
            await engine.stop()
            run = await SyncRun.get(id=run_id)
    assert run.status == "failed" and run.error == ABANDONED and run.active_config_id is None
