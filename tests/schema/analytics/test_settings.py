"""analyticsSettings and updateAnalyticsSettings: defaults, a patch, audited, by policy."""

from __future__ import annotations

from typing import Any

from server.models import AuditEntry
from tests.schema.analytics.core_support import error

READ = "query { analyticsSettings { minPoints minRatees } }"
UPDATE = """mutation($i: UpdateAnalyticsSettingsInput!) {
  updateAnalyticsSettings(input: $i) { minPoints minRatees } }"""


async def test_defaults_patch_and_audit(db: Any, api: Any, make_company: Any) -> None:
    sandbox = await make_company()
    first = await api.gql(READ, as_user=sandbox.user("staff"))
    assert first["data"]["analyticsSettings"] == {"minPoints": 8, "minRatees": 5}
    changed = await api.gql(UPDATE, {"i": {"minRatees": 3}}, as_user=sandbox.user("perf"))
    assert changed["data"]["updateAnalyticsSettings"] == {"minPoints": 8, "minRatees": 3}
    again = await api.gql(UPDATE, {"i": {"minPoints": 10}}, as_user=sandbox.user("perf"))
    assert again["data"]["updateAnalyticsSettings"] == {"minPoints": 10, "minRatees": 3}
    read = await api.gql(READ, as_user=sandbox.user("gm"))
    assert read["data"]["analyticsSettings"] == {"minPoints": 10, "minRatees": 3}
    entries = await AuditEntry.filter(action="analytics_settings.update")
    assert (
        {"min_points": 8, "min_ratees": 3},
        {"min_points": 10, "min_ratees": 3},
    ) in [(e.before, e.after) for e in entries]
    # another tenant keeps its defaults
    other = await make_company()
    theirs = await api.gql(READ, as_user=other.user("perf"))
    assert theirs["data"]["analyticsSettings"] == {"minPoints": 8, "minRatees": 5}


async def test_who_and_what(db: Any, api: Any, make_company: Any) -> None:
    sandbox = await make_company()
    denied = await api.gql(UPDATE, {"i": {"minPoints": 9}}, as_user=sandbox.user("gm"))
    assert error(denied) == ("FORBIDDEN", "FORBIDDEN")
    low = await api.gql(UPDATE, {"i": {"minPoints": 3}}, as_user=sandbox.user("perf"))
    assert error(low) == ("BAD_USER_INPUT", "INVALID_FORMAT")
    assert "4" in low["errors"][0]["message"]
    nothing = await api.gql(UPDATE, {"i": {}}, as_user=sandbox.user("perf"))
    assert error(nothing) == ("BAD_USER_INPUT", "NOTHING_TO_UPDATE")
    zero = await api.gql(UPDATE, {"i": {"minRatees": 0}}, as_user=sandbox.user("perf"))
    assert error(zero) == ("BAD_USER_INPUT", "INVALID_FORMAT")
