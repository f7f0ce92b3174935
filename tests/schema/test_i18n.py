"""Messages follow Accept-Language: Simplified Chinese or English."""

from __future__ import annotations

import uuid

import pytest

from schema.ids import encode
from server.i18n import MESSAGES, negotiate


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        (None, "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("en-US,en;q=0.9,zh;q=0.8", "en"),
        ("fr-FR, zh;q=0.5", "zh"),
        ("de", "en"),
        ("zh;q=0, en", "en"),
        ("zh-Hans", "zh"),
    ],
)
def test_language_negotiation(header: str | None, lang: str) -> None:
    assert negotiate(header) == lang


def test_every_message_has_both_languages() -> None:
    for key, (english, chinese) in MESSAGES.items():
        assert (english and chinese and english != chinese) or key == "query_invalid", key


async def test_errors_in_chinese(api) -> None:
    query = "query($id: ID!) { employee(id: $id) { name } }"
    variables = {"id": encode("Employee", uuid.uuid4())}
    zh = await api.gql(query, variables, as_user="gm@demo", lang="zh-CN")
    en = await api.gql(query, variables, as_user="gm@demo", lang="en")
    assert zh["errors"][0]["message"] == "找不到该员工。"
    assert en["errors"][0]["message"] == "No employee with that ID exists."
    assert (
        zh["errors"][0]["extensions"]
        == en["errors"][0]["extensions"]
        == {
            "code": "NOT_FOUND",
            "reason": "NOT_FOUND",
        }
    )
    forbidden = await api.gql(
        "mutation { reloadPolicies { version } }", as_user="gm@demo", lang="zh"
    )
    assert forbidden["errors"][0]["message"] == "您的角色无权对该策略执行“重新加载”操作。"
    bad = await api.gql("{ me { salary } }", as_user="gm@demo", lang="zh")
    assert bad["errors"][0]["message"].startswith("请求无效：")


async def test_chinese_text_travels_as_utf8_not_escapes(api) -> None:
    response = await api.post("{ company { nameZh } }", token=await api.token("gm@demo"))
    assert "示范集团".encode() in response.content
    assert b"\\u" not in response.content


# graphql-core's refusals, in Chinese with the names kept; the English original in `detail`.
PAGE = "{ pageInfo { hasNextPage } }"
GRAPHQL_ERRORS = [
    pytest.param(
        "{ me { nam } }",
        None,
        "类型 'Employee' 上没有字段 'nam'。您是否想要 'name'？",
        "Cannot query field 'nam' on type 'Employee'. Did you mean 'name'?",
        id="unknown-field",
    ),
    pytest.param(
        "{ me { name(x: 1) } }",
        None,
        "字段 'Employee.name' 没有参数 'x'。",
        "Unknown argument 'x' on field 'Employee.name'.",
        id="unknown-argument",
    ),
    pytest.param(
        "{ employee { name } }",
        None,
        "缺少必填参数 'Query.employee(id:)'（类型 'ID!'）。",
        "Argument 'Query.employee(id:)' of type 'ID!' is required, but it was not provided.",
        id="missing-argument",
    ),
    pytest.param(
        '{ employees(first: "a") ' + PAGE + " }",
        None,
        'Int 类型不能表示非整数的值："a"',
        'Int cannot represent non-integer value: "a"',
        id="argument-of-wrong-type",
    ),
    pytest.param(
        "query($n: Int!) { employees(first: $n) " + PAGE + " }",
        {"n": "abc"},
        "Int 类型不能表示非整数的值：'abc'",
        "Int cannot represent non-integer value: 'abc'",
        id="variable-of-wrong-type",
    ),
    pytest.param(
        "query($n: Int!) { employees(first: $n) " + PAGE + " }",
        {},
        "缺少必填的值（类型 'Int!'）。",
        "Expected a value of non-null type 'Int!' to be provided.",
        id="missing-variable",
    ),
    pytest.param(
        "query($n: String!) { employees(first: $n) " + PAGE + " }",
        {"n": "3"},
        "变量 '$n' 的类型为 'String!'，此处需要类型 'Int!'。",
        "Variable '$n' of type 'String!' used in position expecting type 'Int!'.",
        id="variable-in-wrong-position",
    ),
    pytest.param(
        "query { employee(id: $x) { name } }",
        None,
        "变量 '$x' 未定义。",
        "Variable '$x' is not defined.",
        id="undefined-variable",
    ),
    pytest.param(
        "{ me { name ",
        None,
        "语法错误：应为 Name，实际为 <EOF>。",
        "Syntax Error: Expected Name, found <EOF>.",
        id="syntax-error",
    ),
    pytest.param(
        '{ me { name(x: "open) } }',
        None,
        "语法错误：字符串未结束。",
        "Syntax Error: Unterminated string.",
        id="syntax-error-string",
    ),
    pytest.param(
        "query($x: Foo) { me { name(x: $x) } }",
        None,
        "未知类型 'Foo'。",
        "Unknown type 'Foo'.",
        id="unknown-type",
    ),
    pytest.param(
        "{ me }",
        None,
        "字段 'me'（类型 'Employee!'）必须选择子字段。您是否想要 'me { ... }'？",
        "Field 'me' of type 'Employee!' must have a selection of subfields. "
        "Did you mean 'me { ... }'?",
        id="no-subfields",
    ),
    pytest.param(
        'mutation { transitionPlan(id: "x", action: APPROV) { id } }',
        None,
        "枚举 'PlanAction' 中没有值 'APPROV'。您是否想要枚举值 'APPROVE'？",
        "Value 'APPROV' does not exist in 'PlanAction' enum. Did you mean the enum value "
        "'APPROVE'?",
        id="enum-value",
    ),
    pytest.param(
        "mutation($i: CreateEmployeeInput!) { createEmployee(input: $i) { id } }",
        {
            "i": {
                "username": "a@demo",
                "name": "A",
                "employeeNumber": "9",
                "departmentId": "x",
                "nmae": 1,
            }
        },
        "类型 'CreateEmployeeInput' 没有字段 'nmae'，实际为：",
        "Expected value of type 'CreateEmployeeInput' not to include unknown field 'nmae'. "
        "Did you mean 'name'? Found: ",
        id="unknown-input-field",
    ),
]


@pytest.mark.parametrize(("query", "variables", "chinese", "english"), GRAPHQL_ERRORS)
async def test_graphql_errors_in_chinese(
    api, query: str, variables: dict | None, chinese: str, english: str
) -> None:
    token = await api.token("gm@demo")
    zh = await api.gql(query, variables, token=token, lang="zh-CN")
    en = await api.gql(query, variables, token=token, lang="en")
    matches = [
        (z, e) for z, e in zip(zh["errors"], en["errors"], strict=True) if english in e["message"]
    ]
    assert matches, (en, zh)
    in_chinese, in_english = matches[0]
    assert in_chinese["message"].startswith("请求无效：" + chinese), in_chinese
    assert in_chinese["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "INVALID_QUERY",
        "detail": in_english["message"],
    }
    # English clients see graphql-core's message as before, without a `detail`.
    assert in_english["message"].startswith(english)
    assert in_english["extensions"] == {"code": "BAD_USER_INPUT", "reason": "INVALID_QUERY"}


async def test_zh_variants_get_simplified_chinese(api) -> None:
    # zh-TW and zh-Hant are answered in Simplified Chinese too (docs/api.md says so).
    query = "query A { me { name } } query A { me { name } }"
    zh = await api.gql(query, as_user="gm@demo", lang="zh-TW, en;q=0.5")
    error = zh["errors"][0]
    assert error["message"] == "请求无效：只能有一个名为 'A' 的操作。"
    assert error["extensions"]["detail"] == "There can be only one operation named 'A'."
