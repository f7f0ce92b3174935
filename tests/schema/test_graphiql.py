"""GraphiQL works offline: the page names no outside URL and every asset it names is served."""

from __future__ import annotations

import re

from server.graphiql import GRAPHIQL_ASSET_FILES, GRAPHIQL_ASSET_PREFIX

REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")


async def test_page_references_only_local_assets_and_all_are_served(api) -> None:
    response = await api.client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = response.text
    assert "<title>" in page and "graphiql" in page.lower()
    references = [r for r in REFERENCE.findall(page) if not r.startswith("data:")]
    assert references, "the page should load its scripts and styles"
    external = [r for r in references if r.startswith(("http:", "https:", "//"))]
    assert external == []
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", page)
    served = set()
    for ref in references:
        asset = await api.client.get(ref)
        assert asset.status_code == 200, ref
        assert len(asset.content) > 100, ref
        served.add(ref.rsplit("/", 1)[-1])
    assert set(GRAPHIQL_ASSET_FILES) <= served
    assert all(r.startswith(GRAPHIQL_ASSET_PREFIX) for r in references)
