"""Offline GraphiQL page: strawberry's own template with its CDN assets served locally.

The app must mount ``StaticFiles(directory=GRAPHIQL_ASSET_DIR)`` at
``GRAPHIQL_ASSET_PREFIX`` and return ``graphiql_html()`` from
``render_graphql_ide``.  Everything is checked once at import: if a strawberry
upgrade changes the template (new CDN URL, new version, new placeholder, new
external reference) or an asset file is missing or does not match the page's
``integrity`` hash, importing this module raises ``RuntimeError``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path
from typing import Final

GRAPHIQL_ASSET_DIR: Final[Path] = Path(__file__).resolve().parent / "static" / "graphiql"
GRAPHIQL_ASSET_PREFIX: Final = "/graphiql/assets"

# Exact CDN URL in strawberry's graphiql.html -> local copy (same file, same name).
_CDN_TO_FILE: Final[dict[str, str]] = {
    "https://unpkg.com/react@18.2.0/umd/react.production.min.js": "react.production.min.js",
    "https://unpkg.com/react-dom@18.2.0/umd/react-dom.production.min.js": (
        "react-dom.production.min.js"
    ),
    "https://unpkg.com/js-cookie@3.0.5/dist/js.cookie.min.js": "js.cookie.min.js",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.css": "graphiql.min.css",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.js": "graphiql.min.js",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/style.css": "style.css",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/index.umd.js": "index.umd.js",
}
GRAPHIQL_ASSET_FILES: Final[tuple[str, ...]] = tuple(_CDN_TO_FILE.values())

# The only absolute URL allowed anywhere in the page: the SVG namespace of the
# inline data: favicon (an identifier, never fetched).
_ALLOWED_ABSOLUTE_URLS: Final = frozenset({"http://www.w3.org/2000/svg"})
_ABSOLUTE_URL_RE: Final = re.compile(r"https?://[^\s\"'<>()`%]*", re.IGNORECASE)
_REMOTE_REF_RE: Final = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
_CSS_REMOTE_RE: Final = re.compile(r"@import|url\(\s*[\"']?\s*(?:https?:)?//", re.IGNORECASE)
_PLACEHOLDER_RE: Final = re.compile(r"\{\{.*?\}\}|REPLACE_[A-Z_]+")
# Old strawberry templates carried this placeholder (filled with json.dumps(bool)).
_SUBSCRIPTION_PLACEHOLDER: Final = "{{ SUBSCRIPTION_ENABLED }}"
# Current templates always pass `subscriptionUrl,` to GraphiQL.createFetcher(...).
_SUBSCRIPTION_OPTION_RE: Final = re.compile(r"^[ \t]*subscriptionUrl,[ \t]*\n", re.MULTILINE)


class _RefCollector(HTMLParser):
    """Collects every attribute value and the text of inline <style> blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[dict[str, str]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append({name: value or "" for name, value in attrs})
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def _fail(problem: str) -> RuntimeError:
    return RuntimeError(
        f"server/graphiql.py: {problem}. Strawberry's graphiql.html template "
        "probably changed; update the assets and _CDN_TO_FILE "
        "(see server/static/graphiql/README.md)."
    )


def _sri_sha384(path: Path) -> str:
    digest = hashlib.sha384(path.read_bytes()).digest()
    return "sha384-" + base64.b64encode(digest).decode("ascii")


def _localize(template: str) -> str:
    page = template
    for url, name in _CDN_TO_FILE.items():
        if page.count(url) != 1:
            raise _fail(f"expected {url!r} exactly once in the template")
        page = page.replace(url, f"{GRAPHIQL_ASSET_PREFIX}/{name}")
    return page


def _check_offline(page: str) -> None:
    """Raise unless the page only references same-origin or inline resources."""
    stray = sorted(set(_ABSOLUTE_URL_RE.findall(page)) - _ALLOWED_ABSOLUTE_URLS)
    if stray:
        raise _fail(f"page still references external URL(s) {stray}")
    collector = _RefCollector()
    collector.feed(page)
    collector.close()
    for attrs in collector.tags:
        for name, value in attrs.items():
            if _REMOTE_REF_RE.match(value):
                raise _fail(f"{name}={value!r} points off-origin")
        ref = attrs.get("src") or attrs.get("href") or ""
        if not ref.startswith(f"{GRAPHIQL_ASSET_PREFIX}/"):
            continue
        path = GRAPHIQL_ASSET_DIR / ref.removeprefix(f"{GRAPHIQL_ASSET_PREFIX}/")
        if not path.is_file():
            raise _fail(f"asset {path} is missing")
        integrity = attrs.get("integrity")
        if integrity and integrity != _sri_sha384(path):
            raise _fail(f"{path.name} does not match integrity {integrity!r}")
    if any(_CSS_REMOTE_RE.search(css) for css in collector.styles):
        raise _fail("an inline <style> imports or loads a remote resource")


def _build_pages() -> dict[bool, str]:
    template = (files("strawberry") / "static" / "graphiql.html").read_text(encoding="utf-8")
    page = _localize(template)
    pages: dict[bool, str] = {}
    for enabled in (True, False):
        html = page.replace(_SUBSCRIPTION_PLACEHOLDER, json.dumps(enabled))
        if _SUBSCRIPTION_PLACEHOLDER not in page:
            # Strawberry itself always enables subscriptions; only opting out edits it.
            if len(_SUBSCRIPTION_OPTION_RE.findall(html)) != 1:
                raise _fail("cannot find the `subscriptionUrl,` fetcher option")
            if not enabled:
                html = _SUBSCRIPTION_OPTION_RE.sub("", html)
        if leftover := _PLACEHOLDER_RE.findall(html):
            raise _fail(f"unfilled template placeholder(s) {leftover}")
        _check_offline(html)
        pages[enabled] = html
    return pages


_PAGES: Final[dict[bool, str]] = _build_pages()


def graphiql_html(*, subscriptions_enabled: bool = True) -> str:
    """Return strawberry's GraphiQL page with every asset served from GRAPHIQL_ASSET_PREFIX.

    With ``subscriptions_enabled=True`` (strawberry's behaviour) the page is the
    installed template verbatim apart from the asset URLs.  With ``False`` the
    fetcher gets no ``subscriptionUrl``, so GraphiQL never opens a websocket.
    """
    return _PAGES[subscriptions_enabled]
