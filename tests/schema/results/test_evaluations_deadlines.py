"""Evaluation deadlines and reopening: the due day counts in the company's time zone, after it
only the performance admin's reopening (with a reason, audited) lets a submission in; of two
submissions at once exactly one is taken."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from schema.ids import decode, encode
from server.errors import Conflict
from server.evaluations.access import check_deadline
from server.models import AuditEntry, Evaluation
from tests.schema.results.test_evaluations_support import (
    REOPEN,
    SAVE_MANAGER,
    SAVE_SELF,
    error,
    evaluating_plan,
    keys,
    open_dates,
    past_dates,
    today,
)

REOPEN_NEW = """mutation($a: ID!, $k: EvaluationKind!, $r: String!, $u: Date!) {
  reopenEvaluation(assignmentId: $a, kind: $k, reason: $r, until: $u) {
    id kind state deadline reopenedUntil } }"""


def test_the_due_day_counts_where_the_company_is() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    due = date(2026, 12, 1)
    check_deadline(due, shanghai, datetime(2026, 12, 1, 15, 59, 59, tzinfo=UTC))  # 23:59:59
    with pytest.raises(Conflict) as raised:
        check_deadline(due, shanghai, datetime(2026, 12, 1, 16, 0, tzinfo=UTC))  # 00:00 next day
    assert raised.value.key == "deadline_passed"
    assert raised.value.params == {"deadline": "2026-12-01"}
    # Still the due day in UTC, already the day after in Shanghai: the company's zone decides.
    check_deadline(due, ZoneInfo("UTC"), datetime(2026, 12, 1, 23, 0, tzinfo=UTC))


async def test_a_submission_on_the_due_day_is_on_time(api, make_company):
    s = await make_company()
    _, assignment = await evaluating_plan(api, s, open_dates(self_due=today()))
    done = await api.gql(SAVE_SELF, {"a": assignment, "i": {}, "s": True}, as_user=s.user("staff"))
    body = done["data"]["saveSelfEvaluation"]
    assert (body["state"], body["deadline"]) == ("SUBMITTED", today().isoformat())


async def test_after_the_deadline_only_a_reopening_lets_a_submission_in(api, make_company, db):
    s = await make_company()
    plan, assignment = await evaluating_plan(api, s, past_dates())
    _, customers, _ = keys(plan)
    staff, perf = s.user("staff"), s.user("perf")
    due = past_dates()["deadlines"]["selfEvaluation"]
    late = await api.gql(SAVE_SELF, {"a": assignment, "i": {}, "s": True}, as_user=staff)
    found = error(late)
    assert (found["extensions"]["code"], found["extensions"]["reason"]) == (
        "CONFLICT",
        "DEADLINE_PASSED",
    )
    assert found["message"] == (
        f"The deadline passed on {due}; ask the performance admin to reopen it."
    )
    zh = await api.gql(SAVE_SELF, {"a": assignment, "i": {}}, as_user=staff, lang="zh")
    assert error(zh)["message"] == f"截止日期 {due} 已过；请联系绩效管理员重新开放。"

    # A draft saved before the deadline, now past it.
    held = await Evaluation.create(
        company_id=s.company_id,
        assignment_id=decode(assignment, "Assignment"),
        plan_id=decode(plan["id"], "Plan"),
        employee_id=(await _employee_id(s, "staff")),
        department_id=decode(s.ids["sales"], "Department"),
        manager_id=await _employee_id(s, "mgr"),
        kind="self",
        items={customers: {"comment": "早先的草稿", "value": "3"}},
    )
    held_id = encode("Evaluation", held.id)
    until = (today() + timedelta(days=3)).isoformat()
    refused = [
        ({"id": held_id, "r": "  ", "u": until}, perf, "REQUIRED"),
        ({"id": held_id, "r": "病假", "u": "2020-01-01"}, perf, "DATE_RANGE"),
        ({"id": held_id, "r": "病假", "u": until}, staff, "FORBIDDEN"),
        ({"id": held_id, "r": "病假", "u": until}, s.user("mgr"), "FORBIDDEN"),
        ({"id": held_id, "r": "病假", "u": until}, s.user("worker"), "NOT_FOUND"),
    ]
    for variables, user, reason in refused:
        result = await api.gql(REOPEN, variables, as_user=user)
        assert error(result)["extensions"]["reason"] == reason, (user, variables)

    reopened = await api.gql(REOPEN, {"id": held_id, "r": "病假两周", "u": until}, as_user=perf)
    body = reopened["data"]["reopenEvaluation"]
    assert (body["state"], body["deadline"], body["reopenedUntil"]) == ("DRAFT", until, until)
    done = await api.gql(SAVE_SELF, {"a": assignment, "i": {}, "s": True}, as_user=staff)
    body = done["data"]["saveSelfEvaluation"]
    assert body["state"] == "SUBMITTED"
    assert [i["value"] for i in body["items"]] == [None, "3", None]

    # A submitted one goes back to draft too.
    again = await api.gql(REOPEN, {"id": held_id, "r": "补充材料", "u": until}, as_user=perf)
    assert (
        again["data"]["reopenEvaluation"]["state"],
        again["data"]["reopenEvaluation"]["submittedAt"],
    ) == ("DRAFT", None)
    entries = await AuditEntry.filter(object_id=str(held.id), action="evaluation.reopen").order_by(
        "created_at"
    )
    assert [e.after["reason"] for e in entries] == ["病假两周", "补充材料"]
    assert [e.before["state"] for e in entries] == ["draft", "submitted"]
    assert {e.actor_id for e in entries} == {await _employee_id(s, "perf")}


async def test_an_evaluation_never_begun_is_reopened_by_its_assignment(api, make_company):
    s = await make_company()
    plan, assignment = await evaluating_plan(api, s, past_dates())
    _, _, teamwork = keys(plan)
    mgr = s.user("mgr")
    rating = {"items": [{"indicatorKey": teamwork, "rating": 3}], "overallRating": 3}
    late = await api.gql(SAVE_MANAGER, {"a": assignment, "i": rating, "s": True}, as_user=mgr)
    assert error(late)["extensions"]["reason"] == "DEADLINE_PASSED"
    until = today().isoformat()
    reopened = await api.gql(
        REOPEN_NEW,
        {"a": assignment, "k": "MANAGER", "r": "经理出差", "u": until},
        as_user=s.user("perf"),
    )
    body = reopened["data"]["reopenEvaluation"]
    assert (body["kind"], body["state"], body["deadline"]) == ("MANAGER", "DRAFT", until)
    done = await api.gql(SAVE_MANAGER, {"a": assignment, "i": rating, "s": True}, as_user=mgr)
    assert done["data"]["saveManagerEvaluation"]["state"] == "SUBMITTED"


async def test_of_two_submissions_at_once_exactly_one_is_taken(api, make_company, db):
    s = await make_company()
    _, assignment = await evaluating_plan(api, s)
    staff = s.user("staff")
    await api.token(staff)  # signed in before, so both requests race on the submission only
    for round_ in (1, 2):  # no row yet (both would create it), then a saved draft
        results = await asyncio.gather(
            *(
                api.gql(SAVE_SELF, {"a": assignment, "i": {"overallComment": f"第{n}版"}, "s": True}, as_user=staff)
                for n in (1, 2)
            )
        )  # fmt: skip
        taken = [r for r in results if "errors" not in r]
        refused = [error(r)["extensions"]["reason"] for r in results if "errors" in r]
        assert (len(taken), refused) == (1, ["EVALUATION_SUBMITTED"]), results
        row = await Evaluation.get(assignment_id=decode(assignment, "Assignment"), kind="self")
        assert row.state == "submitted"
        assert row.overall_comment == taken[0]["data"]["saveSelfEvaluation"]["overallComment"]
        submits = await AuditEntry.filter(object_id=str(row.id), action="evaluation.submit")
        assert len(submits) == round_  # one more per round
        await Evaluation.filter(id=row.id).update(state="draft", submitted_at=None)


async def _employee_id(sandbox, local: str):
    return decode(sandbox.ids[local], "Employee")
