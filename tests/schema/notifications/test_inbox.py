"""One's own notifications through the API: the list (newest first, unread only, pages),
marking them read, the notificationAdded subscription; nobody sees another's, another
tenant's IDs are NOT_FOUND."""

from __future__ import annotations

from typing import Any

from schema.ids import encode
from server.events import notification_added_events
from server.models import AuditEntry, Notification
from server.notifications.store import notify
from tests.schema.notifications.support import notice, person
from tests.schema.wsclient import connect, next_message, subscribe, wait_for_subscribers

LIST = """
query Mine($unread: Boolean, $first: Int, $after: String) {
  notifications(unreadOnly: $unread, first: $first, after: $after) {
    unreadCount
    edges { cursor node { id kind rule subject period stage message readAt } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
MARK = "mutation Mark($ids: [ID!], $all: Boolean) { markNotificationsRead(ids: $ids, all: $all) }"
ADDED = "subscription Added { notificationAdded { id rule stage message } }"


async def mine(api: Any, user: str, **variables: Any) -> dict[str, Any]:
    found = await api.gql(LIST, variables, as_user=user)
    assert "errors" not in found, found
    return dict(found["data"]["notifications"])


async def test_each_reads_his_own_newest_first_in_his_language(
    api: Any, db: Any, make_company: Any
) -> None:
    sandbox = await make_company()
    staff, mgr = person(sandbox, "staff"), person(sandbox, "mgr")
    for stage in ("due_in_3_days", "due_today", "overdue"):
        await notify(sandbox.company_id, [notice(staff, stage)])
    await notify(sandbox.company_id, [notice(mgr, kind="alert", rule="sync_failed")])

    first = await mine(api, sandbox.user("staff"), first=2)
    assert first["unreadCount"] == 3
    assert [e["node"]["stage"] for e in first["edges"]] == ["overdue", "due_today"]
    assert first["edges"][0]["node"]["message"] == "Q4 自评 is due."
    assert first["pageInfo"]["hasNextPage"] is True
    rest = await mine(api, sandbox.user("staff"), first=2, after=first["pageInfo"]["endCursor"])
    assert [e["node"]["stage"] for e in rest["edges"]] == ["due_in_3_days"]
    assert rest["pageInfo"]["hasNextPage"] is False
    zh = await api.gql(LIST, {"first": 1}, as_user=sandbox.user("staff"), lang="zh")
    assert zh["data"]["notifications"]["edges"][0]["node"]["message"] == "Q4 自评 即将到期。"

    theirs = await mine(api, sandbox.user("mgr"))
    assert [(e["node"]["kind"], e["node"]["rule"]) for e in theirs["edges"]] == [
        ("ALERT", "sync_failed")
    ]
    assert (await mine(api, sandbox.user("gm")))["edges"] == []  # not even the GM's to read


async def test_marking_read_own_only(api: Any, db: Any, make_company: Any) -> None:
    sandbox = await make_company()
    stranger = await make_company()
    staff, mgr = person(sandbox, "staff"), person(sandbox, "mgr")
    await notify(sandbox.company_id, [notice(staff, s) for s in ("a", "b", "c")])
    await notify(sandbox.company_id, [notice(mgr)])
    await notify(stranger.company_id, [notice(person(stranger, "staff"))])
    listed = await mine(api, sandbox.user("staff"))
    ids = [e["node"]["id"] for e in listed["edges"]]
    his = encode("Notification", (await Notification.get(recipient_id=mgr)).id)
    other_tenant = encode(
        "Notification", (await Notification.get(company_id=stranger.company_id)).id
    )

    for foreign in (his, other_tenant):
        refused = await api.gql(MARK, {"ids": [ids[0], foreign]}, as_user=sandbox.user("staff"))
        assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND", refused
    assert (await mine(api, sandbox.user("staff")))["unreadCount"] == 3  # nothing marked

    done = await api.gql(MARK, {"ids": [ids[0]]}, as_user=sandbox.user("staff"))
    assert done["data"]["markNotificationsRead"] == 1
    unread = await mine(api, sandbox.user("staff"), unread=True)
    assert [e["node"]["id"] for e in unread["edges"]] == ids[1:]
    both = await api.gql(MARK, {"ids": ids[:1], "all": True}, as_user=sandbox.user("staff"))
    assert both["errors"][0]["extensions"]["reason"] == "EXACTLY_ONE"
    everything = await api.gql(MARK, {"all": True}, as_user=sandbox.user("staff"))
    assert everything["data"]["markNotificationsRead"] == 2
    assert (await mine(api, sandbox.user("staff")))["unreadCount"] == 0
    assert (await mine(api, sandbox.user("mgr")))["unreadCount"] == 1  # his untouched
    entries = await AuditEntry.filter(
        company_id=sandbox.company_id, action="notification.mark_read"
    ).order_by("created_at")
    assert [(e.object_id, e.after["count"]) for e in entries] == [(str(staff), 1), (str(staff), 2)]


async def test_notification_added_reaches_only_its_recipient(
    api: Any, db: Any, make_company: Any
) -> None:
    sandbox = await make_company()
    stranger = await make_company()
    staff, mgr = person(sandbox, "staff"), person(sandbox, "mgr")
    async with (
        connect(api, await api.token(sandbox.user("staff"))) as staff_ws,
        connect(api, await api.token(sandbox.user("mgr"))) as mgr_ws,
    ):
        await subscribe(staff_ws, "1", ADDED)
        await subscribe(mgr_ws, "1", ADDED)
        await wait_for_subscribers(notification_added_events, sandbox.company_id, 2)
        await notify(stranger.company_id, [notice(person(stranger, "mgr"), rule="other")])
        await notify(sandbox.company_id, [notice(staff, "due_today")])
        await notify(sandbox.company_id, [notice(mgr, "overdue")])
        heard = await next_message(staff_ws)
        assert heard["payload"]["data"]["notificationAdded"]["stage"] == "due_today"
        # mgr heard neither staff's nor the other tenant's: his own comes first
        theirs = await next_message(mgr_ws)
        assert theirs["payload"]["data"]["notificationAdded"]["stage"] == "overdue"
        assert theirs["payload"]["data"]["notificationAdded"]["rule"] == "eval_due"
