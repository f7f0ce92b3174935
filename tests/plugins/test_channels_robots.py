"""The WeCom group robot and the DingTalk robot, against loopback webhooks speaking their
payloads: the text message, the mention, DingTalk's signature, and failures named without
the webhook's key."""

from __future__ import annotations

from typing import Any

import pytest

from plugins.channels import dingtalk_robot, wecom_robot
from plugins.notifications import DeliveryError, Notification
from tests.plugins.channel_servers import Robot, robot_server

KEY = "wecom-key-6f1d2c3b4a"
TOKEN = "ding-token-9a8b7c6d5e"
SECRET = "SECd8f7e6c5b4a3928170"


def message(channel: str, settings: dict[str, Any]) -> Notification:
    return Notification(
        tenant="acme",
        channel=channel,
        recipient="13800000007",
        subject="绩效提醒: 自评今天截止",
        body="Q4 自评今天截止。",
        settings=settings,
    )


async def test_wecom_robot_posts_a_text_message_mentioning_the_person() -> None:
    robot = Robot("key", KEY)
    async with robot_server(robot, "/cgi-bin/webhook/send") as url:
        sent = await wecom_robot.jixiao_deliver_notification(message("wecom", {"webhook_url": url}))
    assert sent is True
    assert robot.received == [
        {
            "msgtype": "text",
            "text": {
                "content": "绩效提醒: 自评今天截止\nQ4 自评今天截止。",
                "mentioned_mobile_list": ["13800000007"],
            },
        }
    ]


async def test_wecom_robot_failure_is_named_without_the_key_and_a_retry_delivers() -> None:
    robot = Robot("key", KEY, failures=1)
    async with robot_server(robot, "/cgi-bin/webhook/send") as url:
        with pytest.raises(DeliveryError) as failed:
            await wecom_robot.jixiao_deliver_notification(message("wecom", {"webhook_url": url}))
        assert "45009" in str(failed.value)
        assert KEY not in str(failed.value) and url not in str(failed.value)
        assert await wecom_robot.jixiao_deliver_notification(message("wecom", {"webhook_url": url}))
    assert len(robot.received) == 2


async def test_dingtalk_robot_signs_each_request_and_mentions_the_person() -> None:
    robot = Robot("access_token", TOKEN, secret=SECRET)
    async with robot_server(robot, "/robot/send") as url:
        sent = await dingtalk_robot.jixiao_deliver_notification(
            message("dingtalk", {"webhook_url": url, "secret": SECRET})
        )
    assert sent is True
    (query,) = robot.queries
    assert query["timestamp"].isdigit() and len(query["timestamp"]) == 13  # milliseconds
    assert robot.received == [
        {
            "msgtype": "text",
            "text": {"content": "绩效提醒: 自评今天截止\nQ4 自评今天截止。\n@13800000007"},
            "at": {"atMobiles": ["13800000007"], "isAtAll": False},
        }
    ]


async def test_dingtalk_robot_with_a_wrong_secret_fails_without_showing_it() -> None:
    robot = Robot("access_token", TOKEN, secret=SECRET)
    async with robot_server(robot, "/robot/send") as url:
        with pytest.raises(DeliveryError) as failed:
            await dingtalk_robot.jixiao_deliver_notification(
                message("dingtalk", {"webhook_url": url, "secret": "SECwrong000000"})
            )
    assert "310000" in str(failed.value)
    assert "SECwrong" not in str(failed.value) and TOKEN not in str(failed.value)
    assert robot.received == []


def test_dingtalk_signature_matches_the_documented_example() -> None:
    # HMAC-SHA256 over "timestamp\nsecret", base64, then url-encoded ("+" "/" "=" escaped).
    signed = dingtalk_robot.signed_url(
        "https://oapi.dingtalk.com/robot/send?access_token=t", "s", 1.5
    )
    assert signed.startswith(
        "https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1500&sign="
    )
    assert "=" not in signed.rsplit("sign=", 1)[1]


async def test_robots_leave_other_channels_alone() -> None:
    assert await wecom_robot.jixiao_deliver_notification(message("email", {})) is None
    assert await dingtalk_robot.jixiao_deliver_notification(message("wecom", {})) is None


async def test_an_http_error_is_a_failure() -> None:
    robot = Robot("key", KEY, failures=1, status_on_failure=503)
    async with robot_server(robot, "/cgi-bin/webhook/send") as url:
        with pytest.raises(DeliveryError, match="HTTP 503"):
            await wecom_robot.jixiao_deliver_notification(message("wecom", {"webhook_url": url}))
