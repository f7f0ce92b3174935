"""Every hook is called through pluggy, one plugin at a time; the outbox hands changed
facts and notifications to plugins."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import pluggy
import pytest

from plugins import hookimpl, hookspecs
from plugins.manager import PluginSet, _collect_connectors, call_each
from plugins.notifications import Notification
from schema.app import _startup_hooks
from server.db import using
from server.events import FactsChanged, NotificationRequested
from server.outbox import emit
from tests.plugins import sample_listener
from tests.plugins.sample_paged import PagedConnector


class Wrapper:
    """A hook wrapper: it sees every call pluggy makes, and nothing else would."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def _wrap(self, name: str) -> Any:
        self.calls.append(name)
        return (yield)

    @hookimpl(wrapper=True)
    def jixiao_register_connectors(self) -> Any:
        return (yield from self._wrap("jixiao_register_connectors"))

    @hookimpl(wrapper=True)
    def jixiao_startup(self, app: Any) -> Any:
        return (yield from self._wrap("jixiao_startup"))

    @hookimpl(wrapper=True)
    def jixiao_deliver_notification(self, notification: Notification) -> Any:
        return (yield from self._wrap("jixiao_deliver_notification"))


class Broken:
    @hookimpl(tryfirst=True)
    def jixiao_register_connectors(self) -> list[Any]:
        raise RuntimeError("broken plugin")

    @hookimpl(tryfirst=True)
    def jixiao_startup(self, app: Any) -> None:
        raise RuntimeError("broken plugin")

    @hookimpl(tryfirst=True)
    def jixiao_deliver_notification(self, notification: Notification) -> bool:
        raise RuntimeError("broken plugin")


class Working:
    def __init__(self) -> None:
        self.started: list[Any] = []

    @hookimpl
    def jixiao_register_connectors(self) -> list[Any]:
        return [PagedConnector]

    @hookimpl
    async def jixiao_startup(self, app: Any) -> None:
        self.started.append(app)


def manager(*plugins: Any) -> pluggy.PluginManager:
    pm = pluggy.PluginManager("jixiao")
    pm.add_hookspecs(hookspecs)
    for plugin in plugins:
        pm.register(plugin)
    return pm


def test_connectors_are_collected_through_pluggy_and_a_broken_plugin_is_left_out() -> None:
    wrapper, working = Wrapper(), Working()
    pm = manager(wrapper, Broken(), working)
    traced: list[str] = []
    pm.add_hookcall_monitoring(lambda name, *_: traced.append(name), lambda *_: None)
    result = PluginSet(pm)
    _collect_connectors(result)
    assert result.connectors == {PagedConnector.name: PagedConnector}
    assert [f.stage for f in result.failures] == ["register"]
    # One call per implementing plugin, each through the wrapper and the monitor.
    assert wrapper.calls == ["jixiao_register_connectors"] * 2
    assert traced == ["jixiao_register_connectors"] * 2


async def test_startup_hooks_go_through_pluggy_and_survive_a_broken_plugin() -> None:
    wrapper, working = Wrapper(), Working()
    pm = manager(wrapper, Broken(), working)

    class Runtime:
        plugins = PluginSet(pm)

    await _startup_hooks(Runtime(), "the app")  # type: ignore[arg-type]
    assert working.started == ["the app"]
    assert wrapper.calls == ["jixiao_startup"] * 2


def test_call_each_keeps_pluggy_order_and_reports_errors_per_plugin() -> None:
    order: list[str] = []

    class Late:
        @hookimpl(trylast=True)
        def jixiao_deliver_notification(self, notification: Notification) -> bool:
            order.append("late")
            return True

    class Early:
        @hookimpl(tryfirst=True)
        def jixiao_deliver_notification(self, notification: Notification) -> None:
            order.append("early")

    pm = manager(Late(), Broken(), Early())
    note = Notification("t", "sample", "r", "s", "b")
    results = call_each(pm, "jixiao_deliver_notification", notification=note)
    assert order == ["early", "late"]
    # Early and Broken are both tryfirst: the one registered last goes first (pluggy's LIFO).
    assert [type(r.error).__name__ if r.error else r.value for r in results] == [
        None,
        "RuntimeError",
        True,
    ]


@pytest.fixture
def listener(api) -> Iterator[list[tuple[str, Any]]]:
    """The sample listener plugin in the shared runtime, for one test (then removed)."""
    pm = api.runtime.plugins.manager
    sample_listener.heard.clear()
    pm.register(sample_listener, name="tests.plugins.sample_listener")
    try:
        yield sample_listener.heard
    finally:
        pm.unregister(name="tests.plugins.sample_listener")
        sample_listener.heard.clear()


async def test_facts_changed_reach_the_plugins_from_the_outbox(api, listener) -> None:
    company = uuid.uuid4()
    with using(api.runtime.db):
        await emit(
            FactsChanged(
                company, frozenset({"sample.hours"}), date(2026, 11, 1), date(2026, 11, 30)
            )
        )
    await api.runtime.dispatcher.run_once()
    # (Other tests' events may be pending too: only this company's count here.)
    ours = [heard for heard in listener if heard[1][1] == company]
    (kind, (event_id, company_id, metrics, start, end)), *rest = ours
    assert kind == "facts" and rest == []
    assert (company_id, metrics, start, end) == (
        company,
        frozenset({"sample.hours"}),
        date(2026, 11, 1),
        date(2026, 11, 30),
    )
    assert event_id > 0
    await api.runtime.dispatcher.run_once()
    assert [heard for heard in listener if heard[1][1] == company] == ours  # handed once


async def test_notifications_are_delivered_through_the_plugin_hook(
    api, make_company, listener
) -> None:
    sandbox = await make_company()
    with using(api.runtime.db):
        await emit(
            NotificationRequested(
                sandbox.company_id, "sample", "worker@example.com", "提醒", "请提交计划"
            )
        )
    await api.runtime.dispatcher.run_once()
    assert listener == [
        (
            "notification",
            Notification(
                sandbox.slug, "sample", "worker@example.com", "提醒", "请提交计划", "reminder", {}
            ),
        )
    ]
