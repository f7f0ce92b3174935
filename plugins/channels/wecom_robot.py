"""WeCom (企业微信) group robot: a text message to the group, mentioning the person.

Settings: the secret ``webhook_url``
(``https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…``). Payload, as documented at
https://developer.work.weixin.qq.com/document/path/91770 :
``{"msgtype": "text", "text": {"content": …, "mentioned_mobile_list": [mobile]}}``.
"""

from __future__ import annotations

from typing import Any

from plugins import hookimpl
from plugins.channels.robots import content, post
from plugins.notifications import Notification

CHANNEL = "wecom"


def payload(notification: Notification) -> dict[str, Any]:
    text: dict[str, Any] = {"content": content(notification.subject, notification.body)}
    if notification.recipient:
        text["mentioned_mobile_list"] = [notification.recipient]
    return {"msgtype": "text", "text": text}


@hookimpl
async def jixiao_deliver_notification(notification: Notification) -> bool | None:
    if notification.channel != CHANNEL:
        return None
    return await post(
        "WeCom", str(notification.settings.get("webhook_url") or ""), payload(notification)
    )
