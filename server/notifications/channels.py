"""The channels a tenant can set up, what each setting is, and its sealed secrets.

A channel's settings are in clear (``ChannelConfig.settings``), its secrets sealed with the
deployment key (server.secrets, ``ChannelConfig.sealed_secrets``): a robot's webhook URL
carries its access key, so the whole URL is a secret. Secrets are never read back through
the API (only which ones are set) and are scrubbed from every stored or logged error
(``redact``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit

from server.notifications.vocabulary import NotificationChannel

REDACTED = "***"


@dataclass(frozen=True)
class ChannelSpec:
    settings: dict[str, type]  # clear settings: name -> str, int or bool
    secrets: frozenset[str]
    required: frozenset[str]  # before the channel can be enabled
    urls: frozenset[str] = frozenset()  # must be http(s) URLs

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self.settings) | self.secrets


SPECS: dict[NotificationChannel, ChannelSpec] = {
    NotificationChannel.EMAIL: ChannelSpec(
        {
            "host": str,
            "port": int,
            "username": str,
            "from_address": str,
            "starttls": bool,  # upgrade a plain connection (port 587)
            "use_tls": bool,  # TLS from the start (port 465)
        },
        frozenset({"password"}),
        frozenset({"host", "from_address"}),
    ),
    NotificationChannel.WECOM: ChannelSpec(
        {}, frozenset({"webhook_url"}), frozenset({"webhook_url"}), frozenset({"webhook_url"})
    ),
    NotificationChannel.DINGTALK: ChannelSpec(
        {},
        frozenset({"webhook_url", "secret"}),
        frozenset({"webhook_url"}),
        frozenset({"webhook_url"}),
    ),
}


def fragments(secrets: dict[str, Any]) -> set[str]:
    """Every form in which a secret could show up in an error: itself, URL-quoted, and for
    a URL each of its query values (a webhook's ``key`` or ``access_token``) and its path."""
    found: set[str] = set()
    for value in secrets.values():
        text = str(value)
        if not text:
            continue
        found |= {text, quote(text, safe=""), quote_plus(text)}
        if "://" in text:
            parts = urlsplit(text)
            found |= {v for _, v in parse_qsl(parts.query) if v}
            if parts.query:
                found.add(parts.query)
            if len(parts.path) > 1:
                found.add(parts.path)
    return {f for f in found if len(f) >= 4}  # a 1-3 character "secret" would eat the text


def redact(text: str, secrets: dict[str, Any]) -> str:
    """``text`` with every secret (in any of its forms) replaced by ``***``."""
    for fragment in sorted(fragments(secrets), key=len, reverse=True):
        text = text.replace(fragment, REDACTED)
    return text
