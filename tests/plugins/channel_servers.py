"""Loopback servers speaking the channels' protocols, for the channel tests: a real SMTP
server (aiosmtpd) and a robot webhook (aiohttp) that records what it was sent."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiohttp import web
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.plugins.loopback import serve


@dataclass
class Mailbox:
    """What the SMTP server accepted; ``refuse`` RCPTs are answered 550 until it runs out."""

    messages: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    refuse: int = 0

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.refuse > 0:
            self.refuse -= 1
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.content if isinstance(envelope.content, bytes) else b""
        mail = message_from_bytes(raw, policy=policy.default)
        assert isinstance(mail, EmailMessage)
        self.messages.append((str(envelope.mail_from), list(envelope.rcpt_tos), mail))
        return "250 Message accepted"


@asynccontextmanager
async def smtp_server(mailbox: Mailbox) -> AsyncIterator[int]:
    """A real SMTP server (aiosmtpd's protocol) on 127.0.0.1 in this loop; yields its port."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(mailbox), "127.0.0.1", 0)
    try:
        yield int(server.sockets[0].getsockname()[1])
    finally:
        server.close()
        await server.wait_closed()


def dingtalk_sign(secret: str, timestamp: str) -> str:
    """DingTalk's check, written from its documentation (not from the plugin)."""
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


@dataclass
class Robot:
    """A robot webhook: records each request; answers ``failures`` errors first."""

    key_param: str  # "key" (WeCom) or "access_token" (DingTalk)
    key: str
    secret: str = ""
    failures: int = 0
    status_on_failure: int = 200  # 200 with an errcode, or an HTTP error status
    received: list[dict[str, Any]] = field(default_factory=list)
    queries: list[dict[str, str]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        query = dict(request.query)
        self.queries.append(query)
        if query.get(self.key_param) != self.key:
            return web.json_response({"errcode": 93000, "errmsg": "invalid webhook url"})
        if self.secret:
            expected = dingtalk_sign(self.secret, query.get("timestamp", ""))
            if query.get("sign") != expected:
                return web.json_response({"errcode": 310000, "errmsg": "sign not match"})
        self.received.append(await request.json())
        if self.failures > 0:
            self.failures -= 1
            if self.status_on_failure != 200:
                return web.Response(status=self.status_on_failure, text="busy")
            return web.json_response({"errcode": 45009, "errmsg": "api freq out of limit"})
        return web.json_response({"errcode": 0, "errmsg": "ok"})


@asynccontextmanager
async def robot_server(robot: Robot, path: str) -> AsyncIterator[str]:
    """Serve ``robot`` at ``path``; yields the webhook URL with its key."""
    app = web.Application()
    app.router.add_post(path, robot.handle)
    async with serve(app) as base:
        yield f"{base}{path}?{robot.key_param}={robot.key}"
