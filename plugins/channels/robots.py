"""What the WeCom and DingTalk robots share: a JSON POST to the webhook, whose answer is
``{"errcode": 0, "errmsg": "ok"}`` when the message was taken."""

from __future__ import annotations

from typing import Any

import aiohttp

from plugins.notifications import DeliveryError

TIMEOUT = aiohttp.ClientTimeout(total=15)


def content(subject: str, body: str) -> str:
    return f"{subject}\n{body}" if body and body != subject else subject


async def post(service: str, url: str, payload: dict[str, Any]) -> bool:
    """POST ``payload``; True when the robot took it, else a DeliveryError naming why.

    Errors never show the URL: it carries the robot's key (the caller redacts too)."""
    if not url:
        raise DeliveryError(f"{service}: the robot's webhook URL is not set up")
    try:
        async with (
            aiohttp.ClientSession(timeout=TIMEOUT) as session,
            session.post(url, json=payload) as response,
        ):
            if response.status != 200:
                raise DeliveryError(f"{service}: HTTP {response.status}")
            answer = await response.json(content_type=None)
    except aiohttp.ClientError as exc:
        raise DeliveryError(f"{service}: {type(exc).__name__}") from None
    except TimeoutError:
        raise DeliveryError(f"{service}: timed out") from None
    except ValueError:
        raise DeliveryError(f"{service}: the answer is not JSON") from None
    if not isinstance(answer, dict) or answer.get("errcode") != 0:
        errcode = answer.get("errcode") if isinstance(answer, dict) else None
        errmsg = str(answer.get("errmsg", ""))[:200] if isinstance(answer, dict) else ""
        raise DeliveryError(f"{service}: errcode {errcode}: {errmsg}")
    return True
