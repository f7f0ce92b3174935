"""Chinese messages stay Chinese: every hint a validation error can carry has a translation."""

from __future__ import annotations

import re

import pytest

from server.i18n import translate
from server.i18n_hints import GRAPHQL_FIXED, GRAPHQL_PATTERNS, graphql_zh
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


# One message of each kind graphql-core (or strawberry's limits) can answer with.
GRAPHQL_MESSAGES = [
    "Syntax Error: Expected Name, found <EOF>.",
    "Syntax Error: Unexpected variable '$x' in constant value.",
    "Syntax Error: Unexpected character: U+0060.",
    "Syntax Error: Unexpected Name 'x'.",
    "Syntax Error: Invalid character: U+0000.",
    "Syntax Error: Invalid character within String: U+0007.",
    "Syntax Error: Invalid Unicode escape sequence: '\\uXYZ1'.",
    "Syntax Error: Invalid number, expected digit but got: 'x'.",
    "Syntax Error: Document contains more than 2000 tokens. Parsing aborted.",
    "Syntax Error: Source contains more than 100000 code points. Parsing aborted.",
    "Cannot query field 'nam' on type 'Employee'. Did you mean 'name', 'id', or 'email'?",
    "Unknown argument 'frist' on field 'Query.employees'.",
    "Unknown argument 'if2' on directive '@include'.",
    "Argument 'Query.employee(id:)' of type 'ID!' is required, but it was not provided.",
    "Field 'employee' argument 'id' of type 'ID!' is required, but it was not provided.",
    "There can be only one argument named 'id'.",
    "There can be only one operation named 'A'.",
    "Unknown type 'Foo'.",
    "Unknown fragment 'F'.",
    "Fragment 'F' is never used.",
    "Unknown directive '@foo'.",
    "Directive '@include' may not be used on QUERY.",
    "Field 'me' of type 'Employee!' must have a selection of subfields.",
    "Field 'name' must not have a selection since type 'String!' has no subfields.",
    "Variable '$x' is not defined by operation 'A'.",
    "Variable '$x' is not defined.",
    "Variable '$x' is never used in operation 'A'.",
    "Variable '$x' is never used.",
    "Variable '$n' of type 'String!' used in position expecting type 'Int!'.",
    "Variable '$n' has invalid value: Int cannot represent non-integer value: 'abc'",
    "Expected variable '$v' provided to type 'Int!' to provide a runtime value.",
    "Expected a value of non-null type 'ID!' to be provided.",
    "Expected value of non-null type 'ID!' not to be None.",
    "Expected value of type 'PeriodInput' to be an object, found: 5.",
    "Expected value of type 'PeriodInput' to include required field 'start', found: {}.",
    "Expected value of type 'PeriodInput' not to include unknown field 'x', found: { x: 1 }.",
    "Expected value of type 'Date', but encountered error 'bad date'; found: \"x\".",
    "Expected value of type 'Date', found: \"x\".",
    "Int cannot represent non-integer value: 1.5",
    "Int cannot represent non 32-bit signed integer value: 9999999999",
    "Float cannot represent non numeric value: 'x'",
    "String cannot represent a non string value: 5",
    "Boolean cannot represent a non boolean value: 5",
    "ID cannot represent a non-string and non-integer value: 1.5",
    "Value 'FOO' does not exist in 'PlanAction' enum. Did you mean the enum value 'FILE'?",
    "Enum 'PlanAction' cannot represent non-enum value: \"FILE\".",
    "Within OneOf Input Object type 'Pick', exactly one field must be specified, and the "
    "value for that field must be non-null.",
    "'deep' exceeds maximum operation depth of 10",
    "20 aliases found. Allowed: 15",
    "At most 100 operations may run at once on one connection.",
]


@pytest.mark.parametrize("message", [*GRAPHQL_MESSAGES, *GRAPHQL_FIXED])
def test_graphql_messages_read_in_chinese(message: str) -> None:
    chinese = graphql_zh(message)
    assert chinese is not None and has_chinese(chinese), message
    for name in re.findall(r"'([^']*)'", message):  # names and values as written
        assert name in chinese, (message, chinese)


def test_every_graphql_pattern_has_an_example() -> None:
    unused = [
        pattern.pattern
        for pattern, _ in GRAPHQL_PATTERNS
        if not any(pattern.fullmatch(_without_suggestion(m)) for m in GRAPHQL_MESSAGES)
        and not any(pattern.fullmatch(m.removeprefix("Syntax Error: ")) for m in GRAPHQL_MESSAGES)
    ]
    assert not unused


def _without_suggestion(message: str) -> str:
    return re.sub(r"\. Did you mean .*\?", ".", message)


def test_suggestions_in_chinese() -> None:
    assert (
        graphql_zh(
            "Cannot query field 'x' on type 'Node'. Did you mean to use an inline fragment on "
            "'Employee' or 'Department'?"
        )
        == "类型 'Node' 上没有字段 'x'。您是否想对 'Employee' 或 'Department' 使用内联片段？"
    )
    inside = graphql_zh(
        "Expected value of type 'PeriodInput' not to include unknown field 'strat'. "
        "Did you mean 'start'? Found: { strat: 1 }."
    )
    assert (
        inside == "类型 'PeriodInput' 没有字段 'strat'，实际为：{ strat: 1 }。您是否想要 'start'？"
    )


def test_unknown_graphql_messages_have_no_translation() -> None:
    assert graphql_zh("Something graphql-core says one day.") is None
