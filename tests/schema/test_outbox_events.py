"""Through the app: a change's event commits or rolls back with it, and a subscriber that
falls far behind still hears of every change."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from schema.ids import decode, encode
from server.db import using
from server.events import KINDS, OrgChange, org_events
from server.models import Employee
from server.outbox import emit, head, read_after
from server.services import employees
from tests.schema.wsclient import connect, next_message, subscribe, wait_for_subscribers

RENAME = "mutation($id: ID!, $n: String!) { updateEmployee(id: $id, input: {title: $n}) { id } }"
SUBSCRIBE = "subscription { orgChanges { action objectId } }"


async def test_a_change_and_its_event_commit_together(api, make_company) -> None:
    sandbox = await make_company()
    with using(api.runtime.db):
        before = await head()
    done = await api.gql(
        RENAME, {"id": sandbox.ids["worker"], "n": "班长"}, as_user=sandbox.user("admin")
    )
    assert "errors" not in done, done
    with using(api.runtime.db):
        (stored,) = await read_after(before, company_id=sandbox.company_id)
    assert stored.kind == KINDS[OrgChange]
    assert isinstance(stored.event, OrgChange) and stored.event.action == "employee.update"


async def test_a_change_rolled_back_after_its_event_leaves_neither(
    api, make_company, monkeypatch
) -> None:
    """The event is written inside the change's transaction: when the change fails after
    it (here: right after the event is written), the event goes with it."""
    sandbox = await make_company()

    async def emit_then_fail(*events: Any) -> None:
        await emit(*events)
        raise RuntimeError("the change fails after its event was written")

    monkeypatch.setattr(employees, "emit", emit_then_fail)
    with using(api.runtime.db):
        before = await head()
    failed = await api.gql(
        RENAME, {"id": sandbox.ids["worker"], "n": "班长"}, as_user=sandbox.user("admin")
    )
    assert failed["data"] is None and failed["errors"], failed
    with using(api.runtime.db):
        assert await read_after(before, company_id=sandbox.company_id) == []
        worker = await Employee.get(id=decode(sandbox.ids["worker"], "Employee"))
    assert worker.title != "班长"


async def test_a_subscriber_far_behind_hears_of_every_change(api, make_company) -> None:
    """More changes at once than the old in-process queue held (256): none is lost."""
    sandbox = await make_company()
    worker = decode(sandbox.ids["worker"], "Employee")
    with using(api.runtime.db):
        row = await Employee.get(id=worker)
    count = 300
    # each event names an object of its own, so the order heard can be checked
    objects = [uuid4() for _ in range(count)]
    async with connect(api, await api.token(sandbox.user("admin"))) as ws:
        await subscribe(ws, "1", SUBSCRIBE)
        await wait_for_subscribers(org_events, sandbox.company_id)
        with using(api.runtime.db):
            await emit(
                *(
                    OrgChange(
                        sandbox.company_id,
                        "employee.update",
                        "employee",
                        objects[n],
                        row.department_id,
                        worker,
                        row.manager_id,
                    )
                    for n in range(count)
                )
            )
        heard = []
        for _ in range(count):
            message = await next_message(ws, wait=10)
            assert message["type"] == "next", message
            heard.append(message["payload"]["data"]["orgChanges"]["objectId"])
    assert heard == [encode("Employee", o) for o in objects]
