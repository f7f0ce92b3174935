"""recordActuals: every row accepted or rejected with its reason, in English and Chinese; the
accepted ones written in one transaction with their history, in a constant number of
statements; a plan that is not open takes none."""

from __future__ import annotations

import uuid

import pytest

from schema.ids import encode
from server.models import Actual, ActualRevision, AuditEntry
from tests.schema.plans.planning import step
from tests.schema.results.test_actuals_helpers import (
    ACTUALS,
    RECORD,
    count_statements,
    more_staff,
    plan_with_people,
    row,
    statements,
)


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_bad_rows_are_rejected_with_their_reasons_good_rows_stored(
    api, make_company, db, lang
) -> None:
    s = await make_company()
    a, b, c = await more_staff(api, s, 3)
    plan = await plan_with_people(api, s, "staff", "mgr", "worker", a, b, c)
    keys = plan["keys"]
    staff, manual = s.ids["staff"], keys["manual"]
    nobody = encode("Employee", uuid.uuid4())
    rows = [
        row(staff, manual, "5", "两个大客户"),  # 0 good
        row(nobody, manual),  # 1 unknown employee
        row(s.ids["worker"], manual),  # 2 assigned, but in another department: out of sight
        row(s.ids["mgr"], "no-such-key"),  # 3 unknown indicator
        row(s.ids["mgr"], keys["connector"], "9"),  # 4 a connector's indicator
        row(s.ids["mgr"], keys["rated"], "4"),  # 5 rated in the evaluation
        row(a, manual, None),  # 6 no value
        row(b, manual, "1e400"),  # 7 far beyond the column
        row(staff, manual, "6"),  # 8 the same person's indicator again
        row(c, manual, "2.5", "x" * 2001),  # 9 note too long
    ]
    answer = await api.gql(
        RECORD, {"p": plan["id"], "rows": rows}, as_user=s.user("mgr"), lang=lang
    )
    assert "errors" not in answer, answer
    payload = answer["data"]["recordActuals"]
    assert payload["replayed"] is False
    assert payload["accepted"] == [{"index": 0, "employeeId": staff, "indicatorKey": manual}]
    rejected = {r["index"]: r for r in payload["rejected"]}
    assert sorted(rejected) == list(range(1, 10))  # none dropped
    expected = {
        1: ("NOT_FOUND", "NOT_ASSIGNED", "rows[1].employeeId"),
        2: ("NOT_FOUND", "NOT_ASSIGNED", "rows[2].employeeId"),
        3: ("BAD_USER_INPUT", "UNKNOWN_INDICATOR", "rows[3].indicatorKey"),
        4: ("BAD_USER_INPUT", "ACTUAL_FROM_CONNECTOR", "rows[4].indicatorKey"),
        5: ("BAD_USER_INPUT", "ACTUAL_RATED", "rows[5].indicatorKey"),
        6: ("BAD_USER_INPUT", "REQUIRED", "rows[6].value"),
        7: ("BAD_USER_INPUT", "INVALID_FORMAT", "rows[7].value"),
        8: ("BAD_USER_INPUT", "DUPLICATE_ROW", "rows[8].indicatorKey"),
        9: ("BAD_USER_INPUT", "TOO_LONG", "rows[9].note"),
    }
    for index, (code, reason, path) in expected.items():
        got = rejected[index]
        assert (got["code"], got["reason"], got["field"]) == (code, reason, path), got
        assert got["employeeId"] == rows[index]["employeeId"]
    # the same answer for a stranger and for someone out of sight: nothing leaks
    assert rejected[1]["message"].replace("rows[1]", "rows[2]") == rejected[2]["message"]
    if lang == "zh":
        assert "overrideActual" in rejected[4]["message"] and "连接器" in rejected[4]["message"]
        assert "定性" in rejected[5]["message"]
        assert "必填" in rejected[6]["message"]
        assert "rows[0]" in rejected[8]["message"] and "出现一次" in rejected[8]["message"]
        assert all(not r["message"].isascii() for r in rejected.values())
    else:
        assert "overrideActual" in rejected[4]["message"]
        assert "qualitative" in rejected[5]["message"]
        assert "between" in rejected[7]["message"]
        assert "rows[0]" in rejected[8]["message"]

    actuals = await Actual.filter(company__slug=s.slug)
    assert [(a.indicator_key, a.value, a.source, a.note, a.revision) for a in actuals] == [
        (manual, 5, "manual", "两个大客户", 1)
    ]
    (actual,) = actuals
    history = await ActualRevision.filter(actual_id=actual.id)
    assert [(h.revision, h.value, h.source, h.set_by) for h in history] == [
        (1, 5, "manual", actual.set_by)
    ]
    entries = await AuditEntry.filter(company__slug=s.slug, action="actual.record")
    assert len(entries) == 1
    assert entries[0].after["accepted"] == 1 and entries[0].after["rejected"] == 9


async def test_history_shows_who_set_it_and_when_latest_wins(api, make_company) -> None:
    s = await make_company()
    plan = await plan_with_people(api, s, "staff")
    key, staff = plan["keys"]["manual"], s.ids["staff"]
    for user, value in (("mgr", "3"), ("perf", "4"), ("mgr", "4")):
        done = await api.gql(
            RECORD, {"p": plan["id"], "rows": [row(staff, key, value)]}, as_user=s.user(user)
        )
        assert done["data"]["recordActuals"]["accepted"], done
    read = await api.gql(ACTUALS, {"p": plan["id"]}, as_user=s.user("mgr"))
    (edge,) = read["data"]["actuals"]["edges"]
    node = edge["node"]
    # the latest wins; an unchanged value and note was accepted without a new revision
    assert (node["value"], node["source"], node["revision"]) == ("4", "MANUAL", 2)
    assert node["setById"] == s.ids["perf"]
    assert node["employeeId"] == staff and node["indicatorKey"] == key
    assert [(h["revision"], h["value"], h["setById"]) for h in node["history"]] == [
        (2, "4", s.ids["perf"]),
        (1, "3", s.ids["mgr"]),
    ]
    assert node["history"][0]["setAt"] == node["setAt"]
    assert all(h["source"] == "MANUAL" and h["syncRunId"] is None for h in node["history"])


async def test_a_batch_costs_the_same_statements_at_any_size(
    api, make_company, caplog, monkeypatch
) -> None:
    """The actuals' own statements: the score recalculation (its own module, its own cost)
    is replaced by a recorder, which also shows it gets exactly the changed people."""
    from server.scoring import recompute as scoring

    asked: list[tuple[object, ...]] = []

    async def recorded(company_id: object, plan_id: object, employee_ids: object = None) -> int:
        asked.append((plan_id, frozenset(employee_ids or ())))
        return 0

    monkeypatch.setattr(scoring, "recompute", recorded)
    s = await make_company()
    people = await more_staff(api, s, 30)
    plan = await plan_with_people(api, s, *people)
    key = plan["keys"]["manual"]
    await api.token(s.user("mgr"))

    async def send(count: int, value: str) -> int:
        count_statements(caplog)
        rows = [row(p, key, value) for p in people[:count]]
        done = await api.gql(RECORD, {"p": plan["id"], "rows": rows}, as_user=s.user("mgr"))
        assert len(done["data"]["recordActuals"]["accepted"]) == count, done
        return statements(caplog)

    small, large = await send(3, "1"), await send(30, "2")
    assert small == large, (small, large)
    assert large <= 16
    assert [len(people) for _, people in asked] == [3, 30]
    assert await send(30, "2") < large  # nothing changed: accepted, nothing written
    assert len(asked) == 2


async def test_only_an_open_plan_takes_actuals(api, make_company) -> None:
    s = await make_company()
    plan = await plan_with_people(api, s, "staff")
    rows = [row(s.ids["staff"], plan["keys"]["manual"], "2")]
    for action in ("START_EVALUATION", "FINALIZE"):
        assert "errors" not in await step(api, plan["id"], action, s.user("perf"))
    refused = await api.gql(
        RECORD, {"p": plan["id"], "rows": rows}, as_user=s.user("mgr"), lang="zh"
    )
    error = refused["errors"][0]
    assert (error["extensions"]["code"], error["extensions"]["reason"]) == (
        "CONFLICT",
        "ACTUALS_CLOSED",
    )
    assert "执行中或评估中" in error["message"]


async def test_the_batch_is_bounded_and_employees_record_nothing(api, make_company) -> None:
    s = await make_company()
    plan = await plan_with_people(api, s, "staff")
    rows = [row(s.ids["staff"], plan["keys"]["manual"], "1")] * 2001
    big = await api.gql(RECORD, {"p": plan["id"], "rows": rows}, as_user=s.user("mgr"))
    assert big["errors"][0]["extensions"]["reason"] == "TOO_MANY_ITEMS"
    mine = await api.gql(RECORD, {"p": plan["id"], "rows": rows[:1]}, as_user=s.user("staff"))
    assert mine["errors"][0]["extensions"]["code"] == "FORBIDDEN"
