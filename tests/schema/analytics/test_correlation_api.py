"""``indicatorCorrelation`` and ``analyticsVariables`` through the API, on planted data whose
expected figures scipy computed (tests/schema/analytics/correlation_support.py)."""

from __future__ import annotations

from typing import Any

import pytest

from server.analytics import memo
from tests.schema.analytics.correlation_support import (
    PEARSON,
    PEARSON_BH,
    PERIOD,
    SALES_PEARSON,
    SETTINGS,
    SPEARMAN,
    VARIABLES,
    correlate,
    pairs_of,
    planted_scene,
)
from tests.schema.calibration.support import error
from tests.server.score_pipeline_support import Scene


@pytest.fixture
async def scene(db: Any, api: Any, make_company: Any) -> Scene:
    return await planted_scene(api, make_company)


def matches(pair: dict[str, Any], expected: tuple[float, float, float, float]) -> None:
    r, p, low, high = expected
    assert pair["status"] == "OK"
    assert pair["coefficient"] == pytest.approx(r, abs=1e-6)
    assert pair["pValue"] == pytest.approx(p, rel=1e-5)
    assert pair["low"] == pytest.approx(low, abs=1e-6)
    assert pair["high"] == pytest.approx(high, abs=1e-6)


async def test_pearson_matrix_matches_scipy(scene: Scene) -> None:
    answer = await correlate(scene)
    found = answer["data"]["indicatorCorrelation"] if "data" in answer else answer
    assert (found["method"], found["adjustment"], found["minPoints"]) == ("PEARSON", "NONE", 8)
    assert [(v["kind"], v["name"], v["observations"]) for v in found["variables"]] == [
        ("FINAL_SCORE", "FINAL_SCORE", 13),
        ("INDICATOR", scene.revenue, 13),
        ("INDICATOR", scene.customers, 13),
        ("METRIC", "attendance.rate", 13),
    ]
    assert found["variables"][0]["label"] == "Final score"
    assert found["variables"][3]["label"] == "Attendance rate"
    pairs = pairs_of(answer)
    assert list(pairs) == list(PEARSON)
    for key, expected in PEARSON.items():
        assert pairs[key]["n"] == 13
        matches(pairs[key], expected)
        assert pairs[key]["adjustedPValue"] == pairs[key]["pValue"]
    # 6 decimal places, as the contract rounds them
    assert pairs[(0, 2)]["coefficient"] == round(PEARSON[(0, 2)][0], 6)


async def test_benjamini_hochberg_across_the_matrix(scene: Scene) -> None:
    pairs = pairs_of(await correlate(scene, adjustment="BENJAMINI_HOCHBERG"))
    for key, expected in PEARSON_BH.items():
        assert pairs[key]["adjustedPValue"] == pytest.approx(expected, rel=1e-5)
        assert pairs[key]["pValue"] == pytest.approx(PEARSON[key][1], rel=1e-5)


async def test_spearman_with_ties_matches_scipy(scene: Scene) -> None:
    answer = await correlate(scene, method="SPEARMAN")
    assert answer["data"]["indicatorCorrelation"]["method"] == "SPEARMAN"
    pairs = pairs_of(answer)
    for key, expected in SPEARMAN.items():
        matches(pairs[key], expected)


async def test_too_few_points_then_a_constant_series(scene: Scene) -> None:
    plant = {"level": "DEPARTMENT", "departmentId": scene.sandbox.ids["plant"]}
    pairs = pairs_of(await correlate(scene, scope=plant))
    assert {(p["n"], p["status"]) for p in pairs.values()} == {(5, "TOO_FEW_POINTS")}
    assert all(p["coefficient"] is None and p["pValue"] is None for p in pairs.values())
    changed = await scene.api.gql(
        SETTINGS, {"i": {"minPoints": 4}}, as_user=scene.sandbox.user("perf")
    )
    assert "errors" not in changed, changed
    answer = await correlate(scene, scope=plant)
    assert answer["data"]["indicatorCorrelation"]["minPoints"] == 4
    pairs = pairs_of(answer)
    for key, pair in pairs.items():  # every plant person has 4 new customers
        expected = "CONSTANT_SERIES" if 2 in key else "OK"
        assert pair["status"] == expected, key
        assert (pair["coefficient"] is None) == (expected != "OK")


async def test_variables_of_the_scope(scene: Scene) -> None:
    answer = await scene.api.gql(
        VARIABLES, {"p": [PERIOD], "s": None}, as_user=scene.sandbox.user("gm")
    )
    assert "errors" not in answer, answer
    found = [
        (v["kind"], v["name"], v["observations"]) for v in answer["data"]["analyticsVariables"]
    ]
    assert found == [
        ("FINAL_SCORE", "FINAL_SCORE", 13),
        *sorted([("INDICATOR", scene.revenue, 13), ("INDICATOR", scene.customers, 13)]),
        ("METRIC", "attendance.rate", 13),
    ]
    answer = await scene.api.gql(
        VARIABLES,
        {"p": [{"kind": "MONTH", "start": "2026-10-01"}], "s": None},
        as_user=scene.sandbox.user("gm"),
    )
    assert answer["data"]["analyticsVariables"] == [
        {"kind": "FINAL_SCORE", "name": "FINAL_SCORE", "label": "Final score", "observations": 0}
    ]


async def test_bad_variables_and_periods(scene: Scene) -> None:
    final = {"kind": "FINAL_SCORE"}
    cases = [
        ([final, {"kind": "INDICATOR", "name": "nope"}], "INVALID_FORMAT"),
        ([final, {"kind": "METRIC", "name": "no.such"}], "UNKNOWN_METRIC"),
        ([final, {"kind": "INDICATOR"}], "REQUIRED"),
        ([final, {"kind": "FINAL_SCORE", "name": "x"}], "INVALID_FORMAT"),
        ([final, final], "DUPLICATE_NAME"),
        ([final], "TOO_FEW_ITEMS"),
        ([final] + [{"kind": "METRIC", "name": f"m{i}"} for i in range(20)], "TOO_MANY_ITEMS"),
    ]
    for chosen, reason in cases:
        answer = await correlate(scene, chosen=chosen)
        assert error(answer) == ("BAD_USER_INPUT", reason), chosen
    months = [
        {"kind": "MONTH", "start": f"{2024 + i // 12}-{i % 12 + 1:02d}-01"} for i in range(25)
    ]
    assert error(await correlate(scene, periods=months)) == ("BAD_USER_INPUT", "TOO_MANY_ITEMS")
    assert error(await correlate(scene, periods=[{"kind": "MONTH", "start": "2026-12-02"}]))[0] == (
        "BAD_USER_INPUT"
    )


async def test_scope_of_the_callers(scene: Scene, make_company: Any) -> None:
    pairs = pairs_of(await correlate(scene, who="vpa"))  # his division: the sales people
    assert {p["n"] for p in pairs.values()} == {8}
    assert pairs[(0, 1)]["coefficient"] == pytest.approx(SALES_PEARSON[0], abs=1e-6)
    assert pairs[(0, 1)]["pValue"] == pytest.approx(SALES_PEARSON[1], rel=1e-5)
    plant = {"level": "DEPARTMENT", "departmentId": scene.sandbox.ids["plant"]}
    assert error(await correlate(scene, who="vpa", scope=plant))[0] == "FORBIDDEN"
    for who in ("staff", "mgr"):
        assert error(await correlate(scene, who=who))[0] == "FORBIDDEN", who
        answer = await scene.api.gql(
            VARIABLES, {"p": [PERIOD], "s": None}, as_user=scene.sandbox.user(who)
        )
        assert error(answer)[0] == "FORBIDDEN", who
    other = await make_company()
    elsewhere = {"level": "DEPARTMENT", "departmentId": other.ids["sales"]}
    assert error(await correlate(scene, scope=elsewhere))[0] == "NOT_FOUND"


async def test_statements_do_not_grow_with_departments_or_people(
    scene: Scene, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    def statements() -> int:
        return sum(
            1
            for r in caplog.records
            if r.name == "tortoise.db_client"
            and r.msg == "%s: %s"
            and '"outbox_event"' not in str(r.args[0] if r.args else "")
        )

    plant = {"level": "DEPARTMENT", "departmentId": scene.sandbox.ids["plant"]}
    await correlate(scene)  # warm the caller's token and org chart
    caplog.set_level(logging.DEBUG, logger="tortoise.db_client")
    counts, repeated = [], []
    for scope in (None, plant, None):
        memo.forget()  # what a first request reads
        caplog.clear()
        pairs_of(await correlate(scene, scope=scope))
        counts.append(statements())
        caplog.clear()  # the same request again: the answer kept for the same stamp
        pairs_of(await correlate(scene, scope=scope))
        repeated.append(statements())
    assert len(set(counts)) == 1 and 3 <= counts[0] <= 9, counts
    assert len(set(repeated)) == 1 and repeated[0] < counts[0], repeated
