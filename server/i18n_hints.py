"""Chinese for English text the code does not write itself: hints, role scopes, graphql-core.

Services raise errors with an English hint ("one of KPI, OKR", "digits, optionally starting
with +"), and graphql-core reports refused documents in English only ("Cannot query field
'nam' on type 'Employee'."); a Chinese message must not fall back to English halfway through
a sentence. Fixed texts are looked up; texts with a value in them are matched by a pattern
whose named groups fill a template, names kept as written. A group named ``sub`` holds a
nested message and is translated too. Tests keep every literal hint in the code translated
and give every pattern an example.
"""

from __future__ import annotations

import re

FIXED: dict[str, str] = {
    "a company plan covers the top department only": "公司级计划只覆盖最上级部门",
    "use level company for the top department": "最上级部门请使用公司级计划",
    "higher or lower": "higher（越高越好）或 lower（越低越好）",
    "each source once": "每个数据源只能出现一次",
    "a qualitative indicator is rated 1-5": "定性指标按 1-5 分评分",
    "the manager rates": "评分由上级给出",
    "the employee gives figures": "数值由员工本人填写",
    "the indicator is removed": "该指标已被移除",
    "each indicator key once": "每个指标键只能出现一次",
    "company or department": "company（公司）或 department（部门）",
    "KPI or OKR": "KPI 或 OKR",
    "base64": "Base64 编码",
    "an http(s) URL": "http(s) 网址",
    "an IANA zone such as Asia/Shanghai": "IANA 时区，例如 Asia/Shanghai",
    "held by every active employee": "由每位在职员工自动拥有",
    "company-wide; omit departmentId": "为全公司范围，请不要提供 departmentId",
    "null for COMPANY": "COMPANY 级别时应为空",
    "a division": "应为事业部",
    "null for FINAL_SCORE": "FINAL_SCORE 不带名称",
    "an indicator of the periods' plans within the scope": "应为所选期间、范围内计划中的指标名称",
    "periods of one kind": "各期间应为同一种周期",
    "a whole number from 4 to 10000": "应为 4 到 10000 之间的整数",
    "a whole number from 1 to 1000": "应为 1 到 1000 之间的整数",
    "held over a department; give departmentId": "按部门授予，请提供 departmentId",
    "control characters are not allowed": "不允许包含控制字符",
    "expected an address like name@example.com": "应为形如 name@example.com 的地址",
    "digits, optionally starting with +": "应为数字，可以 + 开头",
    "2 or more letters, digits, '.', '_' or '-', then @company (100 at most)": (
        "至少 2 个字母、数字、'.'、'_' 或 '-'，后接 @公司（共不超过 100 个字符）"
    ),
    "letters, digits and '-' only": "只能包含字母、数字和 '-'",
    "a number": "应为数字",
    "the key of an indicator of this plan": "应为本计划中某个指标的键",
    "a JSON object": "应为 JSON 对象",
    "not valid Unicode text": "不是有效的 Unicode 文本",
    "a rated indicator": "应为按评分计分的指标",
    "only a CHANGE corrects targets": "只有 CHANGE（更改）决定才能更正目标值",
    "a note about someone else": "只能记录关于他人的备注",
    "a time with its UTC offset": "应为带 UTC 偏移的时间",
    "true or false": "true 或 false",
    "a port number": "应为端口号",
    "an amount to the cent": "应为精确到分的金额",
    "none for the company": "公司范围无需提供",
}

Patterns = tuple[tuple[re.Pattern[str], str], ...]

PATTERNS: Patterns = (
    (re.compile(r"one of (?P<a>.+)"), "可选值：{a}"),
    (re.compile(r"versions run from 1 to (?P<n>\d+)"), "版本号应在 1 到 {n} 之间"),
    (re.compile(r"an indicator of version (?P<n>\d+)"), "应为第 {n} 版中的指标"),
    (re.compile(r"expected (?P<a>.+)"), "应为 {a}"),
    (re.compile(r"a number between -(?P<a>\S+) and (?P<b>\S+)"), "应为 -{a} 到 {b} 之间的数"),
    (re.compile(r"at most (?P<n>\d+) decimal places"), "最多 {n} 位小数"),
    (re.compile(r"(?P<a>.+) has no setting (?P<b>.+)"), "{a} 没有设置项 {b}"),
    (re.compile(r"(?P<a>.+) belongs in (?P<b>.+)"), "{a} 应放在 {b} 中"),
    (re.compile(r"no installed connector named (?P<a>.+)"), "没有名为 {a} 的已安装连接器"),
)


def localize(text: str, fixed: dict[str, str], patterns: Patterns) -> str | None:
    """The Chinese for ``text`` from a fixed table, else the first pattern matching it whole."""
    if text in fixed:
        return fixed[text]
    for pattern, template in patterns:
        match = pattern.fullmatch(text)
        if match:
            parts = {name: value or "" for name, value in match.groupdict().items()}
            if parts.get("sub"):
                parts["sub"] = localize(parts["sub"], fixed, patterns) or parts["sub"]
            return template.format(**parts)
    return None


def hint_zh(hint: str) -> str | None:
    """The Chinese for an English hint, or None when there is none."""
    return localize(hint, FIXED, PATTERNS)


# graphql-core's messages (3.3) and strawberry's limits, as clients see them (a wrapping
# "Variable '$x' has invalid value: ..." is answered with its inner message). In a pattern,
# «name» stands for a quoted name, kept as written: '(?P<name>[^']*)'.
_TOKEN = r"<EOF>|'[^']*'|(?:Name|Int|Float|String|BlockString|Comment)(?: .*)?"
GRAPHQL_FIXED: dict[str, str] = {
    "Unterminated string.": "字符串未结束。",
    "Document is nested too deeply. Parsing aborted.": "文档嵌套过深，已停止解析。",
    "Must provide operation name if query contains multiple operations.": (
        "文档包含多个操作时必须提供 operationName。"
    ),
    "This anonymous operation must be the only defined operation.": (
        "匿名操作必须是文档中唯一的操作。"
    ),
    "Unexpected description, descriptions are not supported on shorthand queries.": (
        "简写查询不支持描述。"
    ),
    "Unexpected description, only GraphQL definitions support descriptions.": (
        "只有 GraphQL 定义才支持描述。"
    ),
}
_GRAPHQL: tuple[tuple[str, str], ...] = (
    # syntax: the parser's and the lexer's descriptions follow "Syntax Error: "
    (r"Syntax Error: (?P<sub>.*)", "语法错误：{sub}"),
    (
        rf"Expected (?P<expected>{_TOKEN}), found (?P<found>{_TOKEN})\.",
        "应为 {expected}，实际为 {found}。",
    ),
    (r"Unexpected variable «var» in constant value\.", "常量值中不能使用变量 '{var}'。"),
    (r"Unexpected character: (?P<char>.*)\.", "意外的字符：{char}。"),
    (rf"Unexpected (?P<token>{_TOKEN})\.", "意外的 {token}。"),
    (r"Invalid character: (?P<char>.*)\.", "无效字符：{char}。"),
    (r"Invalid character within String: (?P<char>.*)\.", "字符串中有无效字符：{char}。"),
    (r"Invalid (?:Unicode|character) escape sequence: (?P<seq>.*)\.", "无效的转义序列：{seq}。"),
    (r"Invalid number, (?P<detail>.*)", "无效的数字（{detail}）"),
    (
        r"Document contains more than (?P<n>\d+) tokens\. Parsing aborted\.",
        "文档超过 {n} 个词法单元，已停止解析。",
    ),
    (
        r"Source contains more than (?P<n>\d+) code points\. Parsing aborted\.",
        "文档超过 {n} 个字符，已停止解析。",
    ),
    # fields, arguments, types, fragments, directives
    (r"Cannot query field «field» on type «type»\.", "类型 '{type}' 上没有字段 '{field}'。"),
    (r"Unknown argument «arg» on field «field»\.", "字段 '{field}' 没有参数 '{arg}'。"),
    (r"Unknown argument «arg» on directive «dir»\.", "指令 '{dir}' 没有参数 '{arg}'。"),
    (
        r"Argument «arg» of type «type» is required, but it was not provided\.",
        "缺少必填参数 '{arg}'（类型 '{type}'）。",
    ),
    (
        r"Field «field» argument «arg» of type «type» is required, but it was not provided\.",
        "字段 '{field}' 缺少必填参数 '{arg}'（类型 '{type}'）。",
    ),
    (r"There can be only one argument named «arg»\.", "参数 '{arg}' 只能出现一次。"),
    (r"There can be only one operation named «op»\.", "只能有一个名为 '{op}' 的操作。"),
    (r"Unknown type «type»\.", "未知类型 '{type}'。"),
    (r"Unknown fragment «frag»\.", "未知片段 '{frag}'。"),
    (r"Fragment «frag» is never used\.", "片段 '{frag}' 未被使用。"),
    (r"Unknown directive «dir»\.", "未知指令 '{dir}'。"),
    (r"Directive «dir» may not be used on (?P<where>\w+)\.", "指令 '{dir}' 不能用于 {where}。"),
    (
        r"Field «field» of type «type» must have a selection of subfields\.",
        "字段 '{field}'（类型 '{type}'）必须选择子字段。",
    ),
    (
        r"Field «field» must not have a selection since type «type» has no subfields\.",
        "字段 '{field}' 的类型 '{type}' 没有子字段，不能选择子字段。",
    ),
    # variables
    (r"Variable «var» is not defined by operation «op»\.", "操作 '{op}' 没有定义变量 '{var}'。"),
    (r"Variable «var» is not defined\.", "变量 '{var}' 未定义。"),
    (r"Variable «var» is never used in operation «op»\.", "操作 '{op}' 没有使用变量 '{var}'。"),
    (r"Variable «var» is never used\.", "变量 '{var}' 未被使用。"),
    (
        r"Variable «var» of type «type» used in position expecting type «expected»\.",
        "变量 '{var}' 的类型为 '{type}'，此处需要类型 '{expected}'。",
    ),
    (
        r"Variable «var» has invalid (?:default )?value(?P<at>[^:]*): (?P<sub>.*)",
        "变量 '{var}'{at} 的值无效：{sub}",
    ),
    (
        r"Expected variable «var» provided to (?:non-null )?type «type» "
        r"(?:to provide a runtime value|not to be None)\.",
        "变量 '{var}' 没有为类型 '{type}' 提供值。",
    ),
    # values of the wrong type
    (
        r"Expected a value of non-null type «type» to be provided\.",
        "缺少必填的值（类型 '{type}'）。",
    ),
    (r"Expected value of non-null type «type» not to be None\.", "类型 '{type}' 的值不能为 null。"),
    (
        r"Expected value of type «type» to be an object, found: (?P<value>.*)\.",
        "类型 '{type}' 的值应为对象，实际为：{value}。",
    ),
    (
        r"Expected value of type «type» to include required field «field», "
        r"found: (?P<value>.*)\.",
        "类型 '{type}' 的值缺少必填字段 '{field}'，实际为：{value}。",
    ),
    (
        r"Expected value of type «type» not to include unknown field «field», "
        r"found: (?P<value>.*)\.",
        "类型 '{type}' 没有字段 '{field}'，实际为：{value}。",
    ),
    (
        r"Expected value of type «type», but encountered error '(?P<sub>.*)'; "
        r"found: (?P<value>.*)\.",
        "应为类型 '{type}' 的值，实际为：{value}（{sub}）。",
    ),
    (
        r"Expected value of type «type», found: (?P<value>.*)\.",
        "应为类型 '{type}' 的值，实际为：{value}。",
    ),
    (
        r"Int cannot represent non-integer value: (?P<value>.*)",
        "Int 类型不能表示非整数的值：{value}",
    ),
    (
        r"Int cannot represent non 32-bit signed integer value: (?P<value>.*)",
        "Int 类型不能表示超出 32 位有符号整数范围的值：{value}",
    ),
    (
        r"Float cannot represent non numeric value: (?P<value>.*)",
        "Float 类型不能表示非数值：{value}",
    ),
    (
        r"String cannot represent (?:a non string )?value: (?P<value>.*)",
        "String 类型不能表示非字符串的值：{value}",
    ),
    (
        r"Boolean cannot represent a non boolean value: (?P<value>.*)",
        "Boolean 类型不能表示非布尔值：{value}",
    ),
    (
        r"ID cannot represent (?:a non-string and non-integer )?value: (?P<value>.*)",
        "ID 类型只能表示字符串或整数，不能表示：{value}",
    ),
    (r"Value «value» does not exist in «enum» enum\.", "枚举 '{enum}' 中没有值 '{value}'。"),
    (
        r"Enum «enum» cannot represent non-(?:enum|string) value: (?P<value>.*)\.",
        "枚举 '{enum}' 不能表示该值：{value}。",
    ),
    (
        r"Within OneOf Input Object type «type», exactly one field must be specified, "
        r"and the value for that field must be non-null\.",
        "OneOf 输入类型 '{type}' 必须恰好提供一个字段，且其值不能为 null。",
    ),
    # limits: strawberry's and ours
    (r"«op» exceeds maximum operation depth of (?P<n>\d+)", "操作 '{op}' 超过最大嵌套深度 {n}"),
    (r"(?P<n>\d+) aliases found\. Allowed: (?P<max>\d+)", "发现 {n} 个别名，最多允许 {max} 个"),
    (
        r"At most (?P<n>\d+) operations may run at once on one connection\.",
        "一个连接上最多同时运行 {n} 个操作。",
    ),
)
GRAPHQL_PATTERNS: Patterns = tuple(
    (re.compile(re.sub(r"«(\w+)»", r"'(?P<\1>[^']*)'", pattern), re.DOTALL), template)
    for pattern, template in _GRAPHQL
)
# " Did you mean 'a', 'b', or 'c'?" ends many messages; a refused input field has it inside.
_DID_YOU_MEAN = re.compile(
    r"\. Did you mean (?P<kind>to use an inline fragment on |the enum value )?(?P<items>'[^?]*')\?"
)
_SUGGESTIONS = {
    "": "您是否想要 {items}？",
    "to use an inline fragment on ": "您是否想对 {items} 使用内联片段？",
    "the enum value ": "您是否想要枚举值 {items}？",
}


def graphql_zh(message: str) -> str | None:
    """The Chinese for a graphql-core message, or None when there is none."""
    suggestion = ""
    found = _DID_YOU_MEAN.search(message)
    if found:
        items = found["items"].replace(", or ", " 或 ").replace(" or ", " 或 ").replace(", ", "、")
        suggestion = _SUGGESTIONS[found["kind"] or ""].format(items=items)
        head, tail = message[: found.start()], message[found.end() :]
        rest = tail.removeprefix(" Found: ")
        message = f"{head}, found: {rest}" if rest != tail else f"{head}.{tail}"
    chinese = localize(message, GRAPHQL_FIXED, GRAPHQL_PATTERNS)
    return None if chinese is None else chinese + suggestion
