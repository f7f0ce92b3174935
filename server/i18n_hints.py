"""Chinese for the hints and role scopes that validation errors carry.

Services raise errors with an English hint ("one of KPI, OKR", "digits, optionally starting
with +"); a Chinese message must not fall back to English halfway through a sentence. Fixed
hints are looked up; hints with a value in them are matched by pattern. A test keeps every
literal hint in the code translated.
"""

from __future__ import annotations

import re

FIXED: dict[str, str] = {
    "a company plan covers the top department only": "公司级计划只覆盖最上级部门",
    "use level company for the top department": "最上级部门请使用公司级计划",
    "higher or lower": "higher（越高越好）或 lower（越低越好）",
    "a qualitative indicator is rated 1-5": "定性指标按 1-5 分评分",
    "each indicator key once": "每个指标键只能出现一次",
    "company or department": "company（公司）或 department（部门）",
    "KPI or OKR": "KPI 或 OKR",
    "base64": "Base64 编码",
    "an http(s) URL": "http(s) 网址",
    "an IANA zone such as Asia/Shanghai": "IANA 时区，例如 Asia/Shanghai",
    "held by every active employee": "由每位在职员工自动拥有",
    "company-wide; omit departmentId": "为全公司范围，请不要提供 departmentId",
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
}

PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"one of (.+)"), r"可选值：\1"),
    (re.compile(r"versions run from 1 to (\d+)"), r"版本号应在 1 到 \1 之间"),
    (re.compile(r"an indicator of version (\d+)"), r"应为第 \1 版中的指标"),
    (re.compile(r"expected (.+)"), r"应为 \1"),
    (re.compile(r"a number between -(\S+) and (\S+)"), r"应为 -\1 到 \2 之间的数"),
    (re.compile(r"at most (\d+) decimal places"), r"最多 \1 位小数"),
    (re.compile(r"(.+) has no setting (.+)"), r"\1 没有设置项 \2"),
    (re.compile(r"(.+) belongs in (.+)"), r"\1 应放在 \2 中"),
    (re.compile(r"no installed connector named (.+)"), r"没有名为 \1 的已安装连接器"),
)


def hint_zh(hint: str) -> str | None:
    """The Chinese for an English hint, or None when there is none."""
    if hint in FIXED:
        return FIXED[hint]
    for pattern, replacement in PATTERNS:
        if pattern.fullmatch(hint):
            return pattern.sub(replacement, hint)
    return None
