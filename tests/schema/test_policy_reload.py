"""Policy reload through the API and from the file watcher; a broken file changes nothing."""

from __future__ import annotations

import asyncio
import shutil

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


async def test_file_watcher_reloads_on_change(tmp_path) -> None:
    from server.authz import PolicyStore

    for name in ("model.conf", "policy.csv"):
        shutil.copy(PROJECT_ROOT / "policies" / name, tmp_path / name)
    store = PolicyStore(tmp_path)
    watcher = asyncio.create_task(store.watch(0.05))
    try:
        await asyncio.sleep(0.3)
        with (tmp_path / "policy.csv").open("a") as f:
            f.write("p, gm, *, employee, deactivate, scope\n")
        for _ in range(100):
            if store.current.version == 2:
                break
            await asyncio.sleep(0.05)
        assert store.current.version == 2
        assert "scope" in store.current.relations("gm", "demo", "employee", "deactivate")
        (tmp_path / "policy.csv").write_text("garbage, line\n")
        for _ in range(100):
            if store.last_error is not None:
                break
            await asyncio.sleep(0.05)
        assert store.last_error is not None and store.current.version == 2
    finally:
        watcher.cancel()
