"""E-mail notifications over SMTP, against a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import pytest

from plugins.channels import email
from plugins.notifications import DeliveryError, Notification
from tests.plugins.channel_servers import Mailbox, smtp_server


def message(port: int, recipient: str = "staff@example.com") -> Notification:
    return Notification(
        tenant="acme",
        channel="email",
        recipient=recipient,
        subject="绩效提醒: 自评今天截止",
        body="Q4 自评今天截止。\nPlease submit it today.",
        settings={"host": "127.0.0.1", "port": port, "from_address": "jixiao@acme.example"},
    )


async def test_an_email_reaches_the_smtp_server() -> None:
    mailbox = Mailbox()
    async with smtp_server(mailbox) as port:
        assert await email.jixiao_deliver_notification(message(port)) is True
    ((sender, recipients, mail),) = mailbox.messages
    assert sender == "jixiao@acme.example"
    assert recipients == ["staff@example.com"]
    assert mail["Subject"] == "绩效提醒: 自评今天截止"  # sent RFC 2047-encoded
    assert mail["To"] == "staff@example.com"
    assert mail.get_content().splitlines() == ["Q4 自评今天截止。", "Please submit it today."]


async def test_a_refused_recipient_fails_and_a_retry_delivers() -> None:
    mailbox = Mailbox(refuse=1)
    async with smtp_server(mailbox) as port:
        with pytest.raises(DeliveryError, match="550"):
            await email.jixiao_deliver_notification(message(port))
        assert await email.jixiao_deliver_notification(message(port)) is True
    assert len(mailbox.messages) == 1


async def test_an_unreachable_server_is_a_failure() -> None:
    async with smtp_server(Mailbox()) as port:
        pass  # stopped: nothing listens there any more
    with pytest.raises(DeliveryError, match="SMTP"):
        await email.jixiao_deliver_notification(message(port))


async def test_other_channels_are_not_emails() -> None:
    note = message(25)
    other = Notification(note.tenant, "wecom", note.recipient, note.subject, note.body)
    assert await email.jixiao_deliver_notification(other) is None
