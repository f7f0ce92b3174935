"""Uvicorn's access log keeps paths and statuses, never query strings (GraphQL over GET)."""

from __future__ import annotations

import asyncio
import logging
import socket
from urllib.parse import quote

import httpx
import uvicorn

from schema.app import create_app
from server import cli
from server.access_log import ACCESS_LOGGER

SECRET = "S3cret-in-a-url"


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_the_access_log_hides_query_strings(api) -> None:
    assert cli.main(["policy", "check"]) == 0  # the command's logging setup, as `serve` runs it
    port = free_port()
    # uvicorn applies its own logging config here, as `jixiao serve` has it do.
    config = uvicorn.Config(
        create_app(runtime=api.runtime), host="127.0.0.1", port=port, lifespan="off"
    )
    server = uvicorn.Server(config)
    collect = Collect()
    logging.getLogger(ACCESS_LOGGER).addHandler(collect)
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(500):  # up to 10 s on a busy machine
            if server.started:
                break
            await asyncio.sleep(0.02)
        assert server.started
        document = (
            f'mutation {{ login(username: "x@demo", password: "{SECRET}") {{ accessToken }} }}'
        )
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            refused = await client.get(f"/graphql?query={quote(document)}")
            variables = quote('{"p": "' + SECRET + '"}')
            await client.get(f"/graphql?query=query($p:String){{__typename}}&variables={variables}")
    finally:
        server.should_exit = True
        await task
        logging.getLogger(ACCESS_LOGGER).removeHandler(collect)
    assert refused.status_code == 405
    assert len(collect.lines) == 2, collect.lines
    assert all('"GET /graphql?… HTTP/1.1"' in line for line in collect.lines), collect.lines
    assert not any(SECRET in line or "login" in line for line in collect.lines)
