"""Hook specifications and the built-in connector plugins.

Plugins import ``hookimpl`` from here::

    from plugins import hookimpl

    @hookimpl
    def jixiao_register_connectors():
        return [MyConnector]
"""

from __future__ import annotations

from plugins.hookspecs import hookimpl, hookspec

__all__ = ["hookimpl", "hookspec"]
