"""Ongoing notes: a manager's note or praise about one of his people, outside any cycle,
visible to him (and his department's manager) when he evaluates, filtered by the plan's
period; nobody else reads them, the person included, by the shipped policy."""

from __future__ import annotations

from datetime import date, timedelta

from schema.ids import encode
from server.models import AuditEntry, Plan
from tests.schema.feedback.support import act, data, error
from tests.server.score_pipeline_support import make_scene

RECORD = """mutation($i: RecordNoteInput!) { recordNote(input: $i) {
  id kind text notedOn employee { username } author { username } } }"""
NOTES = """query($e: ID!, $p: ID, $s: Date, $t: Date) {
  notes(employeeId: $e, planId: $p, start: $s, end: $t) {
    edges { node { kind text notedOn } } } }"""


async def test_a_manager_records_notes_and_sees_those_of_the_period(db, api, make_company) -> None:
    scene = await make_scene(api, make_company)
    staff = scene.sandbox.ids["staff"]
    today = date.today()
    earlier = today - timedelta(days=40)
    praise = {"employeeId": staff, "kind": "PRAISE", "text": "closed the key account early"}
    recorded = data(await act(scene, RECORD, "mgr", i=praise), "recordNote")
    assert (recorded["kind"], recorded["notedOn"], recorded["author"]["username"]) == (
        "PRAISE",
        today.isoformat(),
        scene.sandbox.user("mgr"),
    )
    note = {**praise, "kind": "NOTE", "text": "late twice", "notedOn": earlier.isoformat()}
    data(await act(scene, RECORD, "mgr", i=note), "recordNote")
    # The plan's period decides which notes are its evidence.
    plan = await Plan.get(id=scene.plan_id)
    expected = [
        kind
        for kind, on in (("PRAISE", today), ("NOTE", earlier))
        if plan.period_start <= on <= plan.period_end
    ]
    in_period = data(
        await act(scene, NOTES, "mgr", e=staff, p=encode("Plan", scene.plan_id)), "notes"
    )
    assert [e["node"]["kind"] for e in in_period["edges"]] == expected
    everything = data(await act(scene, NOTES, "mgr", e=staff), "notes")["edges"]
    assert [e["node"]["kind"] for e in everything] == ["PRAISE", "NOTE"]
    span = data(
        await act(scene, NOTES, "mgr", e=staff, s=earlier.isoformat(), t=earlier.isoformat()),
        "notes",
    )
    assert [e["node"]["text"] for e in span["edges"]] == ["late twice"]
    # Nobody else reads them: not the person, not the VP, not HR or the performance admin.
    for person in ("staff", "vpa", "hrvp", "perf", "gm", "worker"):
        assert data(await act(scene, NOTES, person, e=staff), "notes")["edges"] == [], person
    node = "query($id: ID!) { node(id: $id) { ... on Note { text } } }"
    assert data(await act(scene, node, "mgr", id=recorded["id"]), "node")["text"]
    assert error(await act(scene, node, "staff", id=recorded["id"]))[0] == "NOT_FOUND"
    entries = await AuditEntry.filter(company_id=scene.company_id, action="note.record").count()
    assert entries == 2


async def test_who_may_write_a_note(db, api, make_company) -> None:
    scene = await make_scene(api, make_company)
    about = {"employeeId": scene.sandbox.ids["staff"], "kind": "NOTE", "text": "t"}
    assert error(await act(scene, RECORD, "worker", i=about))[0] == "NOT_FOUND"
    assert error(await act(scene, RECORD, "staff", i=about))[0] == "NOT_FOUND"
    assert error(await act(scene, RECORD, "perf", i=about))[0] == "NOT_FOUND"
    # the VP's direct report (team) is his to note; himself is nobody's
    on_mgr = {**about, "employeeId": scene.sandbox.ids["mgr"]}
    assert data(await act(scene, RECORD, "vpa", i=on_mgr), "recordNote")["kind"] == "NOTE"
    on_self = {**about, "employeeId": scene.sandbox.ids["mgr"]}
    assert error(await act(scene, RECORD, "mgr", i=on_self))[0] == "BAD_USER_INPUT"
    future = {**about, "notedOn": (date.today() + timedelta(days=3)).isoformat()}
    assert error(await act(scene, RECORD, "mgr", i=future)) == ("BAD_USER_INPUT", "DATE_RANGE")
    assert error(await act(scene, RECORD, "mgr", i={**about, "text": "x" * 1001})) == (
        "BAD_USER_INPUT",
        "TOO_LONG",
    )
    other = await make_company()
    foreign = {**about, "employeeId": other.ids["staff"]}
    assert error(await act(scene, RECORD, "mgr", i=foreign))[0] == "NOT_FOUND"
    listed = await api.gql(NOTES, {"e": scene.sandbox.ids["staff"]}, as_user=other.user("mgr"))
    assert data(listed, "notes")["edges"] == []
