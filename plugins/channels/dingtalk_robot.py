"""DingTalk (钉钉) custom robot: a text message to the group, mentioning the person, signed.

Settings: the secrets ``webhook_url`` (``https://oapi.dingtalk.com/robot/send?access_token=…``)
and ``secret`` (the robot's "加签" secret, ``SEC…``; optional). With a secret every request
carries ``timestamp`` (ms) and ``sign`` = url-encoded base64 of HMAC-SHA256 over
``"{timestamp}\\n{secret}"`` keyed by the secret, as documented at
https://open.dingtalk.com/document/robots/customize-robot-security-settings .
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any
from urllib.parse import quote_plus

from plugins import hookimpl
from plugins.channels.robots import content, post
from plugins.notifications import Notification

CHANNEL = "dingtalk"


def sign(secret: str, timestamp: str) -> str:
    """DingTalk's signature: url-encoded base64 of HMAC-SHA256("{timestamp}\\n{secret}")."""
    digest = hmac.new(
        secret.encode(), f"{timestamp}\n{secret}".encode(), digestmod=hashlib.sha256
    ).digest()
    return quote_plus(base64.b64encode(digest))


def signed_url(url: str, secret: str, now: float | None = None) -> str:
    if not secret:
        return url
    timestamp = str(round((time.time() if now is None else now) * 1000))
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp}&sign={sign(secret, timestamp)}"


def payload(notification: Notification) -> dict[str, Any]:
    mobiles = [notification.recipient] if notification.recipient else []
    text = content(notification.subject, notification.body)
    if mobiles:  # DingTalk highlights a mention only when the text names the mobile too
        text = f"{text}\n@{notification.recipient}"
    return {
        "msgtype": "text",
        "text": {"content": text},
        "at": {"atMobiles": mobiles, "isAtAll": False},
    }


@hookimpl
async def jixiao_deliver_notification(notification: Notification) -> bool | None:
    if notification.channel != CHANNEL:
        return None
    settings = notification.settings
    url = signed_url(str(settings.get("webhook_url") or ""), str(settings.get("secret") or ""))
    return await post("DingTalk", url, payload(notification))
