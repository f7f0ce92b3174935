"""Hook specifications for Jixiao plugins (project name ``jixiao``).

Every hook is a bare function with full type hints. An implementation may be a plain
function or a coroutine function; the caller awaits whatever comes back through one
helper (``plugins.manager.await_me_maybe``). docs/hooks.md documents each hook, and a test
fails when one is missing there.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

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
    """Called for every reminder or alert to deliver (e-mail, WeCom message, SMS...);
    return True when this plugin delivered it, False when it tried and failed, None
    when the channel is not this plugin's. Not firstresult: every plugin is asked."""
    raise NotImplementedError


@hookspec
def jixiao_startup(app: Any) -> Awaitable[None] | None:
    """Called once when the server has started (database ready, policies loaded), with
    the ASGI application. Return nothing. Not firstresult."""
    raise NotImplementedError
