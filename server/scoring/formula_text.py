"""The text of a final-score formula: its characters, its tokens, and what can be wrong
with them, in English and Chinese (server/scoring/formula.py parses the tokens).

The length and the characters are checked before anything else; the tokenizer then yields
one token at a time, so the parser reports the leftmost problem first. Exponents, ``**``,
quotes, dots outside numbers and brackets are no tokens at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

MAX_LENGTH = 500
MAX_TOKENS = 200
MAX_DIGITS = 30

# Alternative spellings people type (Chinese input methods, typeset minus): one meaning each.
SYNONYMS = {
    "×": "*",
    "÷": "/",
    "−": "-",
    "（": "(",
    "）": ")",
    "，": ",",
    "＋": "+",
    "－": "-",
    "＊": "*",
    "／": "/",
    "．": ".",
    **{chr(0xFF10 + d): str(d) for d in range(10)},  # full-width digits
}
_TABLE = str.maketrans(SYNONYMS)
PUNCTUATION = frozenset("+-*/(),")

# problem -> (English, 简体中文); each completes "<field>: ... at column N".
PROBLEMS: dict[str, tuple[str, str]] = {
    "too_long": (
        "the formula is {length} characters long, more than the {max} allowed",
        "公式长 {length} 个字符，超过上限 {max}",
    ),
    "nul": ("NUL characters are not allowed", "不允许包含 NUL 字符"),
    "surrogate": ("lone UTF-16 surrogates are not allowed", "不允许包含孤立的 UTF-16 代理项"),
    "unexpected_character": ("unexpected character {char!r}", "意外的字符“{char}”"),
    "exponent": (
        "exponents are not allowed; write the number out in digits",
        "不允许使用指数记数法，请直接写出数字",
    ),
    "power": (
        "'**' is not allowed: formulas have no power operator",
        "不允许使用“**”：公式不支持乘方",
    ),
    "number_too_long": (
        "a number may have at most {max} digits",
        "数字最多 {max} 位",
    ),
    "bad_number": ("'{text}' is not a number", "“{text}”不是有效的数字"),
    "unknown_name": (
        "unknown name '{name}'; use {components} or the functions {functions}",
        "未知名称“{name}”；可用 {components}，或函数 {functions}",
    ),
    "call_expected": (
        "'{name}' is a function: write {name}(...)",
        "“{name}”是函数，请写成 {name}(...)",
    ),
    "unexpected": ("unexpected '{token}'", "意外的“{token}”"),
    "unexpected_end": ("the formula ends too early", "公式不完整"),
    "unclosed": (
        "'(' from column {opened} is never closed",
        "第 {opened} 列的“(”没有闭合",
    ),
    "too_many_tokens": (
        "the formula has more than {max} tokens",
        "公式超过 {max} 个词法单元",
    ),
    "too_deep": ("nested more than {max} levels deep", "嵌套超过 {max} 层"),
    "min_max_arguments": (
        "{name} takes at least two values",
        "{name} 至少需要两个值",
    ),
    "round_arguments": (
        "round takes a value and the decimal places: round(x, 2)",
        "round 需要一个值和小数位数：round(x, 2)",
    ),
    "round_places": (
        "round's decimal places are a whole number from 0 to {max}",
        "round 的小数位数须为 0 至 {max} 的整数",
    ),
}


class Problem(Exception):
    """Why a formula does not parse, before it is given a field name (parsing is cached)."""

    def __init__(self, code: str, column: int, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.column = column
        self.params = params


def problem_text(code: str, lang: str, **params: object) -> str:
    english, chinese = PROBLEMS[code]
    return (chinese if lang == "zh" else english).format(**params)


# --------------------------------------------------------------------------- tokens
@dataclass(frozen=True)
class Token:
    kind: str  # "number", "name", one of PUNCTUATION, or "end"
    text: str
    column: int  # 1-based, in the text as given


def check_text(text: str) -> None:
    if len(text) > MAX_LENGTH:
        raise Problem("too_long", MAX_LENGTH + 1, length=len(text), max=MAX_LENGTH)
    for index, char in enumerate(text):
        if char == "\x00":
            raise Problem("nul", index + 1)
        if "\ud800" <= char <= "\udfff":
            raise Problem("surrogate", index + 1)


def _is_name_start(char: str) -> bool:
    return char == "_" or ("a" <= char <= "z") or ("A" <= char <= "Z")


def _is_digit(char: str) -> bool:
    return "0" <= char <= "9"


def _number(text: str, start: int) -> tuple[Token, int]:
    end = start
    while end < len(text) and (_is_digit(text[end]) or text[end] == "."):
        end += 1
    literal = text[start:end]
    if end < len(text) and text[end] in "eE":
        raise Problem("exponent", end + 1)
    if literal.count(".") > 1 or literal == ".":
        raise Problem("bad_number", start + 1, text=literal)
    if sum(_is_digit(c) for c in literal) > MAX_DIGITS:
        raise Problem("number_too_long", start + 1, max=MAX_DIGITS)
    return Token("number", literal, start + 1), end


def tokens(text: str) -> Iterator[Token]:
    """The tokens of ``text``, one at a time, ending in "end": the parser pulls them as it
    goes, so the first problem reported is the leftmost one."""
    text = text.translate(_TABLE)  # one character for one: columns stay as given
    count = 0
    index = 0
    while index < len(text):
        char = text[index]
        if char.isspace():
            index += 1
            continue
        count += 1
        if count > MAX_TOKENS:
            raise Problem("too_many_tokens", index + 1, max=MAX_TOKENS)
        following = text[index + 1 : index + 2]
        if _is_digit(char) or (char == "." and _is_digit(following)):
            token, index = _number(text, index)
        elif _is_name_start(char):
            end = index + 1
            while end < len(text) and (_is_name_start(text[end]) or _is_digit(text[end])):
                end += 1
            token, index = Token("name", text[index:end], index + 1), end
        elif char == "*" and following == "*":
            raise Problem("power", index + 1)
        elif char in PUNCTUATION:
            token, index = Token(char, char, index + 1), index + 1
        else:
            raise Problem("unexpected_character", index + 1, char=char)
        yield token
    yield Token("end", "", len(text) + 1)


def tokenize(text: str) -> list[Token]:
    """Every token of ``text`` (checked for length and characters first), ending in "end"."""
    check_text(text)
    return list(tokens(text))
