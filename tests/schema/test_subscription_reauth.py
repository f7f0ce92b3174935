"""Subscriptions re-check the subscriber at every event.

After sign-out or deactivation the next event ends the subscription with UNAUTHENTICATED
(formatted like any other error); a revoked role stops the events it used to grant. The same
socket also refuses later operations once its session is gone.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from schema.ids import encode
from server.db import using
from server.events import SyncProgress, org_events, plan_events, sync_events
from tests.schema.plans.planning import COMMENT, create
from tests.schema.wsclient import (
    Listeners,
    connect,
    fresh_token,
    next_message,
    run,
    subscribe,
    wait_for_subscribers,
)

ORG_CHANGES = "subscription { orgChanges { action objectType objectId } }"
PLAN_EVENTS = "subscription { planEvents { planId kind } }"
SYNC_PROGRESS = "subscription($r: ID!) { syncProgress(runId: $r) { status fetched } }"
RENAME = "mutation($id: ID!, $n: String!) { updateEmployee(id: $id, input: {title: $n}) { id } }"
ASSIGN = "mutation($e: ID!, $r: Role!) { assignRole(input: {employeeId: $e, role: $r}) { id } }"
REVOKE = "mutation($id: ID!) { revokeRole(id: $id) { id } }"
DEACTIVATE = "mutation($id: ID!) { deactivateEmployee(id: $id) { id } }"


async def ok(api: Any, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    result = await api.gql(query, variables, token=token)
    assert "errors" not in result, result
    return result["data"]


async def started(
    ws: Any,
    bus: Listeners,
    company_id: UUID,
    query: str,
    variables: dict[str, Any] | None = None,
) -> None:
    await subscribe(ws, "1", query, variables)
    await wait_for_subscribers(bus, company_id)


async def ended_with(ws: Any, code: str) -> dict[str, Any]:
    """The subscription's last words: one error with ``code``, then ``complete``."""
    message = await next_message(ws)
    assert message["id"] == "1" and message["type"] == "next", message
    assert message["payload"]["data"] is None, message
    assert [e["extensions"]["code"] for e in message["payload"]["errors"]] == [code], message
    assert (await next_message(ws)) == {"id": "1", "type": "complete"}
    return message["payload"]["errors"][0]


async def role_id(api: Any, token: str, role: str) -> str:
    data = await ok(api, "{ me { roles { id role } } }", {}, token)
    return next(r["id"] for r in data["me"]["roles"] if r["role"] == role)


async def test_org_changes_end_at_sign_out(api, make_company) -> None:
    sandbox = await make_company()
    token = await fresh_token(api, sandbox.user("staff"))
    admin = await api.token(sandbox.user("admin"))
    async with connect(api, token, headers={"Accept-Language": "zh-CN"}) as ws:
        await started(ws, org_events, sandbox.company_id, ORG_CHANGES)
        await ok(api, RENAME, {"id": sandbox.ids["worker"], "n": "班长"}, admin)
        first = await next_message(ws)
        assert first["payload"]["data"]["orgChanges"]["objectId"] == sandbox.ids["worker"]
        assert (await ok(api, "mutation { logout }", {}, token))["logout"] is True
        await ok(api, RENAME, {"id": sandbox.ids["worker"], "n": "组长"}, admin)
        error = await ended_with(ws, "UNAUTHENTICATED")
    assert error["message"] == "会话无效或已过期，请重新登录。"


async def test_org_changes_end_when_the_subscriber_is_deactivated(api, make_company) -> None:
    sandbox = await make_company()
    token = await fresh_token(api, sandbox.user("staff"))
    admin = await api.token(sandbox.user("admin"))
    async with connect(api, token) as ws:
        await started(ws, org_events, sandbox.company_id, ORG_CHANGES)
        await ok(api, DEACTIVATE, {"id": sandbox.ids["staff"]}, admin)
        await ended_with(ws, "UNAUTHENTICATED")


async def test_org_changes_follow_a_revoked_role(api, make_company) -> None:
    sandbox = await make_company()
    token = await fresh_token(api, sandbox.user("mgr"))
    admin = await api.token(sandbox.user("admin"))
    managing = await role_id(api, token, "DEPT_MANAGER")
    async with connect(api, token) as ws:
        await started(ws, org_events, sandbox.company_id, ORG_CHANGES)
        # As the sales manager, mgr hears of role changes in sales...
        granted = await ok(api, ASSIGN, {"e": sandbox.ids["staff"], "r": "PERF_ADMIN"}, admin)
        staff_role = granted["assignRole"]["id"]
        first = await next_message(ws)
        assert first["payload"]["data"]["orgChanges"]["objectId"] == staff_role
        # ...and no longer once the role is revoked.
        await ok(api, REVOKE, {"id": managing}, admin)
        await ok(api, REVOKE, {"id": staff_role}, admin)
        await ok(api, RENAME, {"id": sandbox.ids["worker"], "n": "班长"}, admin)
        heard = []
        while not heard or heard[-1] != sandbox.ids["worker"]:
            heard.append((await next_message(ws))["payload"]["data"]["orgChanges"]["objectId"])
    assert staff_role not in heard, heard


async def test_plan_events_end_at_sign_out(api, make_company) -> None:
    sandbox = await make_company()
    token = await fresh_token(api, sandbox.user("perf"))
    async with connect(api, token) as ws:
        await started(ws, plan_events, sandbox.company_id, PLAN_EVENTS)
        plan = await create(api, sandbox)
        first = await next_message(ws)
        assert first["payload"]["data"]["planEvents"] == {"planId": plan["id"], "kind": "VERSION"}
        await ok(api, "mutation { logout }", {}, token)
        perf = await api.token(sandbox.user("perf"))
        await ok(api, COMMENT, {"id": plan["id"], "b": "请补充数据来源"}, perf)
        await ended_with(ws, "UNAUTHENTICATED")


async def sync_run(api: Any, slug: str) -> tuple[Any, Any]:
    """A running sync run of the company: (company id, run id)."""
    from server.models import Company, ConnectorConfig, SyncRun

    with using(api.runtime.db):
        company = await Company.get(slug=slug)
        config = await ConnectorConfig.create(company=company, connector="sample", name="打卡机")
        row = await SyncRun.create(
            company=company,
            config=config,
            period_start=date(2026, 11, 1),
            period_end=date(2026, 11, 30),
        )
    return company.id, row.id


async def test_sync_progress_ends_at_sign_out(api, make_company) -> None:
    sandbox = await make_company()
    company_id, run_id = await sync_run(api, sandbox.slug)
    token = await fresh_token(api, sandbox.user("admin"))
    async with connect(api, token) as ws:
        await started(ws, sync_events, company_id, SYNC_PROGRESS, {"r": encode("SyncRun", run_id)})
        first = await next_message(ws)
        assert first["payload"]["data"]["syncProgress"] == {"status": "RUNNING", "fetched": 0}
        await ok(api, "mutation { logout }", {}, token)
        sync_events.publish(SyncProgress(company_id, run_id, "running", 5, 5, 0))
        await ended_with(ws, "UNAUTHENTICATED")


async def test_sync_progress_follows_a_revoked_role(api, make_company) -> None:
    sandbox = await make_company()
    company_id, run_id = await sync_run(api, sandbox.slug)
    token = await fresh_token(api, sandbox.user("perf"))
    admin = await api.token(sandbox.user("admin"))
    async with connect(api, token) as ws:
        await started(ws, sync_events, company_id, SYNC_PROGRESS, {"r": encode("SyncRun", run_id)})
        assert (await next_message(ws))["type"] == "next"
        await ok(api, REVOKE, {"id": await role_id(api, token, "PERF_ADMIN")}, admin)
        sync_events.publish(SyncProgress(company_id, run_id, "running", 5, 5, 0))
        await ended_with(ws, "NOT_FOUND")


async def test_operations_on_a_signed_out_socket_are_refused(api, make_company) -> None:
    sandbox = await make_company()
    token = await fresh_token(api, sandbox.user("staff"))
    async with connect(api, token) as ws:
        before = await run(ws, "{ me { name } }")
        assert before[0]["payload"] == {"data": {"me": {"name": "STAFF 测试"}}}
        await ok(api, "mutation { logout }", {}, token)
        after = await run(ws, "{ me { name } }")
    errors = after[0]["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["UNAUTHENTICATED"], after
