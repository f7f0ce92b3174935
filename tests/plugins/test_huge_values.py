"""A source's absurd numbers are quarantined like any other bad value, not a crashed sync."""

from __future__ import annotations

from tests.plugins.loopback import serve
from tests.plugins.syncing import QUARANTINE, Source, configure, item, sync


async def test_huge_exponents_from_a_source_are_quarantined(api, make_company, sample) -> None:
    sandbox = await make_company()
    odd = ["1e999999999", "-1e999999999", "9" * 5000, "NaN", "sNaN", "Infinity"]
    page = [item("T0007", "2026-11-02", "8", "ok")] + [
        item("T0007", "2026-11-03", value, f"odd{n}") for n, value in enumerate(odd)
    ]
    async with serve(Source([page]).app()) as url:
        config_id = await configure(api, sandbox, url)
        run = await sync(api, sandbox, config_id)
    assert run["status"] == "SUCCEEDED", run
    assert (run["stored"], run["rejected"]) == (1, len(odd)), run
    quarantined = await api.gql(QUARANTINE, {"c": config_id}, as_user=sandbox.user("admin"))
    edges = quarantined["data"]["quarantine"]["edges"]
    assert {e["node"]["sourceId"] for e in edges} == {f"odd{n}" for n in range(len(odd))}
