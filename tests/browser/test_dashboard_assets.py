"""The dashboard page and its assets as served (no browser needed): types, CSP, offline."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser

from server.dashboard_page import (
    CHART_JS_VERSION,
    CONTENT_SECURITY_POLICY,
    DASHBOARD_ASSET_PREFIX,
    DASHBOARD_DIR,
)

TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
ABSOLUTE_URL = re.compile(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.IGNORECASE)
LICENSE_COMMENT = re.compile(r"/\*!.*?\*/", re.DOTALL)
I18N_BLOCK = re.compile(r"^    (en|zh): \{\n(.*?)^    \},", re.MULTILINE | re.DOTALL)
I18N_KEY = re.compile(r"^      ([A-Za-z_]+):", re.MULTILINE)


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.script_text.append(data)


def parse(page: str) -> Tags:
    tags = Tags()
    tags.feed(page)
    tags.close()
    return tags


async def test_page_is_served_with_a_strict_policy(api) -> None:
    response = await api.client.get("/dashboard")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    policy = response.headers["content-security-policy"]
    assert policy == CONTENT_SECURITY_POLICY
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'none'"
    assert directives["connect-src"] == "'self'"
    assert "unsafe" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    redirect = await api.client.get("/dashboard/", follow_redirects=False)
    assert redirect.status_code == 308 and redirect.headers["location"] == "/dashboard"


async def test_no_inline_script_or_style_and_every_asset_is_local(api) -> None:
    page = (await api.client.get("/dashboard")).text
    tags = parse(page)
    assert tags.script_text == [], "inline script: the policy would block it"
    refs = []
    for tag, attrs in tags.tags:
        assert "style" not in attrs, f"inline style on <{tag}>"
        assert not [a for a in attrs if a.startswith("on")], f"inline handler on <{tag}>"
        assert tag != "style"
        if tag == "script":
            assert attrs.get("src"), "every script is a file"
        refs += [attrs[a] for a in ("src", "href") if a in attrs]
    assert len(refs) >= 7
    assert not ABSOLUTE_URL.search(page)
    for ref in refs:
        assert ref.startswith(f"{DASHBOARD_ASSET_PREFIX}/"), ref
        asset = await api.client.get(ref)
        assert asset.status_code == 200, ref
        suffix = ref[ref.rindex(".") :]
        assert asset.headers["content-type"].split(";")[0] == TYPES[suffix], ref
        assert asset.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert asset.headers["x-content-type-options"] == "nosniff"
        text = asset.content.decode("utf-8", errors="replace")
        if "/vendor/" in ref:
            # Chart.js names its home page in its licence banner; nothing else is a URL.
            text = LICENSE_COMMENT.sub("", text)
        assert not ABSOLUTE_URL.search(text), (ref, ABSOLUTE_URL.findall(text)[:5])
    missing = await api.client.get(f"{DASHBOARD_ASSET_PREFIX}/nope.js")
    assert missing.status_code == 404


def test_vendored_chart_library_matches_its_readme() -> None:
    vendor = DASHBOARD_DIR / "vendor"
    library = (vendor / "chart.umd.min.js").read_bytes()
    readme = (vendor / "README.md").read_text(encoding="utf-8")
    assert f"`chart.js@{CHART_JS_VERSION}`" in readme
    assert hashlib.sha256(library).hexdigest() in readme
    assert library.startswith(f"/*!\n * Chart.js v{CHART_JS_VERSION}\n".encode())
    assert "MIT License" in (vendor / "chart.js.LICENSE.md").read_text(encoding="utf-8")
    script = (DASHBOARD_DIR.parents[2] / "tools" / "vendor_dashboard.sh").read_text("utf-8")
    assert f'VERSION="${{1:-{CHART_JS_VERSION}}}"' in script


def test_every_word_of_the_page_is_in_english_and_chinese() -> None:
    source = (DASHBOARD_DIR / "i18n.js").read_text(encoding="utf-8")
    blocks = {lang: set(I18N_KEY.findall(body)) for lang, body in I18N_BLOCK.findall(source)}
    assert set(blocks) == {"en", "zh"}
    assert blocks["en"] == blocks["zh"]
    html = (DASHBOARD_DIR / "index.html").read_text(encoding="utf-8")
    used = set(re.findall(r'data-i18n="([A-Za-z_]+)"', html))
    for name in ("app.js", "charts.js", "api.js"):
        code = (DASHBOARD_DIR / name).read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bt\("([A-Za-z_]+)"\)""", code))
    # The page names each dashboard view and overdue step by its enum value.
    sdl = (DASHBOARD_DIR.parents[2] / "schema" / "schema.graphql").read_text(encoding="utf-8")
    for enum, prefix in (("DashboardView", "view"), ("ProcessStep", "step")):
        body = re.search(rf"enum {enum} {{(.*?)}}", sdl, re.DOTALL)
        assert body, enum
        used |= {f"{prefix}_{value}" for value in re.findall(r"^  ([A-Z_]+)$", body[1], re.M)}
    assert len(used) > 40
    assert used <= blocks["en"], used - blocks["en"]
