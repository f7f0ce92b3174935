"""The message handed to ``jixiao_deliver_notification`` plugins."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Notification:
    """A reminder or alert for one person, in their language."""

    tenant: str  # company slug
    channel: str  # "email", "wecom", "sms", ... a plugin delivers the channels it knows
    recipient: str  # the person's address on that channel
    subject: str
    body: str
    kind: str = "reminder"  # e.g. "reminder", "alert", "sync_failed"
    data: dict[str, Any] = field(default_factory=dict)
