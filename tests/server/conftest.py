"""Fixtures of the migration tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.server.migration_support import FreshDatabases


@pytest.fixture
async def fresh(api, tmp_path: Path) -> AsyncIterator[FreshDatabases]:
    """Empty databases of the test's backend, dropped afterwards."""
    databases = FreshDatabases(api.backend, tmp_path)
    try:
        yield databases
    finally:
        await databases.close()
