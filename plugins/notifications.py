"""The message handed to ``jixiao_deliver_notification`` plugins."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class DeliveryError(Exception):
    """A channel plugin could not deliver. The message is stored for the tenant admin and
    logged: it must never contain a secret (a password, a webhook key, a signing secret)."""


@dataclass(frozen=True)
class Notification:
    """A reminder or alert for one person (or a daily digest of them), in their language."""

    tenant: str  # company slug
    channel: str  # "email", "wecom", "dingtalk", ... a plugin delivers the channels it knows
    recipient: str  # the person's address on that channel (e-mail; mobile for the robots)
    subject: str
    body: str
    kind: str = "reminder"  # "reminder", "alert", or "digest" for a daily digest
    data: dict[str, Any] = field(default_factory=dict)
    # The tenant's configuration of the channel (server, webhook URL, signing secret...),
    # secrets included: for the plugin to use, never to echo. Kept out of repr so that a
    # logged Notification shows none of it.
    settings: dict[str, Any] = field(default_factory=dict, repr=False)
    language: str = "zh"  # "en" or "zh": what subject and body are written in
