"""Hook specifications for Jixiao plugins (project name ``jixiao``).

Every hook is a bare function with full type hints. An implementation may be a plain
function or a coroutine function; the caller awaits whatever comes back through one
helper (``plugins.manager.await_me_maybe``). The server calls each hook through pluggy
(``plugins.manager.call_each``: one call per plugin, so one raising does not stop the
others, while wrappers, ordering and tracing still apply). docs/hooks.md documents each
hook, and a test fails when one is missing there.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date
from typing import Any
from uuid import UUID

import pluggy

from plugins.contract import Connector
from plugins.notifications import Notification

hookspec = pluggy.HookspecMarker("jixiao")
hookimpl = pluggy.HookimplMarker("jixiao")


@hookspec
def jixiao_register_connectors() -> list[type[Connector]]:
    """Called once when the plugin manager is built; return the connector classes this
    plugin provides. Not firstresult: the lists of all plugins are combined, and a
    connector name may be registered only once."""
    raise NotImplementedError


@hookspec
def jixiao_deliver_notification(notification: Notification) -> bool | Awaitable[bool] | None:
    """Called for every reminder, alert or daily digest to deliver (e-mail, WeCom or
    DingTalk robot, SMS...) by the notification worker, with the tenant's channel settings
    in ``notification.settings``; return True when this plugin delivered it, False (or raise
    ``DeliveryError``) when it tried and failed, None when the channel is not this plugin's.
    Not firstresult: every plugin is asked."""
    raise NotImplementedError


@hookspec
def jixiao_facts_changed(
    event_id: int, company_id: UUID, metrics: frozenset[str], start: date, end: date
) -> Awaitable[None] | None:
    """Called from the outbox, by the one dispatcher of the deployment, after a sync or a
    quarantine reprocess stored facts: which metric keys changed over which span of one
    company. At least once per event (after a crash it may come again: ``event_id``
    identifies it). Return nothing. Not firstresult: every plugin is called."""
    raise NotImplementedError


@hookspec
def jixiao_startup(app: Any) -> Awaitable[None] | None:
    """Called once when the server has started (database ready, policies loaded), with
    the ASGI application. Return nothing. Not firstresult."""
    raise NotImplementedError
