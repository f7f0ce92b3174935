"""gradeDistribution against hand-counted grades (tests/schema/analytics/core_support.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.schema.analytics.core_support import DECEMBER, DISTRIBUTION, two_months
from tests.server.score_pipeline_support import Scene


@pytest.fixture
async def scene(db, api, make_company) -> Scene:
    return await two_months(api, make_company)


async def ask(scene: Scene, user: str, scope: dict[str, Any] | None = None) -> dict[str, Any]:
    answer = await scene.api.gql(
        DISTRIBUTION, {"p": DECEMBER, "s": scope}, as_user=scene.sandbox.user(user)
    )
    assert "errors" not in answer, answer
    return answer["data"]["gradeDistribution"]


def counts(found: dict[str, Any]) -> dict[str, tuple[int, str, int, str]]:
    return {
        g["grade"]: (
            g["computedCount"],
            g["computedShare"],
            g["calibratedCount"],
            g["calibratedShare"],
        )
        for g in found["grades"]
    }


async def test_company_computed_against_calibrated(scene: Scene) -> None:
    found = await ask(scene, "gm")
    assert found["period"] == {
        "kind": "MONTH",
        "start": "2026-12-01",
        "end": "2026-12-31",
        "label": "2026-12",
    }
    assert (found["scopeName"], found["headcount"], found["scored"]) == (
        f"Test {scene.sandbox.slug}",
        13,
        13,
    )
    # computed: E mgr staff s1 p4 = 4, G s2 s3 worker p1 = 4, P s4 s5 p2 = 3, F s6 p3 = 2;
    # calibrated: staff E -> G. Shares of 13: 4/13 = 0.3077, 3/13 = 0.2308, 5/13 = 0.3846,
    # 2/13 = 0.1538.
    assert counts(found) == {
        "excellent": (4, "0.3077", 3, "0.2308"),
        "good": (4, "0.3077", 5, "0.3846"),
        "pass": (3, "0.2308", 3, "0.2308"),
        "fail": (2, "0.1538", 2, "0.1538"),
    }
    # the default guideline: excellent at most 20 %, fail at least 5 %, as fractions
    rules = {g["grade"]: (g["minShare"], g["maxShare"], g["targetShare"]) for g in found["grades"]}
    assert rules["excellent"] == (None, "0.2", None)
    assert rules["fail"] == ("0.05", None, None)
    assert rules["good"] == (None, None, None)
    assert [g["label"] for g in found["grades"]] == ["Excellent", "Good", "Pass", "Fail"]


async def test_division_and_department(scene: Scene) -> None:
    division = await ask(
        scene, "gm", {"level": "DIVISION", "departmentId": scene.sandbox.ids["divB"]}
    )
    # plant: worker G, p1 G, p2 P, p3 F, p4 E (no calibration there)
    assert (division["scopeName"], division["headcount"]) == ("生产中心", 5)
    assert counts(division)["good"] == (2, "0.4", 2, "0.4")
    sales = await ask(
        scene, "hrvp", {"level": "DEPARTMENT", "departmentId": scene.sandbox.ids["sales"]}
    )
    # sales: E mgr staff s1 -> staff to G: E 3 -> 2 of 8 (0.375 -> 0.25), G 2 -> 3
    assert counts(sales)["excellent"] == (3, "0.375", 2, "0.25")
    assert counts(sales)["good"] == (2, "0.25", 3, "0.375")


async def test_last_period_is_november(scene: Scene) -> None:
    answer = await scene.api.gql(
        DISTRIBUTION,
        {"p": {"kind": "MONTH", "start": "2026-11-01"}},
        as_user=scene.sandbox.user("gm"),
    )
    found = answer["data"]["gradeDistribution"]
    # every sales person at 82 (good), every plant person at 70 (pass)
    assert counts(found)["good"] == (8, "0.6154", 8, "0.6154")
    assert counts(found)["pass"] == (5, "0.3846", 5, "0.3846")
    assert found["period"]["label"] == "2026-11"
