"""departmentRanking against hand-computed figures (tests/schema/analytics/core_support.py).

December: sales 94 94 94 82 82 70 70 58, plant 82 82 70 58 94; November: sales all 82,
plant all 70. Completion equals the total in percent here (customers always at target).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.schema.analytics.core_support import DECEMBER, RANKING, error, two_months
from tests.server.score_pipeline_support import Scene


@pytest.fixture
async def scene(db, api, make_company) -> Scene:
    return await two_months(api, make_company)


async def ask(scene: Scene, user: str, basis: str = "AVERAGE", scope: Any = None) -> Any:
    return await scene.api.gql(
        RANKING, {"p": DECEMBER, "s": scope, "b": basis}, as_user=scene.sandbox.user(user)
    )


def rows(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    assert "errors" not in answer, answer
    return {r["department"]["name"]: r for r in answer["data"]["departmentRanking"]["rows"]}


async def test_average_with_interval_and_change(scene: Scene) -> None:
    answer = await ask(scene, "gm")
    ranking = answer["data"]["departmentRanking"]
    assert ranking["previousPeriod"] == {"start": "2026-11-01", "label": "2026-11"}
    assert ranking["rankBy"] == "AVERAGE"
    # 1030 / 13 = 79.2308
    assert ranking["companyAverage"] == "79.23"
    found = rows(answer)
    sales, plant = found["销售一部"], found["装配车间"]
    # sales: mean 644 / 8 = 80.5; squared deviations 3 x 13.5^2 + 2 x 1.5^2 + 2 x 10.5^2
    # + 22.5^2 = 1278, s^2 = 1278 / 7 = 182.571, s = 13.5119; t(0.975, 7) = 2.364624;
    # half width 2.364624 x 13.5119 / sqrt(8) = 11.2962 -> [69.20, 91.80]
    assert (sales["rank"], sales["headcount"], sales["scored"]) == (1, 8, 8)
    assert (sales["averageScore"], sales["completionRate"]) == ("80.5", "0.805")
    assert sales["interval"] == {"low": "69.2", "high": "91.8", "level": "0.95"}
    # plant: mean 386 / 5 = 77.2; squared deviations 4.8^2 x 2 + 7.2^2 + 19.2^2 + 16.8^2
    # = 748.8, s^2 = 187.2, s = 13.6821; t(0.975, 4) = 2.776445; half 16.9885 -> [60.21, 94.19]
    assert (plant["rank"], plant["averageScore"], plant["completionRate"]) == (2, "77.2", "0.772")
    assert plant["interval"] == {"low": "60.21", "high": "94.19", "level": "0.95"}
    # November: sales 82 (rank 1), plant 70 (rank 2)
    assert (sales["previousRank"], sales["previousAverage"], sales["averageChange"]) == (
        1,
        "82",
        "-1.5",
    )
    assert sales["completionChange"] == "-0.015"
    assert (plant["previousRank"], plant["previousAverage"], plant["averageChange"]) == (
        2,
        "70",
        "7.2",
    )
    assert plant["completionChange"] == "0.072"


async def test_shrunken_and_completion(scene: Scene) -> None:
    # sigma^2 pooled = (1278 + 748.8) / 11 = 184.25; between: MSB = 8 (80.5 - 79.2308)^2
    # + 5 (77.2 - 79.2308)^2 = 33.51 < sigma^2, so tau^2 = 0: both pulled all the way to
    # the mean 79.23, and they share rank 1 (name order: 装 before 销).
    answer = await ask(scene, "gm", "SHRUNKEN")
    assert [
        (r["department"]["name"], r["rank"], r["shrunkenAverage"])
        for r in answer["data"]["departmentRanking"]["rows"]
    ] == [("装配车间", 1, "79.23"), ("销售一部", 1, "79.23")]
    # November has no spread within a department: the means stand, sales first
    assert [r["previousRank"] for r in answer["data"]["departmentRanking"]["rows"]] == [2, 1]
    by_completion = rows(await ask(scene, "gm", "COMPLETION"))
    assert (by_completion["销售一部"]["rank"], by_completion["装配车间"]["rank"]) == (1, 2)


async def test_scope_of_the_ranking(scene: Scene) -> None:
    # a VP's COMPANY is his division; the department manager's his department
    assert list(rows(await ask(scene, "vpa"))) == ["销售一部"]
    assert list(rows(await ask(scene, "vpb"))) == ["装配车间"]
    assert list(rows(await ask(scene, "mgr"))) == ["销售一部"]
    other = {"level": "DIVISION", "departmentId": scene.sandbox.ids["divB"]}
    assert error(await ask(scene, "vpa", scope=other)) == ("FORBIDDEN", "FORBIDDEN")
    assert error(await ask(scene, "staff")) == ("FORBIDDEN", "FORBIDDEN")
    answer = rows(await ask(scene, "hrvp", scope=other))
    assert list(answer) == ["装配车间"]
