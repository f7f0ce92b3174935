"""Fixtures for plugin and sync tests."""

from __future__ import annotations

import pytest

from tests.plugins.sample_paged import PagedConnector
from tests.plugins.syncing import FAST


@pytest.fixture
def sample(api):
    plugins, engine = api.runtime.plugins, api.runtime.engine
    plugins.connectors[PagedConnector.name] = PagedConnector
    plugins.sources[PagedConnector.name] = "tests.plugins.sample_paged"
    for spec in PagedConnector.metrics:
        api.runtime.metrics.specs[spec.key] = spec
    old_policy, engine.policy = engine.policy, FAST
    yield
    engine.policy = old_policy
    plugins.connectors.pop(PagedConnector.name, None)
    plugins.sources.pop(PagedConnector.name, None)
