"""Fixtures for plugin and sync tests."""

from __future__ import annotations

import pytest

from server.metrics import MetricRegistry
from tests.plugins.sample_paged import PagedConnector
from tests.plugins.syncing import FAST


@pytest.fixture
def sample(api, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample connector installed in the shared runtime for one test, as if its plugin
    were: the connector list, its metrics and a fast retry policy. ``monkeypatch`` puts every
    one back at teardown, even after a failure, including the ``engine.policy`` that tests
    using this fixture then set for themselves."""
    runtime = api.runtime
    monkeypatch.setitem(runtime.plugins.connectors, PagedConnector.name, PagedConnector)
    monkeypatch.setitem(runtime.plugins.sources, PagedConnector.name, "tests.plugins.sample_paged")
    monkeypatch.setattr(runtime, "metrics", MetricRegistry.from_plugins(runtime.plugins))
    monkeypatch.setattr(runtime.engine, "policy", FAST)
