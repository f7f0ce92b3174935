"""Chinese messages stay Chinese: every hint a validation error can carry has a translation."""

from __future__ import annotations

import re

import pytest

from server.i18n import translate
from server.settings import PROJECT_ROOT

# hint="..." / scope="..." in the application code; f-strings and concatenations are
# the DYNAMIC examples below
LITERAL = re.compile(r'\b(?:hint|scope)=(f?)"([^"]*)"(\s*\+)?')
DYNAMIC = [
    "one of KPI, OKR",
    "versions run from 1 to 7",
    "an indicator of version 3",
    "expected integer",
    "a number between -1000000 and 1000000",
    "at most 4 decimal places",
    "rest has no setting 'tokn'",
    "'token' belongs in secrets",
    "no installed connector named 'sap'",
]


def literal_hints() -> list[str]:
    found = set()
    for folder in ("server", "schema", "plugins"):
        for path in (PROJECT_ROOT / folder).rglob("*.py"):
            for prefix, text, joined in LITERAL.findall(path.read_text(encoding="utf-8")):
                if not prefix and not joined:
                    found.add(text)
    return sorted(found)


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_the_scan_finds_the_hints() -> None:
    hints = literal_hints()
    assert "digits, optionally starting with +" in hints
    assert "held over a department; give departmentId" in hints
    assert len(hints) >= 15


@pytest.mark.parametrize("hint", [*literal_hints(), *DYNAMIC])
def test_every_hint_reads_in_chinese(hint: str) -> None:
    english = translate("invalid_format", "en", field="x", hint=hint)
    chinese = translate("invalid_format", "zh", field="x", hint=hint)
    assert hint in english
    assert hint not in chinese
    tail = chinese.split("：", 1)[1]
    assert has_chinese(tail), chinese


def test_role_scopes_read_in_chinese() -> None:
    message = translate(
        "role_scope", "zh", role="vp", scope="held over a department; give departmentId"
    )
    assert message == "角色 vp 按部门授予，请提供 departmentId。"
