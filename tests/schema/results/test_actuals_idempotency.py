"""A client key makes a re-sent batch change nothing: the same rows replay the first answer,
other rows under the key are a CONFLICT, and of two identical sends at once exactly one
applies (the database's unique key decides)."""

from __future__ import annotations

import asyncio
import uuid

from schema.ids import encode
from server.models import ActualBatch, ActualRevision, AuditEntry
from tests.schema.results.test_actuals_helpers import RECORD, plan_with_people, row


async def test_a_resent_batch_replays_its_answer_and_writes_nothing(api, make_company, db) -> None:
    s = await make_company()
    plan = await plan_with_people(api, s, "staff", "mgr")
    key = plan["keys"]["manual"]
    rows = [
        row(s.ids["staff"], key, "7"),
        row(encode("Employee", uuid.uuid4()), key, "1"),
        row(s.ids["mgr"], key, "3"),
    ]
    sent = {"p": plan["id"], "k": "sheet-2026-12-a", "rows": rows}
    first = await api.gql(RECORD, sent, as_user=s.user("mgr"))
    again = await api.gql(RECORD, sent, as_user=s.user("mgr"), lang="zh")
    one, two = first["data"]["recordActuals"], again["data"]["recordActuals"]
    assert (one["replayed"], two["replayed"]) == (False, True)
    assert one["accepted"] == two["accepted"] and [r["index"] for r in one["accepted"]] == [0, 2]
    assert [r["reason"] for r in two["rejected"]] == ["NOT_ASSIGNED"]
    # the replay speaks the language of its own request
    assert two["rejected"][0]["message"] != one["rejected"][0]["message"]
    assert "员工" in two["rejected"][0]["message"]
    revisions = await ActualRevision.filter(company__slug=s.slug)
    assert len(revisions) == 2
    assert {r.batch_key for r in revisions} == {"sheet-2026-12-a"}
    assert await AuditEntry.filter(company__slug=s.slug, action="actual.record").count() == 1

    # the same key with other rows: refused, nothing written
    other = {**sent, "rows": [row(s.ids["staff"], key, "8")]}
    refused = await api.gql(RECORD, other, as_user=s.user("mgr"))
    ext = refused["errors"][0]["extensions"]
    assert (ext["code"], ext["reason"]) == ("CONFLICT", "CLIENT_KEY_REUSED")
    assert await ActualRevision.filter(company__slug=s.slug).count() == 2
    # a key is the sender's own: another manager's same key is a batch of its own
    fresh = await api.gql(RECORD, other, as_user=s.user("perf"))
    assert fresh["data"]["recordActuals"]["replayed"] is False
    assert await ActualRevision.filter(company__slug=s.slug).count() == 3


async def test_two_identical_sends_at_once_apply_once(api, make_company, db) -> None:
    s = await make_company()
    plan = await plan_with_people(api, s, "staff", "mgr")
    key = plan["keys"]["manual"]
    sent = {
        "p": plan["id"],
        "k": "twice",
        "rows": [row(s.ids["staff"], key, "5"), row(s.ids["mgr"], key, "6")],
    }
    await api.token(s.user("mgr"))
    answers = await asyncio.gather(
        *(api.gql(RECORD, sent, as_user=s.user("mgr")) for _ in range(2))
    )
    payloads = [a["data"]["recordActuals"] for a in answers]
    assert sorted(p["replayed"] for p in payloads) == [False, True], answers
    assert payloads[0]["accepted"] == payloads[1]["accepted"]
    assert payloads[0]["rejected"] == payloads[1]["rejected"] == []
    assert await ActualRevision.filter(company__slug=s.slug).count() == 2
    assert await ActualBatch.filter(company__slug=s.slug).count() == 1
    assert await AuditEntry.filter(company__slug=s.slug, action="actual.record").count() == 1


async def test_racing_batches_on_the_same_actuals_keep_one_history(api, make_company, db) -> None:
    """Without keys, concurrent batches for the same new actuals neither fail nor lose a
    revision: the claim and row locks order them."""
    s = await make_company()
    plan = await plan_with_people(api, s, "staff", "mgr")
    key = plan["keys"]["manual"]
    await api.token(s.user("mgr"))
    sends = [
        {
            "p": plan["id"],
            "rows": [row(s.ids["staff"], key, str(v)), row(s.ids["mgr"], key, str(v))],
        }
        for v in (1, 2, 3)
    ]
    answers = await asyncio.gather(*(api.gql(RECORD, v, as_user=s.user("mgr")) for v in sends))
    assert all("errors" not in a for a in answers), answers
    revisions = await ActualRevision.filter(company__slug=s.slug).order_by("revision")
    by_actual: dict[object, list[int]] = {}
    for r in revisions:
        by_actual.setdefault(r.actual_id, []).append(r.revision)
    assert sorted(by_actual.values()) == [[1, 2, 3], [1, 2, 3]]


async def test_the_unique_key_decides_when_the_first_send_is_not_yet_visible(
    api, make_company, db, monkeypatch
) -> None:
    """The race's losing side, made certain: the second send's look-up misses the first batch
    (as when it is still uncommitted), so its claim of the key fails on the unique
    constraint; it then replays the committed answer and writes nothing."""
    from server.actuals import batches

    s = await make_company()
    plan = await plan_with_people(api, s, "staff")
    sent = {
        "p": plan["id"],
        "k": "late",
        "rows": [row(s.ids["staff"], plan["keys"]["manual"], "5")],
    }
    first = await api.gql(RECORD, sent, as_user=s.user("mgr"))
    assert first["data"]["recordActuals"]["replayed"] is False
    real, misses = batches.find, [1]

    async def blind(*args: object) -> object:
        if misses:
            misses.pop()
            return None
        return await real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(batches, "find", blind)
    second = await api.gql(RECORD, sent, as_user=s.user("mgr"))
    assert not misses, "the look-up was not made"
    assert second["data"]["recordActuals"] == {**first["data"]["recordActuals"], "replayed": True}
    assert await ActualRevision.filter(company__slug=s.slug).count() == 1
