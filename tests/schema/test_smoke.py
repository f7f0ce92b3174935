from __future__ import annotations


async def test_gm_sees_own_company(api) -> None:
    result = await api.gql("{ me { name title } company { slug name } }", as_user="gm@demo")
    assert result["data"]["company"]["slug"] == "demo"
    assert result["data"]["me"]["title"]
