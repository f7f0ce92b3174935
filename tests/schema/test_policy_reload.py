"""Policy reload through the API and from the file watcher; a broken file changes nothing."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from collections.abc import Callable

from server.settings import PROJECT_ROOT

RELOAD = "mutation { reloadPolicies { version ruleCount lastError } }"
PAGE = "{ employees(first: 100) { edges { node { username } } } }"


async def test_broken_file_is_refused_and_the_old_policy_stays(api, policy_dir) -> None:
    before = api.runtime.policies.current
    try:
        (policy_dir / "policy.csv").write_text("p, admin, *, employee, read, everywhere\n")
        refused = await api.gql(RELOAD, as_user="admin@demo")
        error = refused["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert "policy.csv:1: unknown relation 'everywhere'" in error["message"]
        assert api.runtime.policies.current is before
        # the company still works exactly as before
        still = await api.gql("{ departments { id } }", as_user="sun.tingting@demo")
        assert len(still["data"]["departments"]) > 30
        status = await api.gql("{ policyStatus { version lastError } }", as_user="admin@demo")
        assert status["data"]["policyStatus"]["version"] == before.version
        assert "everywhere" in status["data"]["policyStatus"]["lastError"]
    finally:
        shutil.copy(PROJECT_ROOT / "policies" / "policy.csv", policy_dir / "policy.csv")
        await api.runtime.policies.reload()


async def test_an_edited_policy_narrows_lists_in_sql(api, policy_dir) -> None:
    """Take the company directory away from plain employees: they then see only themselves and reports."""
    original = (PROJECT_ROOT / "policies" / "policy.csv").read_text()
    try:
        (policy_dir / "policy.csv").write_text(
            original.replace(
                "p, employee, *, employee, read, company\n",
                "p, employee, *, employee, read, self\np, employee, *, employee, read, team\n",
            )
        )
        reloaded = await api.gql(RELOAD, as_user="admin@demo")
        assert reloaded["data"]["reloadPolicies"]["lastError"] is None
        staff = await api.gql(PAGE, as_user="sun.tingting@demo")
        assert [e["node"]["username"] for e in staff["data"]["employees"]["edges"]] == [
            "sun.tingting@demo"
        ]
        manager = await api.gql(PAGE, as_user="mgr.sales-east@demo")
        seen = {e["node"]["username"] for e in manager["data"]["employees"]["edges"]}
        assert (
            "mgr.sales-east@demo" in seen and "sun.tingting@demo" in seen and "gm@demo" not in seen
        )
    finally:
        shutil.copy(PROJECT_ROOT / "policies" / "policy.csv", policy_dir / "policy.csv")
        await api.runtime.policies.reload()
    everyone = await api.gql(PAGE, as_user="sun.tingting@demo")
    assert len(everyone["data"]["employees"]["edges"]) == 100


async def test_file_watcher_reloads_on_change(tmp_path, monkeypatch) -> None:
    from server.authz import PolicyStore

    for name in ("model.conf", "policy.csv"):
        shutil.copy(PROJECT_ROOT / "policies" / name, tmp_path / name)
    store = PolicyStore(tmp_path)
    reloads: asyncio.Queue[None] = asyncio.Queue()
    reload = store.reload

    async def counted() -> object:
        try:
            return await reload()
        finally:
            reloads.put_nowait(None)  # each reload the watcher attempted, refused or not

    monkeypatch.setattr(store, "reload", counted)

    async def write_until(content: str, done: Callable[[], bool]) -> None:
        """Write ``content`` until the watcher has reloaded it. watchfiles says nothing when
        it starts watching, so a write made before that goes unseen: write again (the same
        content) after each half second without a reload."""
        path = tmp_path / "policy.csv"
        async with asyncio.timeout(20):
            while not done():
                path.write_text(content)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(reloads.get(), 0.5)

    watcher = asyncio.create_task(store.watch(0.05))
    try:
        edited = (tmp_path / "policy.csv").read_text() + "p, gm, *, employee, deactivate, scope\n"
        await write_until(
            edited,
            lambda: "scope" in store.current.relations("gm", "demo", "employee", "deactivate"),
        )
        good = store.current.version
        assert good >= 2
        await write_until("garbage, line\n", lambda: store.last_error is not None)
        assert store.current.version == good
        assert "scope" in store.current.relations("gm", "demo", "employee", "deactivate")
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
