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
from typing import Any, TypeVar, get_args

import pluggy

from plugins import hookspecs
from plugins.contract import Aggregation, Connector, ConnectorKind, FieldType

PROJECT = "jixiao"
DEFAULT_PLUGINS: tuple[str, ...] = (
    "plugins.wecom",
    "plugins.timeclock_file",
    "plugins.rest",
    "plugins.erpnext",
    # notification channels (docs/notifications.md)
    "plugins.channels.email",
    "plugins.channels.wecom_robot",
    "plugins.channels.dingtalk_robot",
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
class HookResult:
    """What one plugin's implementation of a hook gave: a value, or the error it raised."""

    plugin: str
    value: Any = None
    error: BaseException | None = None


def _is_wrapper(impl: pluggy.HookImpl) -> bool:
    return bool(impl.wrapper or impl.hookwrapper)


def call_each(manager: pluggy.PluginManager, name: str, **kwargs: Any) -> list[HookResult]:
    """Call hook ``name`` once per implementing plugin, in pluggy's order, through pluggy.

    A plain ``manager.hook.<name>(...)`` stops at the first implementation that raises;
    here each plugin gets its own call, so one failing plugin never silences the others.
    Each call still goes through ``manager.subset_hook_caller`` (pluggy's own caller for a
    subset of plugins), so wrappers (``wrapper=True``/``hookwrapper=True``, kept in every
    subset), ``tryfirst``/``trylast`` ordering and tracing (``add_hookcall_monitoring``,
    ``enable_tracing``) apply as to any hook call. ``get_hookimpls`` is used for listing.
    """
    impls = getattr(manager.hook, name).get_hookimpls()
    wrappers = {impl.plugin for impl in impls if _is_wrapper(impl)}
    everyone = manager.get_plugins()
    results: list[HookResult] = []
    # pluggy calls the last of get_hookimpls() first.
    for impl in reversed([i for i in impls if not _is_wrapper(i)]):
        others = [p for p in everyone if p is not impl.plugin and p not in wrappers]
        caller = manager.subset_hook_caller(name, remove_plugins=others)
        try:
            found = caller(**kwargs)
        except Exception as exc:
            results.append(HookResult(impl.plugin_name, error=exc))
            continue
        # A firstresult hook gives the value itself, the others a list without the Nones.
        if not (caller.spec and caller.spec.opts.get("firstresult")):
            found = found[0] if found else None
        results.append(HookResult(impl.plugin_name, found))
    return results


async def call_each_async(
    manager: pluggy.PluginManager, name: str, **kwargs: Any
) -> list[HookResult]:
    """``call_each``, then await each plugin's result (async implementations), one by one."""
    results = call_each(manager, name, **kwargs)
    awaited: list[HookResult] = []
    for result in results:
        if result.error is not None:
            awaited.append(result)
            continue
        try:
            awaited.append(HookResult(result.plugin, await await_me_maybe(result.value)))
        except Exception as exc:
            awaited.append(HookResult(result.plugin, error=exc))
    return awaited


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
    # Each plugin is called on its own so that one raising does not hide the rest.
    for found in call_each(result.manager, "jixiao_register_connectors"):
        try:
            if found.error is not None:
                raise found.error
            classes = list(found.value or [])
        except Exception as exc:
            result.failures.append(
                PluginFailure(found.plugin, "register", f"{type(exc).__name__}: {exc}")
            )
            continue
        for cls in classes:
            problem = _check_connector(cls, result.connectors)
            if problem:
                result.failures.append(PluginFailure(found.plugin, "connector", problem))
                continue
            result.connectors[cls.name] = cls
            result.sources[cls.name] = found.plugin


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
    return _check_declared(cls)


def _check_declared(cls: type[Connector]) -> str | None:
    """The closed sets a connector declares from (the API answers them as enums)."""
    if cls.kind not in get_args(ConnectorKind):
        return f"{cls.__name__}.kind {cls.kind!r} is not one of {get_args(ConnectorKind)}"
    for metric in cls.metrics:
        if metric.aggregation not in get_args(Aggregation):
            return f"metric {metric.key!r}: unknown aggregation {metric.aggregation!r}"
    for setting in cls.config_fields:
        if setting.type not in get_args(FieldType):
            return f"setting {setting.name!r}: unknown type {setting.type!r}"
    return None


def get_plugin_manager(allow: Iterable[str] | None = None) -> pluggy.PluginManager:
    """The pluggy manager with built-ins and installed plugins registered."""
    return load_plugins(allow).manager
