"""Fixtures of the page tests: one real server per run, Chromium windows per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.browser.support import Api, Page, find_browser, running_server


@pytest.fixture(scope="session")
def chromium() -> tuple[str, str]:
    return find_browser()


@pytest.fixture(scope="session")
def server(chromium: tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of `jixiao serve --demo` on 127.0.0.1 over a fresh SQLite database."""
    folder: Path = tmp_path_factory.mktemp("page-server")
    with running_server(folder) as base:
        yield base


@pytest.fixture
def live_api(server: str) -> Api:
    """The API the page uses, on the same server."""
    return Api(server)


@pytest.fixture
def page(chromium: tuple[str, str]) -> Iterator[Callable[..., Page]]:
    """Factory: a headless Chromium window of the given width and language."""
    opened: list[Page] = []

    def open_page(width: int = 1280, lang: str = "en-US") -> Page:
        window = Page(*chromium, width=width, lang=lang)
        opened.append(window)
        return window

    yield open_page
    for window in opened:
        window.close()
