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
    assert zh["errors"][0]["extensions"] == en["errors"][0]["extensions"] == {"code": "NOT_FOUND"}
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
