"""Building the plugin manager: built-ins first, then installed ``jixiao`` entry points.

A plugin that fails to import, or whose hook raises, is recorded and left out; the server
and the other plugins go on.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, TypeVar

import pluggy

from plugins import hookspecs
from plugins.contract import Connector

PROJECT = "jixiao"
DEFAULT_PLUGINS: tuple[str, ...] = (
    "plugins.wecom",
    "plugins.timeclock_file",
    "plugins.rest",
    "plugins.erpnext",
)
T = TypeVar("T")


async def await_me_maybe(value: T | Any) -> T:
    """Hooks may be plain or async: await whatever needs awaiting (as datasette does)."""
    if callable(value):
        value = value()
    if inspect.isawaitable(value):
        value = await value
    return value


@dataclass(frozen=True)
class PluginFailure:
    plugin: str
    stage: str  # "import", "register" or "connector"
    message: str


@dataclass
class PluginSet:
    manager: pluggy.PluginManager
    connectors: dict[str, type[Connector]] = field(default_factory=dict)
    failures: list[PluginFailure] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # connector name -> plugin name


def _allowed(name: str, allow: frozenset[str] | None) -> bool:
    return allow is None or name in allow or name.rsplit(".", 1)[-1] in allow


def load_plugins(allow: Iterable[str] | None = None) -> PluginSet:
    """All plugins permitted by ``allow`` (None = every installed plugin)."""
    allowed = None if allow is None else frozenset(allow)
    manager = pluggy.PluginManager(PROJECT)
    manager.add_hookspecs(hookspecs)
    result = PluginSet(manager)
    for module_name in DEFAULT_PLUGINS:
        if not _allowed(module_name, allowed):
            continue
        try:
            manager.register(importlib.import_module(module_name), name=module_name)
        except Exception as exc:  # a broken plugin must not take the server down
            result.failures.append(
                PluginFailure(module_name, "import", f"{type(exc).__name__}: {exc}")
            )
    for entry in entry_points(group=PROJECT):
        if not _allowed(entry.name, allowed) or manager.has_plugin(entry.name):
            continue
        try:
            manager.register(entry.load(), name=entry.name)
        except Exception as exc:
            result.failures.append(
                PluginFailure(entry.name, "import", f"{type(exc).__name__}: {exc}")
            )
    _collect_connectors(result)
    return result


def _collect_connectors(result: PluginSet) -> None:
    # Each implementation is called on its own so that one raising does not hide the rest.
    for impl in result.manager.hook.jixiao_register_connectors.get_hookimpls():
        try:
            classes = list(impl.function() or [])
        except Exception as exc:
            result.failures.append(
                PluginFailure(impl.plugin_name, "register", f"{type(exc).__name__}: {exc}")
            )
            continue
        for cls in classes:
            problem = _check_connector(cls, result.connectors)
            if problem:
                result.failures.append(PluginFailure(impl.plugin_name, "connector", problem))
                continue
            result.connectors[cls.name] = cls
            result.sources[cls.name] = impl.plugin_name


def _check_connector(cls: Any, known: dict[str, type[Connector]]) -> str | None:
    if not (isinstance(cls, type) and issubclass(cls, Connector)):
        return f"{cls!r} is not a Connector subclass"
    name = getattr(cls, "name", "")
    if not name or not isinstance(name, str):
        return f"{cls.__name__} has no name"
    if name in known:
        return f"connector name {name!r} is already registered"
    if not inspect.isasyncgenfunction(cls.fetch):
        return f"{cls.__name__}.fetch must be an async generator"
    return None


def get_plugin_manager(allow: Iterable[str] | None = None) -> pluggy.PluginManager:
    """The pluggy manager with built-ins and installed plugins registered."""
    return load_plugins(allow).manager
