"""The one redaction every message about a connector goes through.

A connector's failure reaches three places: the answer of ``testConnection``, a sync run's
``error`` (stored, and sent to ``syncProgress`` subscribers) and the server log. Sources
echo what they were sent: a 404 page quoting the URL with ``?api_key=…``, an aiohttp error
carrying the full request URL, a Frappe refusal quoting the ``Authorization`` header. So
before any of those places sees a message, ``Redactor`` removes

- the config's own secret values (and their URL- and JSON-escaped forms), wherever they
  appear;
- every URL's query string, fragment and ``user:password@`` part;
- a query string after a bare path (``/api/deals?api_key=…``), the value of any
  ``name=value`` pair whose name says key, token, secret, password or signature, and the
  value of an ``Authorization`` header or ``Bearer``/``Basic`` credentials.
"""

from __future__ import annotations

import json
import re
import traceback
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, quote_plus

import aiohttp

from plugins.contract import ConnectorError

MASK = "[redacted]"
# One text for every way of not reaching a source: refused (closed port), timed out
# (filtered port), no DNS answer, or an address connectors may not reach. Telling them
# apart would make testConnection a port scanner; the server log keeps the real reason.
UNREACHABLE = (
    "could not connect to the source: it is unreachable, refused the connection, "
    "or is on a network connectors may not reach"
)
MIN_SECRET = 4  # shorter values are no secret worth the name, and would mangle every message
_URL = re.compile(
    r"""(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<userinfo>[^\s/?#@'"<>]*@)?"""
    r"""(?P<rest>[^\s?#'"<>]*)(?P<query>[?#][^\s'"<>]*)?"""
)
_BARE_QUERY = re.compile(r"""(?<=[\w/])\?[^\s'"<>?]*=[^\s'"<>]*""")
_PAIR = re.compile(
    r"""(?i)\b([\w.-]*(?:key|token|secret|passw(?:or)?d|pwd|signature|credential)[\w.-]*)"""
    r"""(=|["']\s*:\s*["']?)(?!\[redacted\])([^\s&,;'"<>()\[\]{}]+)"""
)
_AUTH_HEADER = re.compile(r"""(?i)\b(authorization["']?\s*[:=]\s*["']?)[^\r\n'"]+""")
_SCHEME_CREDENTIALS = re.compile(r"""(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=:-]{6,}""")


def secret_strings(values: Any) -> list[str]:
    """Every string (or number) inside a connector's opened secrets, nested ones included."""
    found: list[str] = []
    if isinstance(values, Mapping):
        for value in values.values():
            found += secret_strings(value)
    elif isinstance(values, list | tuple):
        for value in values:
            found += secret_strings(value)
    elif isinstance(values, str | int | float) and not isinstance(values, bool):
        found.append(str(values))
    return found


def _forms(secret: str) -> set[str]:
    # How a value may look once it went through a URL, JSON or a repr().
    return {
        secret,
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        repr(secret)[1:-1],
    }


class Redactor:
    """Redacts texts about one connector config, knowing that config's secret values."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        forms = {form for s in secrets if len(s) >= MIN_SECRET for form in _forms(s)}
        # Longest first, so a secret that contains another is removed whole.
        self._secrets = sorted((f for f in forms if len(f) >= MIN_SECRET), key=len, reverse=True)

    @classmethod
    def of(cls, secrets: Mapping[str, Any]) -> Redactor:
        return cls(secret_strings(secrets))

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        text = _URL.sub(_url, text)
        text = _BARE_QUERY.sub("?" + MASK, text)
        text = _AUTH_HEADER.sub(lambda m: m.group(1) + MASK, text)
        text = _SCHEME_CREDENTIALS.sub(lambda m: f"{m.group(1)} {MASK}", text)
        return _PAIR.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)

    def value(self, value: Any) -> Any:
        """A JSON-like value with every string in it redacted (for quarantined payloads)."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, Mapping):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return value

    def traceback(self, exc: BaseException) -> str:
        """The exception with its traceback and causes, redacted, for the server log."""
        return self("".join(traceback.format_exception(exc)))


def _url(match: re.Match[str]) -> str:
    query = "?" + MASK if match.group("query") else ""
    return f"{match.group('scheme')}{match.group('rest')}{query}"


def unreachable(exc: BaseException) -> bool:
    """True when the source was never reached, also when a connector wrapped that error."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, aiohttp.ClientSSLError):
            return False  # a TLS problem needs a server that answered: worth telling
        if isinstance(current, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError):
            return True
        current = current.__cause__ or current.__context__
    return False


def describe(exc: BaseException, redact: Redactor) -> str:
    """A connector's failure as admins see it (run errors, testConnection), redacted."""
    if unreachable(exc):
        return UNREACHABLE
    if isinstance(exc, aiohttp.ClientResponseError):
        url = exc.request_info.url
        text = f"HTTP {exc.status} {exc.message} from {url.host}{url.path}"
    elif isinstance(exc, ConnectorError):
        text = str(exc)
    elif isinstance(exc, TimeoutError):
        text = f"timed out: {exc}" if str(exc) else "timed out"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return redact(text)[:2000]
