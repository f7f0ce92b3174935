"""The reminder thresholds: read and patched by the performance admin and the tenant admin
only, checked, audited, per tenant, and in force at the next run."""

from __future__ import annotations

import asyncio

import pytest

from server.db import using
from server.models import AuditEntry
from server.reminders.engine import run_company
from tests.schema.reminders.support import READ, UPDATE, noon, sent
from tests.schema.results.test_evaluations_support import evaluating_plan, past_dates

DEFAULTS = {
    "departmentCompletionMin": "80",
    "employeeCompletionMin": "70",
    "evaluationNoticeDays": 3,
    "escalationDays": 3,
    "disabledRules": [],
}


@pytest.mark.parametrize(
    ("user", "allowed"),
    [
        ("perf", True),
        ("admin", True),
        ("gm", False),
        ("hrvp", False),
        ("vpa", False),
        ("mgr", False),
        ("staff", False),
    ],
)
async def test_role_matrix(api, make_company, user, allowed) -> None:
    s = await make_company()
    read = await api.gql(READ, as_user=s.user(user))
    changed = await api.gql(UPDATE, {"i": {"escalationDays": 5}}, as_user=s.user(user))
    if allowed:
        assert read["data"]["reminderSettings"] == DEFAULTS
        assert changed["data"]["updateReminderSettings"]["escalationDays"] == 5
    else:
        for result in (read, changed):
            assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN", result
        # a refused caller learns nothing of the input's faults first
        bad = await api.gql(UPDATE, {"i": {"escalationDays": None}}, as_user=s.user(user))
        assert bad["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_patch_changes_only_what_it_names_and_is_audited(api, make_company, db) -> None:
    s = await make_company()
    perf = s.user("perf")
    first = await api.gql(
        UPDATE,
        {"i": {"departmentCompletionMin": "75.5", "disabledRules": ["SYNC_FAILED"]}},
        as_user=perf,
    )
    second = await api.gql(UPDATE, {"i": {"evaluationNoticeDays": 1}}, as_user=s.user("admin"))
    assert first["data"]["updateReminderSettings"] == {
        **DEFAULTS,
        "departmentCompletionMin": "75.5",
        "disabledRules": ["SYNC_FAILED"],
    }
    assert second["data"]["updateReminderSettings"] == {
        **DEFAULTS,
        "departmentCompletionMin": "75.5",
        "disabledRules": ["SYNC_FAILED"],
        "evaluationNoticeDays": 1,
    }
    other = await make_company()  # per tenant
    assert (await api.gql(READ, as_user=other.user("perf")))["data"]["reminderSettings"] == DEFAULTS
    entries = await AuditEntry.filter(
        company_id=s.company_id, action="reminder_settings.update"
    ).order_by("created_at")
    assert [e.object_type for e in entries] == ["reminder_settings"] * 2
    assert entries[1].before["evaluation_notice_days"] == 3
    assert entries[1].after["evaluation_notice_days"] == 1


@pytest.mark.parametrize(
    ("patch", "reason", "field"),
    [
        ({}, "NOTHING_TO_UPDATE", None),
        ({"employeeCompletionMin": None}, "REQUIRED", "employeeCompletionMin"),
        ({"employeeCompletionMin": "100.5"}, "DATE_RANGE", "employeeCompletionMin"),
        ({"departmentCompletionMin": "-1"}, "DATE_RANGE", "departmentCompletionMin"),
        ({"departmentCompletionMin": "80.123"}, "INVALID_FORMAT", "departmentCompletionMin"),
        ({"escalationDays": 0}, "DATE_RANGE", "escalationDays"),
        ({"evaluationNoticeDays": 91}, "DATE_RANGE", "evaluationNoticeDays"),
    ],
)
async def test_bad_patches_are_refused(api, make_company, patch, reason, field) -> None:
    s = await make_company()
    result = await api.gql(UPDATE, {"i": patch}, as_user=s.user("perf"), lang="zh")
    error = result["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", result
    assert error["extensions"]["reason"] == reason
    assert error["extensions"].get("field") == field
    assert error["message"]  # in Chinese
    assert (await api.gql(READ, as_user=s.user("perf")))["data"]["reminderSettings"] == DEFAULTS


async def test_concurrent_patches_both_apply(api, make_company) -> None:
    s = await make_company()
    await asyncio.gather(
        api.gql(UPDATE, {"i": {"escalationDays": 7}}, as_user=s.user("perf")),
        api.gql(UPDATE, {"i": {"employeeCompletionMin": "50"}}, as_user=s.user("admin")),
    )
    read = await api.gql(READ, as_user=s.user("perf"))
    assert read["data"]["reminderSettings"]["escalationDays"] == 7
    assert read["data"]["reminderSettings"]["employeeCompletionMin"] == "50"


async def test_edited_thresholds_take_effect_at_the_next_run(api, make_company) -> None:
    s = await make_company()
    changed = await api.gql(
        UPDATE,
        {
            "i": {
                "departmentCompletionMin": "0",  # nothing is below 0 %
                "escalationDays": 90,  # not yet escalated
                "disabledRules": ["MANAGER_EVALUATION"],
            }
        },
        as_user=s.user("perf"),
    )
    assert "errors" not in changed, changed
    await evaluating_plan(api, s, past_dates())
    with using(api.runtime.db):
        await run_company(s.company_id, noon())
    assert await sent(api, s) == [
        ("mgr", "employee_completion", "below"),
        ("staff", "self_evaluation", "overdue"),
    ]
