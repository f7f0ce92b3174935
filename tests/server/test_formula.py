"""The final-score formula's safe evaluator (server/scoring/formula.py): grammar, exactness,
bounds, refusals with column and reason in English and Chinese, and property tests against a
reference evaluation of the same tree."""

from __future__ import annotations

import ast
import contextlib
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.errors import BadInput, Reason
from server.i18n import translate
from server.indicators import ScoringRule
from server.scoring import formula as f
from server.scoring import formula_text
from server.scoring.compute import FormulaError, compute_person
from server.scoring.engine import Status
from server.scoring.inputs import IndicatorInput, PersonInputs, ScoringSetup

D = Decimal
VALUES = {"indicators": D("85.5"), "manager_rating": D(80)}
MANY = settings(max_examples=300, deadline=None)


def value(expression: str, values: dict[str, Decimal] | None = None) -> Decimal:
    parsed = f.parse_formula(expression)
    assert parsed is not None
    return parsed.evaluate(VALUES if values is None else values)


def refusal(expression: str) -> BadInput:
    with pytest.raises(BadInput) as caught:
        f.parse_formula(expression)
    error = caught.value
    assert error.key == "formula_invalid" and error.reason is Reason.FORMULA_INVALID
    assert error.field == "expression"
    return error


def messages(error: BadInput) -> tuple[str, str]:
    return (
        translate(error.key, "en", field=error.field, **error.params),
        translate(error.key, "zh", field=error.field, **error.params),
    )


# --------------------------------------------------------------------------- the grammar
def test_the_issue_example_weighs_indicators_and_the_rating() -> None:
    parsed = f.parse_formula("0.7 * indicators + 0.3 * manager_rating")
    assert parsed is not None
    assert parsed.components == frozenset({"indicators", "manager_rating"})
    assert parsed.evaluate(VALUES) == D("83.85")


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("0.1 + 0.2", D("0.3")),  # exact, not binary floating point
        ("2 + 3 * 4", D(14)),
        ("(2 + 3) * 4", D(20)),
        ("10 - 4 - 3", D(3)),  # left-associative
        ("24 / 4 / 3", D(2)),
        ("-3 + 5", D(2)),
        ("- - 3", D(3)),
        ("2 * -3", D(-6)),
        ("min(indicators, 80)", D(80)),
        ("max(indicators, 60, manager_rating)", D("85.5")),
        ("round(2.345, 2)", D("2.35")),  # half-up
        ("round(-2.345, 2)", D("-2.35")),
        ("round(2.5, 0)", D(3)),
        ("round(7, 2)", D(7)),
        ("round(1 / 3, 6)", D("0.333333")),
        (".5 + 5.", D("5.5")),
        ("indicators × 0.5 ＋ （manager_rating － 10）÷ ２", D("77.75")),  # typed in Chinese
        ("max(indicators，90)", D(90)),
        ("indicators − 5.5", D(80)),
        ("  indicators\n\t", D("85.5")),
    ],
)
def test_arithmetic_is_exact_decimal(expression: str, expected: Decimal) -> None:
    assert value(expression) == expected


def test_a_blank_formula_is_the_indicators_total_alone() -> None:
    assert f.parse_formula("") is None
    assert f.parse_formula(" \n ") is None


def test_components_are_only_those_it_reads() -> None:
    parsed = f.parse_formula("round(indicators * 1.1, 2)")
    assert parsed is not None and parsed.components == frozenset({"indicators"})
    constant = f.parse_formula("60")
    assert constant is not None and constant.components == frozenset()


def test_division_by_zero_and_huge_results_are_formula_errors() -> None:
    for expression, key in (
        ("indicators / 0", "formula_division_by_zero"),
        ("0 / (manager_rating - 80)", "formula_division_by_zero"),
        ("indicators / (manager_rating - 80)", "formula_division_by_zero"),
        ("indicators * 100000000000000000000", "formula_out_of_range"),
    ):
        parsed = f.parse_formula(expression)
        assert parsed is not None
        with pytest.raises(FormulaError) as caught:
            parsed.evaluate(VALUES)
        assert caught.value.key == key, expression


def test_a_missing_component_is_a_formula_error() -> None:
    parsed = f.parse_formula("indicators + manager_rating")
    assert parsed is not None
    with pytest.raises(FormulaError) as caught:
        parsed.evaluate({"indicators": D(1)})
    assert caught.value.key == "formula_missing_component"


def person(rating: int | None) -> PersonInputs:
    item = IndicatorInput("sales", "Sales", D(100), D(10), ScoringRule(), value=D(9))
    return PersonInputs(uuid4(), uuid4(), uuid4(), None, 1, (item,), manager_rating=rating)


def test_compute_person_applies_the_formula_and_grades_it() -> None:
    parsed = f.parse_formula("0.7 * indicators + 0.3 * manager_rating")
    setup = ScoringSetup(formula=parsed, formula_version=3)
    score = compute_person(person(5), setup)  # 0.7 × 90 + 0.3 × 100
    assert (score.status, score.total, score.formula_version) == (Status.OK, D("93.00"), 3)
    assert score.grade is not None and score.grade.key == "excellent"
    missing = compute_person(person(None), setup)
    assert missing.status is Status.INCOMPLETE
    assert missing.missing_components == ("manager_rating",)


def test_a_division_by_zero_makes_the_score_undefined() -> None:
    parsed = f.parse_formula("indicators / (manager_rating - 60)")
    score = compute_person(person(3), ScoringSetup(formula=parsed, formula_version=1))
    assert score.status is Status.UNDEFINED and score.total is None
    assert score.formula_error == "formula_division_by_zero"


# --------------------------------------------------------------------------- refusals
@pytest.mark.parametrize(
    ("expression", "column", "problem"),
    [
        ("__import__('os')", 1, "unknown_name"),
        ("indicators.__class__", 11, "unexpected_character"),
        ("2**1000", 2, "power"),
        ("1e400", 2, "exponent"),
        ("a[0]", 1, "unknown_name"),
        ("lambda: 1", 1, "unknown_name"),
        ("indicators if 1 else 2", 12, "unexpected"),
        ("'indicators'", 1, "unexpected_character"),
        ('"x"', 1, "unexpected_character"),
        ("open", 1, "unknown_name"),
        ("min", 1, "call_expected"),
        ("indicators(1)", 11, "unexpected"),
        ("min(indicators)", 1, "min_max_arguments"),
        ("round(indicators)", 1, "round_arguments"),
        ("round(indicators, 7)", 1, "round_places"),
        ("round(indicators, 1.5)", 1, "round_places"),
        ("round(indicators, manager_rating)", 1, "round_places"),
        ("round(indicators, -1)", 1, "round_places"),
        ("1 +", 4, "unexpected_end"),
        ("(1 + 2", 7, "unclosed"),
        ("1 + 2)", 6, "unexpected"),
        ("()", 2, "unexpected"),
        ("1..2", 1, "bad_number"),
        ("1" * 31, 1, "number_too_long"),
        ("indicators\x00", 11, "nul"),
        ("x\ud800", 2, "surrogate"),
        ("指标", 1, "unexpected_character"),
        ("indicators ^ 2", 12, "unexpected_character"),
        ("indicators % 2", 12, "unexpected_character"),
        ("Indicators", 1, "unknown_name"),  # names are case-sensitive
    ],
)
def test_unsafe_or_wrong_formulas_are_refused_with_the_column(
    expression: str, column: int, problem: str
) -> None:
    error = refusal(expression)
    assert (error.params["column"], error.params["problem"]) == (column, problem)


def test_the_message_says_what_and_where_in_both_languages() -> None:
    english, chinese = messages(refusal("max(indicators, 60))"))
    assert english == "expression: unexpected ')' at column 20."
    assert chinese == "expression：意外的“)”（第 20 列）。"
    english, chinese = messages(refusal("__import__('os')"))
    assert english == (
        "expression: unknown name '__import__'; use indicators, manager_rating, peer_rating or "
        "the functions min, max, round at column 1."
    )
    assert "未知名称“__import__”" in chinese and "第 1 列" in chinese


def test_hostile_sizes_are_refused_before_they_cost_anything() -> None:
    spaces = refusal(" " * 10_000)  # 10 kB of spaces: not trimmed to nothing
    assert spaces.params["problem"] == "too_long" and spaces.params["column"] == 501
    deep = refusal("(" * 21 + "1" + ")" * 21)
    assert (deep.params["problem"], deep.params["column"]) == ("too_deep", 21)
    assert f.parse_formula("(" * 20 + "1" + ")" * 20) is not None
    deep_calls = refusal("max(" * 21 + "1" + ", 1)" * 21)
    assert deep_calls.params["problem"] == "too_deep"
    tokens = refusal("+".join(["1"] * 101))  # 201 tokens
    assert tokens.params["problem"] == "too_many_tokens"
    assert f.parse_formula("+".join(["1"] * 100)) is not None  # 199 tokens
    assert f.parse_formula("-" * 199 + "1") is not None  # minuses are counted, not recursed
    assert f.parse_formula("1" * 30) is not None
    long = refusal("1" * 501)
    assert long.params["problem"] == "too_long"


@pytest.mark.parametrize("module", [f, formula_text])
def test_the_module_never_hands_the_text_to_python(module: object) -> None:
    source = Path(str(getattr(module, "__file__", ""))).read_text(encoding="utf-8")
    tree = ast.parse(source)
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not imported & {"ast", "builtins", "importlib"}
    called = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert not called & {"eval", "exec", "compile", "__import__", "getattr", "literal_eval"}


# --------------------------------------------------------------------------- properties
NAMES = ("indicators", "manager_rating")
numbers = st.one_of(
    st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False, allow_infinity=False),
    st.sampled_from([D("2.5"), D("0.125"), D("1.005"), D("0.5")]),  # ties: half-up matters
).map(lambda d: f.Number(d.normalize() if d else D(0)))


def _extend(children: st.SearchStrategy[f.Node]) -> st.SearchStrategy[f.Node]:
    return st.one_of(
        children.map(f.Negate),
        st.tuples(st.sampled_from("+-*/"), children, children).map(lambda t: f.Binary(*t)),
        st.tuples(st.sampled_from(["min", "max"]), st.lists(children, min_size=2, max_size=3)).map(
            lambda t: f.Call(t[0], tuple(t[1]))
        ),
        st.tuples(children, st.integers(0, 6)).map(
            lambda t: f.Call("round", (t[0], f.Number(D(t[1]))))
        ),
    )


trees = st.recursive(
    st.one_of(numbers, st.sampled_from(NAMES).map(f.Component)), _extend, max_leaves=10
)
values = st.fixed_dictionaries(
    {
        name: st.decimals(
            min_value=-200, max_value=200, places=2, allow_nan=False, allow_infinity=False
        )
        for name in NAMES
    }
)
SPACES = st.sampled_from(["", " ", "  ", "\t"])


def render(node: f.Node, draw_space: str = " ") -> str:
    """The tree as formula text, every operation in parentheses."""
    if isinstance(node, f.Number):
        return format(node.value, "f")
    if isinstance(node, f.Component):
        return node.name
    if isinstance(node, f.Negate):
        return f"(-{render(node.operand, draw_space)})"
    if isinstance(node, f.Binary):
        left, right = render(node.left, draw_space), render(node.right, draw_space)
        return f"({left}{draw_space}{node.op}{draw_space}{right})"
    args = f",{draw_space}".join(render(a, draw_space) for a in node.args)
    return f"{node.function}({args})"


class Undefined(Exception):
    pass


def reference(node: f.Node, env: dict[str, Decimal]) -> Decimal:
    """The same tree, evaluated by Python's Decimal operators directly."""
    if isinstance(node, f.Number):
        return node.value
    if isinstance(node, f.Component):
        return env[node.name]
    if isinstance(node, f.Negate):
        return -reference(node.operand, env)
    if isinstance(node, f.Binary):
        a, b = reference(node.left, env), reference(node.right, env)
        if node.op == "/" and b == 0:
            raise Undefined
        return {"+": a + b, "-": a - b, "*": a * b}[node.op] if node.op != "/" else a / b
    found = [reference(a, env) for a in node.args]
    if node.function == "round":
        places = int(found[1])
        if int(found[0].as_tuple().exponent) >= -places:
            return found[0]
        return found[0].quantize(D(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return min(found) if node.function == "min" else max(found)


@MANY
@given(trees, values, SPACES)
def test_random_formulas_agree_with_decimal_on_the_same_tree(
    tree: f.Node, env: dict[str, Decimal], space: str
) -> None:
    text = render(tree, space)
    parsed = f.parse_formula(text)
    assert parsed is not None
    assert parsed.tree == tree  # the text reads back as the tree it was written from
    try:
        with localcontext(f.CONTEXT):
            expected: Decimal | None = +reference(tree, env)
    except (Undefined, ArithmeticError):
        expected = None
    if expected is not None and abs(expected) >= f.MAX_RESULT:
        expected = None
    if expected is None:
        with pytest.raises(FormulaError):
            parsed.evaluate(env)
    else:
        assert parsed.evaluate(env) == expected


GRAMMAR_SOUP = st.lists(
    st.sampled_from(
        [
            "indicators",
            "manager_rating",
            "min",
            "max",
            "round",
            "(",
            ")",
            "（",
            ",",
            "+",
            "-",
            "*",
            "/",
            "×",
            "1",
            "0",
            "2.5",
            ".",
            " ",
            "e",
            "_",
            "[",
            "'",
        ]
    ),
    max_size=260,
).map("".join)
ANY_TEXT = st.text(
    alphabet=st.one_of(st.characters(codec=None), st.sampled_from(["\x00", "\ud800", "\udfff"])),
    max_size=600,
)


@MANY
@given(st.one_of(GRAMMAR_SOUP, ANY_TEXT))
def test_fuzzed_text_is_a_formula_or_a_bad_input_nothing_else(text: str) -> None:
    try:
        parsed = f.parse_formula(text)
    except BadInput as error:
        assert error.reason is Reason.FORMULA_INVALID
        assert 1 <= error.params["column"] <= len(text) + 1
        assert all(messages(error))
        return
    if parsed is not None:
        with contextlib.suppress(FormulaError):  # the only way evaluating may fail
            parsed.evaluate(VALUES)
