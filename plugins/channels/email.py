"""E-mail notifications over SMTP (aiosmtplib).

Settings: ``host``, ``port`` (default 25, or 465 with ``use_tls``), ``from_address``,
``username`` and the secret ``password`` (optional), ``starttls`` (upgrade a plain
connection; default: when the server offers it), ``use_tls`` (TLS from the first byte).
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import aiosmtplib

from plugins import hookimpl
from plugins.notifications import DeliveryError, Notification

CHANNEL = "email"
TIMEOUT = 30.0  # seconds, per SMTP command


def build(notification: Notification) -> EmailMessage:
    message = EmailMessage()
    message["From"] = str(notification.settings["from_address"])
    message["To"] = notification.recipient
    message["Subject"] = notification.subject
    message.set_content(notification.body)
    return message


async def send(notification: Notification) -> bool:
    settings: dict[str, Any] = notification.settings
    if not notification.recipient:
        raise DeliveryError("the person has no e-mail address")
    if not settings.get("host") or not settings.get("from_address"):
        raise DeliveryError("the e-mail channel is not set up (host, from_address)")
    use_tls = bool(settings.get("use_tls", False))
    starttls = settings.get("starttls")
    try:
        await aiosmtplib.send(
            build(notification),
            hostname=str(settings["host"]),
            port=int(settings.get("port") or (465 if use_tls else 25)),
            username=settings.get("username") or None,
            password=settings.get("password") or None,
            use_tls=use_tls,
            start_tls=None if starttls is None else bool(starttls),
            timeout=TIMEOUT,
        )
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"SMTP: {type(exc).__name__}: {exc}") from None
    return True


@hookimpl
async def jixiao_deliver_notification(notification: Notification) -> bool | None:
    if notification.channel != CHANNEL:
        return None
    return await send(notification)
