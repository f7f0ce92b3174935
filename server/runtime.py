"""What a running server holds: settings, database context, policy store, auth service."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from tortoise.context import TortoiseContext

from server.authz import PolicyStore
from server.db import open_database
from server.demo.load import load_demo
from server.services.auth import AuthService
from server.settings import Settings

log = logging.getLogger("jixiao")


@dataclass
class Runtime:
    settings: Settings
    db: TortoiseContext
    policies: PolicyStore
    auth: AuthService
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.db.close_connections()


async def start_runtime(
    settings: Settings, *, watch_policies: bool = True, connection_name: str = "default"
) -> Runtime:
    settings.validate()
    policies = PolicyStore(settings.policy_dir)  # refuses to start on a broken policy
    db = await open_database(settings.database_url, connection_name=connection_name)
    runtime = Runtime(settings, db, policies, AuthService(settings))
    if settings.demo:
        with db:
            created = await load_demo()
        if created:
            log.info("demo companies loaded: %s", ", ".join(created))
    if watch_policies and settings.policy_watch_seconds > 0:
        runtime.tasks.append(asyncio.create_task(policies.watch(settings.policy_watch_seconds)))
    return runtime
