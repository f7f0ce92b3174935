"""Connectors may not be aimed at loopback or private networks (unless allowed), and
testConnection cannot tell a closed port from a filtered one.

No test here sends a packet anywhere but 127.0.0.1: private addresses are refused before
any connection is tried, and the "DNS" tests resolve their names to loopback servers that
count the requests they get (zero, when the refusal works).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import pytest
from aiohttp import web

from server.settings import Settings
from server.sync.guard import BlockedAddress, address_allowed, guarded_socket
from server.sync.redact import UNREACHABLE
from tests.plugins.loopback import serve
from tests.plugins.syncing import CREATE, FAST, SYNC, finished

TEST = "mutation($id: ID!) { testConnection(id: $id) { ok message } }"
UPDATE = """mutation($id: ID!, $i: UpdateConnectorConfigInput!) {
  updateConnectorConfig(id: $id, input: $i) { id } }"""
PRIVATE = [
    "http://127.0.0.1:9",
    "http://127.8.9.10/",
    "http://localhost:9",
    "http://LOCALHOST./x",
    "http://api.localhost/x",
    "http://[::1]:9",
    "http://[::ffff:127.0.0.1]:9",
    "http://[::ffff:10.0.0.1]/",
    "http://10.1.2.3/",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data",
    "http://[fe80::1]/",
    "http://[fd00::1]/",
    "http://0.0.0.0:9",
    "http://[::]:9",
    "http://224.0.0.1/",
    "http://100.64.0.1/",
    "http://2130706433/",
    "http://127.1/",
    "http://0x7f.0.0.1/",
]


class Counting:
    """A loopback records API that counts every request that reaches it."""

    def __init__(self) -> None:
        self.hits = 0

    def app(self) -> web.Application:
        async def records(request: web.Request) -> web.Response:
            self.hits += 1
            return web.json_response({"items": [], "next": None})

        app = web.Application()
        app.router.add_get("/records", records)
        return app


@pytest.fixture
def refused(api, sample, monkeypatch) -> None:
    """JIXIAO_CONNECTOR_ALLOW_PRIVATE_NETWORKS off, as in production."""
    monkeypatch.setattr(api.runtime.engine, "allow_private", False)


def sample_config(base_url: str, name: str = "clock") -> dict[str, Any]:
    return {
        "connector": "sample_paged",
        "name": name,
        "settings": {"base_url": base_url},
        "secrets": {"token": "s3cret-token"},
    }


async def create(api, sandbox, base_url: str, lang: str | None = None) -> dict[str, Any]:
    return await api.gql(
        CREATE, {"i": sample_config(base_url)}, as_user=sandbox.user("admin"), lang=lang
    )


async def test_settings_default_is_allowed_in_development_refused_in_production() -> None:
    assert Settings().allow_private_networks is True
    assert Settings(env="production").allow_private_networks is False
    env = {"JIXIAO_ENV": "production", "JIXIAO_CONNECTOR_ALLOW_PRIVATE_NETWORKS": "true"}
    assert Settings.from_env(env).allow_private_networks is True
    env = {"JIXIAO_CONNECTOR_ALLOW_PRIVATE_NETWORKS": "0"}
    assert Settings.from_env(env).allow_private_networks is False
    assert Settings.from_env({"JIXIAO_ENV": "production"}).allow_private_networks is False


@pytest.mark.parametrize("base_url", PRIVATE)
async def test_private_literal_addresses_are_refused_on_create(
    api, make_company, refused, base_url: str
) -> None:
    sandbox = await make_company()
    result = await create(api, sandbox, base_url)
    error = result["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", result
    assert error["extensions"]["field"] == "settings.base_url"
    assert "private" in error["message"]


async def test_refusal_on_update_and_in_chinese(api, make_company, refused) -> None:
    sandbox = await make_company()
    zh = await create(api, sandbox, "http://10.0.0.7/", lang="zh-CN")
    assert zh["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "内网" in zh["errors"][0]["message"]
    made = await create(api, sandbox, "https://crm.example.com")  # a public name: accepted
    config_id = made["data"]["createConnectorConfig"]["id"]
    changed = await api.gql(
        UPDATE,
        {"id": config_id, "i": {"settings": {"base_url": "http://[::1]:8080"}}},
        as_user=sandbox.user("admin"),
    )
    assert changed["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", changed
    assert changed["errors"][0]["extensions"]["field"] == "settings.base_url"


async def test_private_addresses_are_accepted_when_allowed(api, make_company, sample) -> None:
    assert api.runtime.engine.allow_private is True  # tests run as development does
    sandbox = await make_company()
    result = await create(api, sandbox, "http://10.1.2.3/")
    assert "errors" not in result, result


@contextmanager
def fake_dns(monkeypatch: pytest.MonkeyPatch, names: dict[str, str]) -> Iterator[None]:
    """Resolve the given names to the given addresses (aiohttp's threaded resolver asks
    socket.getaddrinfo); every other name resolves as usual."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        if host in names:
            return real(names[host], port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield


async def run_and_test(api, sandbox, config_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    admin = sandbox.user("admin")
    tested = (await api.gql(TEST, {"id": config_id}, as_user=admin))["data"]["testConnection"]
    started = await api.gql(
        SYNC, {"c": config_id, "s": "2026-11-01", "e": "2026-11-30"}, as_user=admin
    )
    return tested, await finished(api, sandbox, started["data"]["syncConnector"]["id"])


async def test_names_that_resolve_to_private_addresses_are_refused_at_connection_time(
    api, make_company, sample, monkeypatch
) -> None:
    sandbox = await make_company()
    source = Counting()
    async with serve(source.app()) as url:
        port = url.rsplit(":", 1)[1]
        with fake_dns(monkeypatch, {"crm.intranet.test": "127.0.0.1"}):
            configs = {}
            for name, base in (
                ("dns", f"http://crm.intranet.test:{port}"),  # passes any literal check
                ("localhost", f"http://localhost:{port}"),
                ("literal", url),
            ):
                made = await api.gql(
                    CREATE, {"i": sample_config(base, name)}, as_user=sandbox.user("admin")
                )
                configs[name] = made["data"]["createConnectorConfig"]["id"]
            # Allowed (development): every one of them reaches the loopback source.
            tested, run = await run_and_test(api, sandbox, configs["dns"])
            assert tested["ok"] is True and run["status"] == "SUCCEEDED"
            before = source.hits
            assert before == 2
            monkeypatch.setattr(api.runtime.engine, "allow_private", False)
            # A name is no literal address: created although the setting is off.
            late = await api.gql(
                CREATE,
                {"i": sample_config(f"http://crm.intranet.test:{port}", "late")},
                as_user=sandbox.user("admin"),
            )
            assert "errors" not in late, late
            configs["late"] = late["data"]["createConnectorConfig"]["id"]
            for name, config_id in configs.items():
                tested, run = await run_and_test(api, sandbox, config_id)
                assert tested == {"ok": False, "message": UNREACHABLE}, name
                assert run["status"] == "FAILED" and run["error"] == UNREACHABLE, name
    assert source.hits == before  # refused before connecting: nothing reached the source


async def test_closed_filtered_and_refused_ports_read_the_same(
    api, make_company, sample, monkeypatch
) -> None:
    monkeypatch.setattr(api.runtime.engine, "policy", FAST)
    sandbox = await make_company()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()  # nothing listens: the connection is refused at once
    # A listener whose accept queue is full drops new SYNs, exactly as a firewall that
    # filters the port does: the connection attempt times out.
    filtered = socket.socket()
    filtered.bind(("127.0.0.1", 0))
    filtered.listen(0)
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        with suppress(BlockingIOError):
            filler.connect(filtered.getsockname())
        fillers.append(filler)
    try:
        answers = {}
        for name, base in (
            ("closed", f"http://127.0.0.1:{closed_port}/x?key=1"),
            ("filtered", f"http://127.0.0.1:{filtered.getsockname()[1]}/x?key=1"),
        ):
            made = await api.gql(
                CREATE, {"i": sample_config(base, name)}, as_user=sandbox.user("admin")
            )
            answers[name] = await run_and_test(
                api, sandbox, made["data"]["createConnectorConfig"]["id"]
            )
        monkeypatch.setattr(api.runtime.engine, "allow_private", False)
        answers["refused"] = await run_and_test(
            api, sandbox, made["data"]["createConnectorConfig"]["id"]
        )
    finally:
        for sock in (*fillers, filtered):
            sock.close()
    for name, (tested, run) in answers.items():
        assert tested == {"ok": False, "message": UNREACHABLE}, (name, tested)
        assert run["error"] == UNREACHABLE, (name, run)


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("::ffff:8.8.8.8", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.31.255.255", False),
        ("192.168.0.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.251", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("fd12:3456::1", False),
        ("ff02::1", False),
        ("fec0::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:192.168.0.1", False),
        ("2002:7f00:0001::", False),  # 6to4 of 127.0.0.1
        ("64:ff9b::a00:1", False),  # NAT64 of 10.0.0.1
        ("2001:db8::1", False),  # documentation
    ],
)
def test_address_rule(address: str, allowed: bool) -> None:
    assert address_allowed(ipaddress.ip_address(address)) is allowed
    info = (
        socket.AF_INET6 if ":" in address else socket.AF_INET,
        socket.SOCK_STREAM,
        6,
        "",
        (address, 80),
    )
    if allowed:  # a socket is made, never connected
        guarded_socket(info).close()
    else:
        with pytest.raises(BlockedAddress):
            guarded_socket(info)
