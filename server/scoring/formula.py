"""A tenant's final-score formula: a small, safe evaluator of its own.

``0.7 * indicators + 0.3 * manager_rating`` is read by a hand-written tokenizer and a
recursive-descent parser into a tree of exact decimals, the known components
(``server.scoring.compute.COMPONENTS``), unary minus, ``+ - * /`` (also ``× ÷ −`` and
full-width ``（）＋－＊／，``), parentheses and three functions: ``min(a, b, ...)``,
``max(a, b, ...)`` and ``round(x, places)``. Nothing else is a name, so there is no way to
reach Python: the text is never given to ``eval``, ``exec`` or ``ast``.

Hostile input is bounded before it costs anything: the length first, then the token count,
the nesting depth and the digits of each number; exponents, ``**``, strings, attribute
access and subscripts do not tokenize. Every refusal is a ``BadInput`` (reason
FORMULA_INVALID) naming the 1-based column and saying what is wrong in English and Chinese.

Evaluation is exact ``Decimal`` arithmetic in a wide context; a division by zero, or a result
no score could hold, raises ``FormulaError`` (``compute_person`` makes the score UNDEFINED).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import NoReturn

from server.errors import BadInput
from server.scoring.compute import COMPONENTS, FormulaError
from server.scoring.formula_text import (
    Problem,
    Token,
    check_text,
    problem_text,
    tokens,
)

MAX_DEPTH = 20
MAX_PLACES = 6
# A result beyond this is no score (and would overflow a stored total): UNDEFINED instead.
MAX_RESULT = Decimal(10) ** 9
FUNCTIONS = ("min", "max", "round")
# Wide enough that the arithmetic of any accepted formula over scores is exact except for
# divisions that do not terminate; the exponent range cannot be reached in 200 tokens.
CONTEXT = Context(
    prec=80, Emax=999_999, Emin=-999_999, traps=[InvalidOperation, DivisionByZero, Overflow]
)


def _refuse(problem: Problem, field: str) -> NoReturn:
    raise BadInput(
        "formula_invalid",
        field=field,
        column=problem.column,
        problem=problem.code,
        problem_en=problem_text(problem.code, "en", **problem.params),
        problem_zh=problem_text(problem.code, "zh", **problem.params),
    ) from None


# --------------------------------------------------------------------------- tree
@dataclass(frozen=True)
class Number:
    value: Decimal


@dataclass(frozen=True)
class Component:
    name: str


@dataclass(frozen=True)
class Negate:
    operand: Node


@dataclass(frozen=True)
class Binary:
    op: str  # + - * /
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    function: str  # min, max, round
    args: tuple[Node, ...]


Node = Number | Component | Negate | Binary | Call


class _Parser:
    """expression := term (("+" | "-") term)*
    term       := unary (("*" | "/") unary)*
    unary      := "-"* primary
    primary    := number | component | function "(" arguments ")" | "(" expression ")"
    """

    def __init__(self, stream: Iterator[Token]) -> None:
        self.stream = stream
        self.next: Token | None = None
        self.depth = 0

    @property
    def current(self) -> Token:
        # Read only when looked at: a name is judged before the text after it is tokenized.
        if self.next is None:
            self.next = next(self.stream)
        return self.next

    def advance(self) -> Token:
        token = self.current
        self.next = None
        return token

    def unexpected(self) -> NoReturn:
        token = self.current
        if token.kind == "end":
            raise Problem("unexpected_end", token.column)
        raise Problem("unexpected", token.column, token=token.text)

    def parse(self) -> Node:
        node = self.expression()
        if self.current.kind != "end":
            self.unexpected()
        return node

    def expression(self) -> Node:
        node = self.term()
        while self.current.kind in ("+", "-"):
            op = self.advance().kind
            node = Binary(op, node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.current.kind in ("*", "/"):
            op = self.advance().kind
            node = Binary(op, node, self.unary())
        return node

    def unary(self) -> Node:
        signs = 0
        while self.current.kind == "-":  # counted, not recursed: 199 minuses cost one frame
            self.advance()
            signs += 1
        node = self.primary()
        for _ in range(signs):
            node = Negate(node)
        return node

    def nested(self, opened: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise Problem("too_deep", opened.column, max=MAX_DEPTH)

    def close(self, opened: Token) -> None:
        if self.current.kind != ")":
            if self.current.kind == "end":
                raise Problem("unclosed", self.current.column, opened=opened.column)
            self.unexpected()
        self.advance()
        self.depth -= 1

    def primary(self) -> Node:
        token = self.current
        if token.kind == "number":
            self.advance()
            return Number(Decimal(token.text))
        if token.kind == "name":
            return self.name()
        if token.kind == "(":
            self.advance()
            self.nested(token)
            node = self.expression()
            self.close(token)
            return node
        self.unexpected()

    def name(self) -> Node:
        token = self.advance()
        if token.text in COMPONENTS:
            return Component(token.text)
        if token.text not in FUNCTIONS:
            raise Problem(
                "unknown_name",
                token.column,
                name=token.text,
                components=", ".join(sorted(COMPONENTS)),
                functions=", ".join(FUNCTIONS),
            )
        opened = self.current
        if opened.kind != "(":
            raise Problem("call_expected", token.column, name=token.text)
        self.advance()
        self.nested(opened)
        args = [self.expression()]
        while self.current.kind == ",":
            self.advance()
            args.append(self.expression())
        self.close(opened)
        return self.call(token, tuple(args))

    def call(self, name: Token, args: tuple[Node, ...]) -> Node:
        if name.text in ("min", "max"):
            if len(args) < 2:
                raise Problem("min_max_arguments", name.column, name=name.text)
            return Call(name.text, args)
        if len(args) != 2:
            raise Problem("round_arguments", name.column)
        places = args[1]
        # An integer literal only: the places decide the shape of the result, not the data.
        if not (
            isinstance(places, Number)
            and places.value == places.value.to_integral_value()
            and "." not in format(places.value, "f")
            and 0 <= places.value <= MAX_PLACES
        ):
            raise Problem("round_places", name.column, max=MAX_PLACES)
        return Call("round", args)


# --------------------------------------------------------------------------- evaluation
def _places(node: Node) -> int:
    assert isinstance(node, Number)
    return int(node.value)


def _round(value: Decimal, places: int) -> Decimal:
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -places:
        return value  # no more places than asked: nothing to round (and no precision needed)
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def evaluate_tree(node: Node, values: Mapping[str, Decimal]) -> Decimal:
    """Exact in ``CONTEXT`` (the caller enters it); FormulaError on a missing component."""
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Component):
        found = values.get(node.name)
        if found is None:
            raise FormulaError("formula_missing_component", component=node.name)
        return found
    if isinstance(node, Negate):
        return -evaluate_tree(node.operand, values)
    if isinstance(node, Binary):
        left = evaluate_tree(node.left, values)
        right = evaluate_tree(node.right, values)
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left - right
        if node.op == "*":
            return left * right
        if right.is_zero():
            raise FormulaError("formula_division_by_zero")
        return left / right
    if node.function == "round":
        return _round(evaluate_tree(node.args[0], values), _places(node.args[1]))
    found_values = [evaluate_tree(a, values) for a in node.args]
    return min(found_values) if node.function == "min" else max(found_values)


def components_of(node: Node) -> frozenset[str]:
    if isinstance(node, Component):
        return frozenset({node.name})
    if isinstance(node, Negate):
        return components_of(node.operand)
    if isinstance(node, Binary):
        return components_of(node.left) | components_of(node.right)
    if isinstance(node, Call):
        return frozenset().union(*(components_of(a) for a in node.args))
    return frozenset()


@dataclass(frozen=True)
class ParsedFormula:
    """A formula that parsed: the ``Formula`` of ``server.scoring.inputs``."""

    expression: str
    tree: Node
    components: frozenset[str]

    def evaluate(self, values: Mapping[str, Decimal]) -> Decimal:
        try:
            with localcontext(CONTEXT):
                result = evaluate_tree(self.tree, values)
                # +x applies the context: a result is never wider than it allows.
                result = +result
        except (DivisionByZero, InvalidOperation) as exc:  # 0/0 is an invalid operation
            raise FormulaError("formula_division_by_zero") from exc
        except Overflow as exc:
            raise FormulaError("formula_out_of_range") from exc
        if abs(result) >= MAX_RESULT:
            raise FormulaError("formula_out_of_range")
        return result


@functools.lru_cache(maxsize=256)
def _parse(expression: str) -> ParsedFormula:
    check_text(expression)
    tree = _Parser(tokens(expression)).parse()
    return ParsedFormula(expression, tree, components_of(tree))


def parse_formula(expression: str, field: str = "expression") -> ParsedFormula | None:
    """The formula, or None for a blank one (the final score is then the indicators' total);
    BadInput (FORMULA_INVALID, with ``column``) naming ``field`` when it does not parse.

    Cached by text: the formula in force is parsed once per process, not per score."""
    if not isinstance(expression, str):
        raise BadInput("required", field=field)
    try:
        check_text(expression)  # before strip(): 10 kB of spaces is refused, not trimmed
        stripped = expression.strip()
        if not stripped:
            return None
        # Columns count in the text as given: strip only the right, re-add the left offset.
        parsed = _parse(expression.rstrip())
    except Problem as problem:
        _refuse(problem, field)
    return ParsedFormula(stripped, parsed.tree, parsed.components)
