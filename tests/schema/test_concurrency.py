"""Many requests at once: each gets its own database context and its own caller."""

from __future__ import annotations

import asyncio


async def test_concurrent_requests_do_not_mix(api) -> None:
    users = ["gm@demo", "gm@case", "admin@demo", "admin@case", "hrvp@demo", "hrvp@case"] * 4
    tokens = {u: await api.token(u) for u in set(users)}
    results = await asyncio.gather(
        *(api.gql("{ me { username } company { slug } }", token=tokens[u]) for u in users)
    )
    for user, result in zip(users, results, strict=True):
        assert result["data"]["me"]["username"] == user
        assert result["data"]["company"]["slug"] == user.split("@")[1]
