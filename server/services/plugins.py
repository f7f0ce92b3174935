"""What the loaded plugins offer, and which failed to load: for connector admins."""

from __future__ import annotations

from plugins.contract import Connector
from plugins.manager import PluginFailure, PluginSet
from server.audit import Actor
from server.authz import CONNECTOR_CONFIG_READ


def installed_connectors(actor: Actor, plugins: PluginSet) -> list[tuple[type[Connector], str]]:
    """Each connector by name, with the plugin that provides it."""
    actor.authz.require(CONNECTOR_CONFIG_READ)
    return [(cls, plugins.sources[name]) for name, cls in sorted(plugins.connectors.items())]


def plugin_failures(actor: Actor, plugins: PluginSet) -> list[PluginFailure]:
    actor.authz.require(CONNECTOR_CONFIG_READ)
    return list(plugins.failures)
