"""A spread of an undefined fragment is the client's mistake, not a crash of the depth limit."""

from __future__ import annotations

from tests.conftest import Api


async def test_an_unknown_fragment_is_bad_input(api: Api) -> None:
    for lang, expected in (("en", "Unknown fragment 'F'"), ("zh-CN", "F")):
        body = await api.gql("query Me { me { ...F } }", as_user="sun.tingting@demo", lang=lang)
        assert body.get("data") is None
        [error] = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert expected in error["message"]
