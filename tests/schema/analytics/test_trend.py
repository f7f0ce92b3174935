"""trend and the scope of the analytics (tests/schema/analytics/core_support.py): a
department's and a person's points by hand; who may ask for whose."""

from __future__ import annotations

from typing import Any

import pytest

from schema.ids import encode
from tests.schema.analytics.core_support import (
    DECEMBER,
    DISTRIBUTION,
    TREND,
    error,
    publish_december,
    two_months,
)
from tests.server.score_pipeline_support import Scene


@pytest.fixture
async def scene(db, api, make_company) -> Scene:
    return await two_months(api, make_company)


async def trend(scene: Scene, user: str, subject: dict[str, Any], **more: Any) -> Any:
    variables = {"s": subject, "f": "2026-10-01", "t": "2026-12-31", "k": "MONTH"} | more
    return await scene.api.gql(TREND, variables, as_user=scene.sandbox.user(user))


def person(scene: Scene, local: str) -> dict[str, str]:
    return {"employeeId": encode("Employee", scene.people[local].id)}


async def test_department_and_division_trend(scene: Scene) -> None:
    answer = await trend(scene, "vpa", {"departmentId": scene.sandbox.ids["sales"]})
    assert "errors" not in answer, answer
    found = answer["data"]["trend"]
    # October: no plan; November 82 (8 scored); December 644 / 8 = 80.5
    assert [
        (p["period"]["label"], p["scored"], p["averageScore"], p["completionRate"], p["grade"])
        for p in found["points"]
    ] == [
        ("2026-10", 0, None, None, None),
        ("2026-11", 8, "82", "0.82", "good"),
        ("2026-12", 8, "80.5", "0.805", "good"),
    ]
    # over 82 and 80.5: mean 81.25, s = 1.5 / sqrt(2) = 1.0607; limits 81.25 -/+ 2.1213
    assert (found["subjectName"], found["mean"], found["sd"]) == ("销售一部", "81.25", "1.06")
    assert (found["lowerLimit"], found["upperLimit"]) == ("79.13", "83.37")
    assert not any(p["outOfControl"] for p in found["points"])
    # a division is its subtree: 营销中心 holds only sales
    division = await trend(scene, "gm", {"departmentId": scene.sandbox.ids["divA"]})
    assert [p["averageScore"] for p in division["data"]["trend"]["points"]] == [None, "82", "80.5"]
    # the whole tree from the top: (644 + 386) / 13 = 79.23 in December, (656 + 350) / 13
    # = 77.38 in November
    top = await trend(scene, "gm", {"departmentId": scene.sandbox.ids["root"]})
    assert [p["averageScore"] for p in top["data"]["trend"]["points"]] == [None, "77.38", "79.23"]


async def test_an_employee_sees_his_own_released_trend(scene: Scene) -> None:
    mine = person(scene, "staff")
    before = await trend(scene, "staff", mine)
    assert "errors" not in before, before
    assert [p["scored"] for p in before["data"]["trend"]["points"]] == [0, 0, 0]
    await publish_december(scene)
    after = (await trend(scene, "staff", mine))["data"]["trend"]
    # December released (94, calibrated grade good but the total stands); November not
    assert [p["averageScore"] for p in after["points"]] == [None, None, "94"]
    assert after["subjectName"] == "STAFF 测试"
    assert (after["mean"], after["sd"]) == (None, None)  # one point: no limits
    # his manager sees both months at once (score:read over sales)
    boss = (await trend(scene, "mgr", mine))["data"]["trend"]
    assert [p["averageScore"] for p in boss["points"]] == [None, "82", "94"]
    # nobody else's, and no department
    assert error(await trend(scene, "staff", person(scene, "s1"))) == ("FORBIDDEN", "FORBIDDEN")
    sales = {"departmentId": scene.sandbox.ids["sales"]}
    assert error(await trend(scene, "staff", sales)) == ("FORBIDDEN", "FORBIDDEN")
    assert error(await trend(scene, "worker", mine)) == ("FORBIDDEN", "FORBIDDEN")
    # the plant's VP does not reach a sales person
    assert error(await trend(scene, "vpb", mine)) == ("FORBIDDEN", "FORBIDDEN")


async def test_scope_errors(scene: Scene, make_company: Any) -> None:
    other = await make_company()
    foreign = {"departmentId": other.ids["sales"]}
    assert error(await trend(scene, "gm", foreign)) == ("NOT_FOUND", "NOT_FOUND")
    scoped = {"level": "DEPARTMENT", "departmentId": other.ids["sales"]}
    answer = await scene.api.gql(
        DISTRIBUTION, {"p": DECEMBER, "s": scoped}, as_user=scene.sandbox.user("gm")
    )
    assert error(answer) == ("NOT_FOUND", "NOT_FOUND")
    both = {"departmentId": scene.sandbox.ids["sales"]} | person(scene, "staff")
    assert error(await trend(scene, "gm", both)) == ("BAD_USER_INPUT", "REQUIRED")
    too_long = await trend(
        scene, "gm", {"departmentId": scene.sandbox.ids["sales"]}, f="2020-01-01"
    )
    assert error(too_long) == ("BAD_USER_INPUT", "TOO_MANY_ITEMS")
    backwards = await trend(
        scene, "gm", {"departmentId": scene.sandbox.ids["sales"]}, f="2027-01-01"
    )
    assert error(backwards) == ("BAD_USER_INPUT", "DATES_ORDER")
    not_a_start = await scene.api.gql(
        DISTRIBUTION,
        {"p": {"kind": "QUARTER", "start": "2026-11-01"}},
        as_user=scene.sandbox.user("gm"),
    )
    assert error(not_a_start) == ("BAD_USER_INPUT", "PERIOD_BOUNDS")
    no_department = await scene.api.gql(
        DISTRIBUTION, {"p": DECEMBER, "s": {"level": "DIVISION"}}, as_user=scene.sandbox.user("gm")
    )
    assert error(no_department) == ("BAD_USER_INPUT", "REQUIRED")
    # the VP of 营销中心 asking COMPANY gets his division only; the department manager his
    # department; the employee no distribution at all
    for user, count in (("vpa", 8), ("mgr", 8), ("vpb", 5), ("perf", 13)):
        answer = await scene.api.gql(
            DISTRIBUTION, {"p": DECEMBER}, as_user=scene.sandbox.user(user)
        )
        assert answer["data"]["gradeDistribution"]["headcount"] == count, (user, answer)
    staff = await scene.api.gql(DISTRIBUTION, {"p": DECEMBER}, as_user=scene.sandbox.user("staff"))
    assert error(staff) == ("FORBIDDEN", "FORBIDDEN")
