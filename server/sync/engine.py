"""The sync engine: one run per connector config at a time, streamed in batches, nothing lost.

A run asks the connector for records, checks each (server.sync.checks), upserts facts and
quarantines the rest with their reasons, reports progress after every batch, and at the end
announces which metrics changed over which span: a ``FactsChanged`` event written to the
outbox in the transaction that ends the run (server.outbox), consumed durably. Progress is
high-frequency and ephemeral (the run row has the truth), so it stays in-process
(``server.events.sync_events``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any
from uuid import UUID

import aiohttp
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from plugins.contract import Connector, ConnectorError, Period, Record
from plugins.manager import PluginSet
from server.events import FactsChanged, SyncProgress, sync_events
from server.models import ConnectorConfig, QuarantinedRecord, SyncRun
from server.outbox import emit
from server.secrets import SecretBox
from server.sync.checks import FactRow, RecordCheck, Rejected, employee_keys
from server.sync.http import RetryPolicy, make_session
from server.sync.redact import Redactor, describe
from server.sync.store import resolve, store_facts, store_rejected
from server.tasks import cancel_and_wait

log = logging.getLogger("jixiao.sync")
BATCH = 5000  # records per write; memory is one batch whatever the run size
MAX_RUN = timedelta(hours=6)  # a run still going after this is cut off and fails
HEARTBEAT = 60.0  # seconds between a going run's heartbeats
STALE_AFTER = timedelta(minutes=10)  # no heartbeat for this long: its process died
ABANDONED = "abandoned: the server running it stopped before it finished"
# Failures that are the source's or the connector's, not a bug: logged without traceback.
EXPECTED = (ConnectorError, aiohttp.ClientError, TimeoutError)


class SyncBusy(Exception):
    """A run for this config is already going."""


class SyncEngine:
    def __init__(
        self,
        plugins: PluginSet,
        box: SecretBox,
        policy: RetryPolicy | None = None,
        *,
        allow_private: bool = True,
    ) -> None:
        self.plugins = plugins
        self.box = box
        self.policy = policy or RetryPolicy()
        self.allow_private = allow_private  # JIXIAO_CONNECTOR_ALLOW_PRIVATE_NETWORKS
        self.heartbeat = HEARTBEAT
        self.stale_after = STALE_AFTER
        self._running: dict[UUID, asyncio.Task[SyncRun]] = {}

    def connector(self, name: str) -> type[Connector] | None:
        return self.plugins.connectors.get(name)

    def config_for(
        self, config: ConnectorConfig, upload: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Settings with secrets opened, as the connector receives them."""
        return {**config.settings, **self.box.open(config.sealed_secrets), **(upload or {})}

    def redactor(self, config: ConnectorConfig) -> Redactor:
        """The redaction of every message about this config (it knows the secret values)."""
        try:
            return Redactor.of(self.box.open(config.sealed_secrets))
        except ValueError:  # unreadable secrets cannot leak; URLs are still stripped
            return Redactor()

    def session(self, redact: Redactor) -> aiohttp.ClientSession:
        return make_session(self.policy, allow_private=self.allow_private, redact=redact)

    def log_failure(self, what: str, exc: BaseException, redact: Redactor) -> None:
        """Log a connector's failure, redacted; a traceback only when it looks like a bug."""
        if isinstance(exc, EXPECTED):
            log.warning("%s: %s", what, redact(f"{type(exc).__name__}: {exc}"))
        else:
            log.error("%s: %s", what, redact.traceback(exc))

    async def start(
        self,
        config: ConnectorConfig,
        period: Period,
        *,
        trigger: str = "manual",
        actor_id: UUID | None = None,
        upload: dict[str, Any] | None = None,
    ) -> tuple[SyncRun, asyncio.Task[SyncRun]]:
        """Open a run and start it in the background; SyncBusy when one is going.

        The run row claims the config through its unique ``active_config_id``: of any
        number of concurrent starts, the database lets exactly one insert succeed.
        """
        now = datetime.now(UTC)
        await self._free_abandoned(config.id, now)
        try:
            run = await SyncRun.create(
                company_id=config.company_id,
                config_id=config.id,
                trigger=trigger,
                triggered_by=actor_id,
                period_start=period.start,
                period_end=period.end,
                active_config_id=config.id,
                heartbeat_at=now,
            )
        except IntegrityError as exc:
            raise SyncBusy() from exc
        task = asyncio.create_task(self._run(run, config, period, upload), name=f"sync-{run.id}")
        self._running[config.id] = task
        task.add_done_callback(partial(self._forget, config.id))
        return run, task

    async def stop(self) -> None:
        """Cancel the going runs (server shutdown): each ends as failed and frees its config."""
        tasks = list(self._running.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _free_abandoned(self, config_id: UUID, now: datetime) -> None:
        """Fail the config's going run when its process died (no heartbeat for a while)."""
        await SyncRun.filter(
            active_config_id=config_id, heartbeat_at__lt=now - self.stale_after
        ).update(status="failed", error=ABANDONED, finished_at=now, active_config_id=None)

    async def _beat(self, run_id: UUID) -> None:
        while True:
            await asyncio.sleep(self.heartbeat)
            try:
                await SyncRun.filter(id=run_id).update(heartbeat_at=datetime.now(UTC))
            except Exception as exc:  # a missed beat is harmless; the next one may pass
                log.warning("heartbeat of sync run %s failed: %s", run_id, type(exc).__name__)

    async def _run(
        self, run: SyncRun, config: ConnectorConfig, period: Period, upload: dict[str, Any] | None
    ) -> SyncRun:
        beat = asyncio.create_task(self._beat(run.id), name=f"sync-heartbeat-{run.id}")
        try:
            return await self._collect(run, config, period, upload)
        finally:
            await cancel_and_wait(beat)

    async def _collect(
        self, run: SyncRun, config: ConnectorConfig, period: Period, upload: dict[str, Any] | None
    ) -> SyncRun:
        cls = self.connector(config.connector)
        changed: set[str] = set()
        batch: list[Record] = []
        check: RecordCheck | None = None
        has_quarantine = False
        redact = self.redactor(config)
        try:
            if cls is None:
                raise RuntimeError(f"connector {config.connector!r} is not installed")
            connector = cls()
            check = RecordCheck(
                frozenset(m.key for m in cls.metrics),
                await employee_keys(config.company_id, config.match_by),
                period,
                config.match_by,
                redact,
            )
            has_quarantine = await QuarantinedRecord.filter(
                config_id=config.id, resolved_at=None
            ).exists()
            async with asyncio.timeout(MAX_RUN.total_seconds()), self.session(redact) as session:
                async for record in connector.fetch(
                    session, self.config_for(config, upload), config.cursor, period
                ):
                    batch.append(record)
                    if len(batch) >= BATCH:
                        changed |= await self._write(run, config, check, batch, has_quarantine)
                        batch = []
                changed |= await self._write(run, config, check, batch, has_quarantine)
                batch = []
            config.cursor = connector.next_cursor() or config.cursor
            run.status = "succeeded"
        except asyncio.CancelledError:
            # The server is stopping: end the run and free its config if the database can
            # still be reached (if not, the heartbeat goes stale and the next start frees it).
            run.status, run.error, run.active_config_id = "failed", ABANDONED, None
            run.finished_at = datetime.now(UTC)
            with contextlib.suppress(Exception):
                await asyncio.shield(run.save())
            raise
        except Exception as exc:  # a connector's failure ends its run, never the server
            self.log_failure(f"sync run {run.id} of {config.connector} failed", exc, redact)
            run.status = "failed"
            run.error = describe(exc, redact)
            if batch and check is not None:
                # What arrived before the failure is kept (the cursor is not advanced, so a
                # re-run fetches it again and the upserts make that harmless).
                try:
                    changed |= await self._write(run, config, check, batch, has_quarantine)
                except Exception as write_exc:
                    self.log_failure(f"partial batch of run {run.id} lost", write_exc, redact)
        run.finished_at = datetime.now(UTC)
        run.active_config_id = None  # frees the config, in the same write that ends the run
        # The facts were stored batch by batch; the run's end announces them, with the run.
        # A process dying before this point announces nothing, but its run is abandoned and
        # the next run fetches the same records again (the cursor did not move) and does.
        async with in_transaction():
            await run.save()
            config.last_run_at = run.finished_at
            await config.save(update_fields=["cursor", "last_run_at", "updated_at"])
            if changed:
                await emit(
                    FactsChanged(
                        run.company_id, frozenset(changed), period.start, period.end, run.id
                    )
                )
        self._progress(run)
        return run

    async def _write(
        self,
        run: SyncRun,
        config: ConnectorConfig,
        check: RecordCheck,
        batch: list[Record],
        has_quarantine: bool,
    ) -> set[str]:
        if not batch:
            return set()
        facts: list[FactRow] = []
        rejected: list[Rejected] = []
        for record in batch:
            verdict = check.check(record)
            (facts if isinstance(verdict, FactRow) else rejected).append(verdict)  # type: ignore[arg-type]
        await store_facts(run.company_id, str(config.id), run.id, facts)
        await store_rejected(run.company_id, config.id, run.id, rejected)
        if has_quarantine and facts:
            await resolve(config.id, [(f.source_id, f.metric) for f in facts])
        run.fetched += len(batch)
        run.stored += len(facts)
        run.rejected += len(rejected)
        await run.save(update_fields=["fetched", "stored", "rejected"])
        self._progress(run)
        return {f.metric for f in facts}

    def _forget(self, config_id: UUID, _task: asyncio.Task[SyncRun]) -> None:
        self._running.pop(config_id, None)

    def _progress(self, run: SyncRun) -> None:
        sync_events.publish(
            SyncProgress(
                run.company_id, run.id, run.status, run.fetched, run.stored, run.rejected, run.error
            )
        )

    async def reprocess(self, config: ConnectorConfig) -> tuple[int, int]:
        """Try the config's open quarantine again (after fixing people or mappings)."""
        cls = self.connector(config.connector)
        rows = await QuarantinedRecord.filter(config_id=config.id, resolved_at=None)
        if cls is None or not rows:
            return 0, len(rows)
        # Each record is judged against the period of the run that fetched it.
        spans = {
            pk: Period(start, end)
            for pk, start, end in await SyncRun.filter(
                id__in=list({r.run_id for r in rows if r.run_id})
            ).values_list("id", "period_start", "period_end")
        }
        keys = await employee_keys(config.company_id, config.match_by)
        metrics = frozenset(m.key for m in cls.metrics)
        unknown_span = Period(date.min, date.min)  # a record from no known run stays quarantined
        verdicts = [
            RecordCheck(metrics, keys, spans.get(r.run_id, unknown_span), config.match_by).check(
                Record(
                    r.employee_key,
                    r.metric,
                    r.day,  # type: ignore[arg-type]  # None: refused by the check
                    r.value,
                    r.source_id,
                    r.period_end,
                    r.payload,
                )
            )
            for r in rows
        ]
        facts = [v for v in verdicts if isinstance(v, FactRow)]
        still = [
            Rejected(**{**v.__dict__, "payload": row.payload})
            for v, row in zip(verdicts, rows, strict=True)
            if isinstance(v, Rejected)
        ]
        async with in_transaction():  # the facts and their announcement, together
            await store_facts(config.company_id, str(config.id), None, facts)
            await store_rejected(config.company_id, config.id, None, still)
            await resolve(config.id, [(f.source_id, f.metric) for f in facts])
            if facts:
                start = min(f.period_start for f in facts)
                end = max(f.period_end for f in facts)
                await emit(
                    FactsChanged(config.company_id, frozenset(f.metric for f in facts), start, end)
                )
        return len(facts), len(still)

    async def run_due(
        self, now: datetime, current_period: Callable[[ConnectorConfig], Period]
    ) -> list[SyncRun]:
        """Start the scheduled runs that are due (called by the server's scheduler)."""
        started: list[SyncRun] = []
        configs = await ConnectorConfig.filter(
            enabled=True, deleted_at=None, schedule_minutes__not_isnull=True
        ).select_related("company")
        for config in configs:
            due = (
                config.last_run_at is None
                or config.last_run_at + timedelta(minutes=config.schedule_minutes or 0) <= now
            )
            if not due:
                continue
            try:
                run, _ = await self.start(config, current_period(config), trigger="schedule")
            except SyncBusy:
                continue
            started.append(run)
        return started
