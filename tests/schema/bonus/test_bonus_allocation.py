"""Bonus allocation through the API: bases row by row, coefficients, a department pool split
to the cent, the payroll workbook, and who may see any of it."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from server.models import AuditEntry
from tests.schema.bonus.support import ALLOCATION, BASES, LINK, POOL, SETTINGS, graded_plan


def error(result):
    assert result.get("errors"), result
    return result["errors"][0]["extensions"]


async def test_allocation_from_frozen_grades_with_a_pool_to_the_cent(api, make_company, db):
    s = await make_company()
    other = await make_company()
    plan = await graded_plan(
        api, s, {"staff": "excellent", "mgr": "good", "worker": "pass", "vpa": None}
    )
    hr = s.user("hrvp")
    rows = [
        {"employeeId": s.ids["staff"], "amount": "10000"},
        {"employeeId": s.ids["mgr"], "amount": "20000"},
        {"employeeId": other.ids["gm"], "amount": "1"},
        {"employeeId": s.ids["worker"], "amount": "-5"},
        {"employeeId": s.ids["worker"], "amount": "8000.001"},
    ]
    done = (await api.gql(BASES, {"p": plan, "r": rows}, as_user=hr))["data"]["setBonusBases"]
    assert done["saved"] == 2
    assert [(r["index"], r["reason"]) for r in done["rejected"]] == [
        (2, "NOT_FOUND"),
        (3, "MUST_NOT_BE_NEGATIVE"),
        (4, "INVALID_FORMAT"),
    ]
    assert done["rejected"][1]["field"] == "rows[3].amount"
    # The worker falls back to the tenant's default base.
    saved = await api.gql(SETTINGS, {"b": "8000"}, as_user=hr)
    coefficients = saved["data"]["setBonusSettings"]["coefficients"]
    assert {c["grade"]: c["coefficient"] for c in coefficients} == {
        "excellent": "1.2",
        "good": "1",
        "pass": "0.8",
        "fail": "0.5",
    }
    found = (await api.gql(ALLOCATION, {"p": plan}, as_user=hr, lang="zh"))["data"]
    by = {r["employee"]["username"].split("@")[0]: r for r in found["bonusAllocation"]["rows"]}
    assert (by["staff"]["amount"], by["staff"]["gradeName"]) == ("12000", "优秀")
    assert (by["mgr"]["amount"], by["worker"]["amount"]) == ("20000", "6400")
    assert (by["vpa"]["grade"], by["vpa"]["amount"]) == (None, None)  # not frozen: no bonus
    assert found["bonusAllocation"]["total"] == "38400"

    # The sales department's pool: staff and mgr share 10,000.01 by 12,000 : 20,000.
    pooled = await api.gql(POOL, {"p": plan, "d": s.ids["sales"], "a": "10000.01"}, as_user=hr)
    assert pooled["data"]["setBonusPool"] == "10000.01"
    found = (await api.gql(ALLOCATION, {"p": plan}, as_user=s.user("gm")))["data"]
    by = {r["employee"]["username"].split("@")[0]: r for r in found["bonusAllocation"]["rows"]}
    assert (by["staff"]["amount"], by["mgr"]["amount"]) == ("3750", "6250.01")
    assert by["staff"]["poolDepartment"]["name"] == "销售一部"
    assert by["worker"]["amount"] == "6400"  # outside every pool
    [pool] = found["bonusAllocation"]["pools"]
    assert (pool["pool"], pool["allocated"]) == ("10000.01", "10000.01")
    scoped = await api.gql(ALLOCATION, {"p": plan, "d": s.ids["plant"]}, as_user=hr)
    assert [r["name"] for r in scoped["data"]["bonusAllocation"]["rows"]] == ["WORKER 测试"]

    # Coefficients are the tenant's grades only.
    bad = await api.gql(SETTINGS, {"c": [{"grade": "superb", "coefficient": "2"}]}, as_user=hr)
    assert error(bad)["reason"] == "BONUS_UNKNOWN_GRADE"
    assert await AuditEntry.filter(action="bonus_base.set", company_id=s.company_id).count() == 2

    # The payroll workbook, through a signed link.
    link = await api.gql(LINK, {"p": plan}, as_user=hr)
    got = await api.client.get(link["data"]["bonusAllocationLink"]["url"])
    assert got.status_code == 200
    sheet = load_workbook(io.BytesIO(got.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Employee number" and values[-1][0] == "Total"
    assert Decimal(str(values[-1][6])) == Decimal("16400.01")
    assert await AuditEntry.filter(action="bonus.export", company_id=s.company_id).exists()


async def test_only_the_hr_vp_and_the_gm_see_bonuses(api, make_company, db):
    s = await make_company()
    other = await make_company()
    plan = await graded_plan(api, s, {"staff": "good"})
    for who in ("hrvp", "gm"):
        seen = await api.gql(ALLOCATION, {"p": plan}, as_user=s.user(who))
        assert "errors" not in seen, (who, seen)
        assert "errors" not in await api.gql(LINK, {"p": plan}, as_user=s.user(who))
    for who in ("perf", "vpa", "mgr", "staff", "admin"):
        for document, variables in (
            (ALLOCATION, {"p": plan}),
            (LINK, {"p": plan}),
            (POOL, {"p": plan, "d": s.ids["sales"], "a": "1"}),
            (BASES, {"p": plan, "r": [{"employeeId": s.ids["staff"], "amount": "1"}]}),
            (SETTINGS, {"b": "1"}),
        ):
            found = await api.gql(document, variables, as_user=s.user(who))
            assert error(found)["code"] == "FORBIDDEN", (who, document, found)
    # Another company's HR VP does not find the plan at all.
    foreign = await api.gql(ALLOCATION, {"p": plan}, as_user=other.user("hrvp"))
    assert error(foreign)["code"] == "NOT_FOUND"
