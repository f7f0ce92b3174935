"""``scoreDrivers`` through the API: the planted data (correlation_support.py) makes new
customers (weight 40) drive the final score far beyond its weight, and revenue (weight 60)
far below; the figures are numpy's least squares on the z-scored columns."""

from __future__ import annotations

from typing import Any

import pytest

from tests.schema.analytics.correlation_support import (
    DRIVER_SHARES,
    DRIVERS,
    DRIVERS_QUERY,
    PERIOD,
    SETTINGS,
    planted_scene,
)
from tests.schema.calibration.support import error
from tests.server.score_pipeline_support import Scene


@pytest.fixture
async def scene(db: Any, api: Any, make_company: Any) -> Scene:
    return await planted_scene(api, make_company)


async def drivers(scene: Scene, who: str = "perf", scope: dict | None = None) -> dict[str, Any]:
    return await scene.api.gql(
        DRIVERS_QUERY, {"p": PERIOD, "s": scope}, as_user=scene.sandbox.user(who)
    )


def found(answer: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in answer, answer
    return dict(answer["data"]["scoreDrivers"])


async def test_recovers_the_planted_driver_against_its_weight(scene: Scene) -> None:
    result = found(await drivers(scene))
    assert (result["status"], result["n"]) == ("OK", 13)
    betas, r_squared = DRIVERS
    assert result["rSquared"] == pytest.approx(r_squared, abs=1e-6)
    by_name = {d["indicator"]: d for d in result["drivers"]}
    assert [d["indicator"] for d in result["drivers"]] == sorted(by_name)
    revenue, customers = by_name[scene.revenue], by_name[scene.customers]
    assert (revenue["weight"], revenue["weightShare"]) == ("60", 0.6)
    assert (customers["weight"], customers["weightShare"]) == ("40", 0.4)
    assert revenue["coefficient"] == pytest.approx(betas[0], abs=1e-6)
    assert customers["coefficient"] == pytest.approx(betas[1], abs=1e-6)
    assert revenue["varianceShare"] == pytest.approx(DRIVER_SHARES[0], abs=1e-6)
    assert customers["varianceShare"] == pytest.approx(DRIVER_SHARES[1], abs=1e-6)
    assert customers["gap"] == pytest.approx(DRIVER_SHARES[1] - 0.4, abs=1e-6)
    assert revenue["gap"] == pytest.approx(DRIVER_SHARES[0] - 0.6, abs=1e-6)
    assert customers["gap"] > 0.4 and revenue["gap"] < -0.4  # weights out of line


async def test_too_few_points_then_singular(scene: Scene) -> None:
    plant = {"level": "DEPARTMENT", "departmentId": scene.sandbox.ids["plant"]}
    result = found(await drivers(scene, scope=plant))  # 5 people < minPoints 8
    assert (result["status"], result["rSquared"], result["drivers"]) == (
        "TOO_FEW_POINTS",
        None,
        [],
    )
    changed = await scene.api.gql(
        SETTINGS, {"i": {"minPoints": 4}}, as_user=scene.sandbox.user("perf")
    )
    assert "errors" not in changed, changed
    result = found(await drivers(scene, scope=plant))  # every plant person has 4 customers
    assert (result["status"], result["n"], result["rSquared"]) == ("SINGULAR", 5, None)
    assert {d["indicator"] for d in result["drivers"]} == {scene.revenue, scene.customers}
    assert all(d["coefficient"] is None and d["gap"] is None for d in result["drivers"])


async def test_scope_of_the_callers(scene: Scene, make_company: Any) -> None:
    assert found(await drivers(scene, who="vpa"))["n"] == 8  # his division: sales
    for who in ("staff", "mgr"):
        assert error(await drivers(scene, who=who))[0] == "FORBIDDEN", who
    other = await make_company()
    elsewhere = {"level": "DEPARTMENT", "departmentId": other.ids["sales"]}
    assert error(await drivers(scene, scope=elsewhere))[0] == "NOT_FOUND"
