"""The real server in a subprocess, headless Chromium through Selenium, and the API beside them.

The browser tests need Debian's ``chromium`` and ``chromium-driver`` (``/usr/bin/chromium``,
``/usr/bin/chromedriver``; .ci/run installs them) and the ``selenium`` package (the test
extra). Without them the tests skip with the reason; with ``JIXIAO_REQUIRE_BROWSER=1`` (set
by .ci/run) they fail instead, so CI can never pass by skipping the page test.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.demo.load import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
REQUIRE = os.environ.get("JIXIAO_REQUIRE_BROWSER") == "1"
# Loading the demo with its twelve months of history takes a while on a busy 2-core machine.
STARTUP_SECONDS = 240
WAIT_SECONDS = 90
CHARTS = ("completion", "distribution", "ranking", "trend", "correlation", "drivers")


def unavailable(reason: str) -> None:
    """Skip, or fail when CI requires the browser test to run."""
    if REQUIRE:
        pytest.fail(f"JIXIAO_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


def find_browser() -> tuple[str, str]:
    """Paths of Chromium and its driver, or skip (fail under JIXIAO_REQUIRE_BROWSER=1)."""
    names = ("chromium", "chromium-browser", "google-chrome")
    binary = os.environ.get("JIXIAO_CHROMIUM") or next(filter(None, map(shutil.which, names)), None)
    driver = os.environ.get("JIXIAO_CHROMEDRIVER") or shutil.which("chromedriver")
    if not binary or not driver:
        unavailable(
            "no headless Chromium found (need `chromium` and `chromedriver` on PATH: "
            "`apt-get install chromium chromium-driver`, as .ci/run does)"
        )
    try:
        import selenium  # noqa: F401
    except ImportError:
        unavailable("the `selenium` package is missing (pip install -e '.[test]')")
    assert binary and driver
    return binary, driver


def artifacts_dir() -> Path:
    """Where screenshots go: $JIXIAO_TEST_ARTIFACTS, else tests/browser/artifacts (ignored)."""
    folder = Path(os.environ.get("JIXIAO_TEST_ARTIFACTS") or ROOT / "tests/browser/artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_server(folder: Path) -> Iterator[str]:
    """`jixiao serve --demo` over a fresh SQLite database; yields its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "JIXIAO_DATABASE_URL": f"sqlite://{folder / 'jixiao.sqlite3'}",
        "JIXIAO_ENV": "development",
        "JIXIAO_SYNC_TICK_SECONDS": "0",
        "JIXIAO_POLICY_WATCH_SECONDS": "0",
        "JIXIAO_LOG_LEVEL": "WARNING",
    }
    env.pop("JIXIAO_DEMO", None)
    log_path = folder / "server.log"
    command = [sys.executable, "-m", "server.cli", "serve", "--demo", "--host", "127.0.0.1"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=log
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server exited ({process.returncode}):\n{_tail(log_path)}")
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not start in {STARTUP_SECONDS} s:\n{_tail(log_path)}")
            time.sleep(0.5)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _tail(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")[-4000:]


@dataclass
class Api:
    """The same GraphQL API the page talks to, queried by the test itself."""

    base: str
    lang: str = "en"
    token: str | None = None

    def gql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        headers = {"Accept-Language": self.lang}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        body = {"query": query, "variables": variables or {}}
        response = httpx.post(f"{self.base}/graphql", json=body, headers=headers, timeout=60)
        return dict(response.json())

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        answer = self.gql(query, variables)
        assert not answer.get("errors"), answer
        return dict(answer["data"])

    def sign_in(self, username: str) -> Api:
        mutation = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }"
        token = self.data(mutation, {"u": username, "p": DEMO_PASSWORD})["login"]["accessToken"]
        return Api(self.base, self.lang, token)


class Page:
    """One headless Chromium window on the dashboard page."""

    def __init__(self, binary: str, driver: str, *, width: int, lang: str) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = binary
        for argument in (
            "--headless=new",
            "--no-sandbox",  # CI runs as root
            "--disable-dev-shm-usage",
            "--disable-gpu",
            f"--window-size={width},900",
            f"--lang={lang}",
            # Offline: every host but the test server's is unresolvable, so a CDN
            # reference would fail to load and its chart would never render.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        ):
            options.add_argument(argument)
        options.add_experimental_option("prefs", {"intl.accept_languages": lang})
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.width = width
        self.driver = webdriver.Chrome(service=Service(driver), options=options)
        # A headless window is at least 500 px wide; the DevTools protocol emulates the
        # phone's viewport exactly (and a phone's handling of <meta name=viewport>).
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
        )

    def close(self) -> None:
        self.driver.quit()

    def js(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def wait(self, condition: Any, what: str, seconds: float = WAIT_SECONDS) -> Any:
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.support.ui import WebDriverWait

        try:
            return WebDriverWait(self.driver, seconds, poll_frequency=0.2).until(
                lambda _: condition()
            )
        except TimeoutException:
            pytest.fail(f"timed out waiting for {what}; panels: {self.panel_states()}")

    def open(self, base: str) -> None:
        self.driver.get(f"{base}/dashboard")
        self.wait(lambda: self.js("return !!window.JX && !!window.Chart"), "the scripts")

    def sign_in(self, username: str, password: str = DEMO_PASSWORD) -> None:
        self.wait(lambda: self.visible("sign-in"), "the sign-in form")
        self.js(
            "document.getElementById('username').value = arguments[0];"
            "document.getElementById('password').value = arguments[1];",
            username,
            password,
        )
        self.driver.find_element("id", "sign-in-button").click()

    def visible(self, element_id: str) -> bool:
        return bool(
            self.js(
                "const e = document.getElementById(arguments[0]);"
                "return !!e && !e.hidden && e.offsetParent !== null;",
                element_id,
            )
        )

    def text(self, element_id: str) -> str:
        return str(self.js("return document.getElementById(arguments[0]).textContent", element_id))

    def panel_states(self) -> dict[str, str]:
        return dict(
            self.js(
                "return Object.fromEntries([...document.querySelectorAll('.panel')]"
                ".map(p => [p.id.replace('panel-', ''), p.dataset.state]))"
            )
        )

    def settled(self) -> dict[str, str]:
        """Wait until no panel is loading and every shown chart has rendered."""

        def done() -> dict[str, str] | None:
            states = self.panel_states()
            if any(s == "loading" for s in states.values()):
                return None
            drawing = self.js(
                "return [...document.querySelectorAll('.panel[data-state=ready] figure')]"
                ".some(f => f.dataset.state !== 'ready')"
            )
            return None if drawing else states

        return dict(self.wait(done, "every panel to settle"))

    def chart(self, name: str) -> dict[str, Any]:
        """The numbers a chart exposes (data-values) and what Chart.js holds for it."""
        found = self.js(
            "const f = document.querySelector(`figure[data-chart='${arguments[0]}']`);"
            "const chart = Chart.getChart(f.querySelector('canvas'));"
            "const canvas = f.querySelector('canvas');"
            "return {values: f.dataset.values, rows: f.querySelectorAll('tbody tr').length,"
            " size: [canvas.width, canvas.height], labels: chart ? chart.data.labels : null,"
            " datasets: chart ? chart.data.datasets.map(d => ({label: d.label, data: d.data})) : null};",
            name,
        )
        found["values"] = json.loads(found["values"])
        return dict(found)

    def console_errors(self) -> list[str]:
        return [
            entry["message"]
            for entry in self.driver.get_log("browser")
            if entry["level"] in ("SEVERE", "ERROR")
        ]

    def screenshot(self, name: str) -> Path:
        """The whole page, not only the viewport, as a PNG artifact."""
        width, height = self.js(
            "const e = document.documentElement; return [e.scrollWidth, e.scrollHeight];"
        )
        clip = {"x": 0, "y": 0, "width": width, "height": min(height, 12000), "scale": 1}
        shot = self.driver.execute_cdp_cmd(
            "Page.captureScreenshot",
            {"format": "png", "captureBeyondViewport": True, "clip": clip},
        )
        path = artifacts_dir() / f"{name}.png"
        path.write_bytes(base64.b64decode(shot["data"]))
        return path
