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


async def test_the_access_log_hides_query_strings(api) -> None:
    assert cli.main(["policy", "check"]) == 0  # the command's logging setup, as `serve` runs it
    # The socket listens before uvicorn starts: requests wait in its backlog until uvicorn
    # accepts them, so nothing has to wait for the server to come up.
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen()
    port = listening.getsockname()[1]
    # uvicorn applies its own logging config here, as `jixiao serve` has it do.
    config = uvicorn.Config(create_app(runtime=api.runtime), lifespan="off")
    server = uvicorn.Server(config)
    collect = Collect()
    logging.getLogger(ACCESS_LOGGER).addHandler(collect)
    task = asyncio.create_task(server.serve(sockets=[listening]))
    try:
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
        listening.close()
        logging.getLogger(ACCESS_LOGGER).removeHandler(collect)
    assert refused.status_code == 405
    assert len(collect.lines) == 2, collect.lines
    assert all('"GET /graphql?… HTTP/1.1"' in line for line in collect.lines), collect.lines
    assert not any(SECRET in line or "login" in line for line in collect.lines)
