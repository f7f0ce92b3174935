"""What a running server holds: settings, database context, policy store, auth service."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from tortoise.context import TortoiseContext

from plugins.contract import Period
from plugins.manager import PluginSet, load_plugins
from server.actuals.consumer import facts_consumer
from server.authz import PolicyStore
from server.db import open_database, using
from server.demo.load import load_demo
from server.evaluations.start import start_due_evaluations
from server.metrics import MetricRegistry
from server.models import ConnectorConfig
from server.notifications.worker import DeliveryWorker
from server.outbox import Dispatcher, Tail, plugin_consumers
from server.plans.templates import seed_all_companies
from server.reminders.consumer import reminders_consumer
from server.reminders.engine import run_due as run_due_reminders
from server.reminders.engine import tick_spacing as reminder_spacing
from server.scoring.publishing import announce_due_releases
from server.secrets import SecretBox
from server.services.auth import AuthService
from server.services.connectors import ConnectorConfigs
from server.settings import Settings
from server.sync.engine import SyncEngine
from server.sync.http import RetryPolicy
from server.tasks import cancel_and_wait

log = logging.getLogger("jixiao")


@dataclass
class Runtime:
    settings: Settings
    db: TortoiseContext
    policies: PolicyStore
    auth: AuthService
    plugins: PluginSet
    engine: SyncEngine
    connector_configs: ConnectorConfigs
    metrics: MetricRegistry
    # This process's reader of the outbox (subscriptions), and the durable dispatcher
    # (runs its consumers only while this process holds the deployment's lease).
    tail: Tail
    dispatcher: Dispatcher
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    # Sends notifications through the channel plugins (started with the dispatcher; any
    # number of processes may run one: each delivery is claimed by one of them).
    notifier: DeliveryWorker | None = None

    async def close(self) -> None:
        if self.notifier is not None:
            await self.notifier.stop()
        await self.dispatcher.stop()
        await self.tail.stop()
        for task in self.tasks:
            await cancel_and_wait(task)
        with using(self.db):
            await self.engine.stop()  # ends going syncs while the database is still open
        await self.db.close_connections()


def month_to_date(config: ConnectorConfig) -> Period:
    """What a scheduled sync collects: the current month in the company's time zone."""
    today = datetime.now(ZoneInfo(config.company.timezone)).date()
    return Period(date(today.year, today.month, 1), today)


async def _scheduler(runtime: Runtime, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            with using(runtime.db):
                await runtime.engine.run_due(datetime.now(UTC), month_to_date)
        except Exception:  # the scheduler must outlive any one bad tick
            log.exception("scheduled sync tick failed")
        try:  # apart from the syncs: a failure of either leaves the other running
            with using(runtime.db):
                await start_due_evaluations(datetime.now(UTC))
        except Exception:
            log.exception("starting due evaluations failed")
        try:  # results scheduled for a time that has come: their "published" event, once
            with using(runtime.db):
                await announce_due_releases(datetime.now(UTC))
        except Exception:
            log.exception("announcing due results releases failed")
        try:  # each tenant's reminder rules, once per tick across processes (a lease)
            with using(runtime.db):
                await run_due_reminders(datetime.now(UTC), reminder_spacing(interval))
        except Exception:
            log.exception("running the reminder rules failed")


async def start_runtime(
    settings: Settings,
    *,
    watch_policies: bool = True,
    connection_name: str = "default",
    retry: RetryPolicy | None = None,
    dispatch: bool | None = None,
) -> Runtime:
    """``dispatch``: run the outbox dispatcher in the background (default: with the other
    background tasks, ``watch_policies``); tests leave it off and call ``run_once``."""
    settings.validate()
    policies = PolicyStore(settings.policy_dir)  # refuses to start on a broken policy
    plugins = load_plugins(settings.plugins)
    for failure in plugins.failures:
        log.error("plugin %s left out (%s): %s", failure.plugin, failure.stage, failure.message)
    engine = SyncEngine(
        plugins,
        SecretBox(settings.secret_key),
        retry,
        allow_private=settings.allow_private_networks,
    )
    # Migrates to the code's schema first (one process at a time), or with
    # JIXIAO_AUTO_MIGRATE=false refuses a database that is behind (server/migrator.py).
    db = await open_database(
        settings.database_url,
        migrate=settings.auto_migrate,
        connection_name=connection_name,
        progress=log.info,
    )
    runtime = Runtime(
        settings,
        db,
        policies,
        AuthService(settings),
        plugins,
        engine,
        ConnectorConfigs(engine),
        MetricRegistry.from_plugins(plugins),
        tail=Tail(db),
        dispatcher=Dispatcher(db, plugin_consumers(plugins.manager)),
    )
    if settings.demo:
        with using(db):
            created = await load_demo()
        if created:
            log.info("demo companies loaded: %s", ", ".join(created))
    with using(db):
        # Companies made before the library was seeded at creation; insert-or-ignore, so
        # every start (and several processes starting at once) leaves one copy of each.
        await seed_all_companies()
    await runtime.tail.start()
    # Connector facts become actuals (and scores) as they arrive, with the metrics in force.
    runtime.dispatcher.register(facts_consumer(lambda: runtime.metrics))
    # Changes that can make something due or late run the tenant's reminder rules.
    runtime.dispatcher.register(reminders_consumer())
    await runtime.dispatcher.prepare()
    if watch_policies if dispatch is None else dispatch:
        runtime.dispatcher.start()
        runtime.notifier = DeliveryWorker(db, plugins.manager, engine.box)
        runtime.notifier.start()
    if watch_policies and settings.policy_watch_seconds > 0:
        runtime.tasks.append(asyncio.create_task(policies.watch(settings.policy_watch_seconds)))
    if watch_policies and settings.sync_tick_seconds > 0:
        runtime.tasks.append(asyncio.create_task(_scheduler(runtime, settings.sync_tick_seconds)))
    return runtime
