"""A plugin whose hook raises: it must be reported and left out, never take the server down."""

from __future__ import annotations

from plugins import hookimpl


@hookimpl
def jixiao_register_connectors() -> list:
    raise RuntimeError("this plugin is broken on purpose")
