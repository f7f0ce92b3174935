"""The dashboard page in headless Chromium against the real server with the demo loaded.

The demo GM signs in; every chart must render with real numbers (the demo's twelve months of
history), and the numbers each chart exposes must be the ones Chart.js drew and the ones the
API answers when the test asks it directly.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from tests.browser.support import CHARTS, Api, Page

GM = "gm@demo"
EMPLOYEE = "sun.tingting@demo"

DASHBOARD = """query($p: AnalyticsPeriodInput!) { dashboard(period: $p) {
  view scopeName period { label }
  completion { department { name } completionRate }
  distribution { scored grades { grade label computedShare calibratedShare minShare maxShare targetShare } }
  ranking { rows { rank department { name } averageScore interval { low high } shrunkenAverage } } } }"""
TREND = """query($s: TrendSubjectInput!, $f: Date!, $t: Date!) { trend(subject: $s, from: $f, to: $t) {
  mean upperLimit lowerLimit points { period { label } averageScore outOfControl } } }"""
VARIABLES = """query($ps: [AnalyticsPeriodInput!]!) { analyticsVariables(periods: $ps) { kind name observations } }"""
CORRELATION = """query($ps: [AnalyticsPeriodInput!]!, $v: [AnalyticsVariableInput!]!) {
  indicatorCorrelation(periods: $ps, variables: $v) { pairs { x y n status coefficient pValue } } }"""
DRIVERS = """query($p: AnalyticsPeriodInput!) { scoreDrivers(period: $p) { status n
  drivers { indicator weightShare varianceShare coefficient } } }"""


def num(value: Any) -> float | None:
    return None if value is None else float(value)


def months_before(start: str, count: int) -> str:
    day = date.fromisoformat(start)
    index = day.year * 12 + day.month - 1 - count
    return date(index // 12, index % 12 + 1, 1).isoformat()


def drawn(chart: dict[str, Any], label: str) -> list[Any]:
    """What Chart.js holds for the dataset with this legend label."""
    found = [d["data"] for d in chart["datasets"] if d["label"] == label]
    assert len(found) == 1, (label, [d["label"] for d in chart["datasets"]])
    return list(found[0])


def heading(window: Page, panel: str) -> str:
    return str(
        window.js("return document.querySelector(`#panel-${arguments[0]} h2`).textContent", panel)
    )


def signed_in(open_page: Callable[..., Page], server: str, user: str, **kw: Any) -> Page:
    page = open_page(**kw)
    page.open(server)
    page.sign_in(user)
    page.wait(lambda: page.visible("board"), "the board")
    return page


def test_gm_sees_every_chart_with_the_api_numbers(
    page: Callable[..., Page], server: str, live_api: Api
) -> None:
    window = signed_in(page, server, GM)
    states = window.settled()
    assert {name: states[name] for name in CHARTS} == dict.fromkeys(CHARTS, "ready"), states
    period = str(window.js("return document.getElementById('period').value"))
    api = live_api.sign_in(GM)
    p = {"kind": "MONTH", "start": period}
    board = api.data(DASHBOARD, {"p": p})["dashboard"]
    assert board["view"] == "COMPANY"
    assert board["distribution"]["scored"] > 0, "the page must default to a period with results"

    completion = window.chart("completion")
    rates = [num(r["completionRate"]) for r in board["completion"]]
    assert completion["values"] == {
        "labels": [r["department"]["name"] for r in board["completion"]],
        "series": {"completionRate": rates},
    }
    assert completion["labels"] == completion["values"]["labels"]
    assert completion["datasets"][0]["data"] == rates
    assert any(r is not None for r in rates)

    distribution = window.chart("distribution")
    grades = board["distribution"]["grades"]
    series = distribution["values"]["series"]
    assert distribution["values"]["labels"] == [g["label"] for g in grades]
    for key in ("computedShare", "calibratedShare", "targetShare"):
        assert series[key] == [num(g[key]) for g in grades], key
    assert series["guideline"] == [
        None
        if g["minShare"] is None and g["maxShare"] is None
        else [num(g["minShare"]) or 0, 1 if g["maxShare"] is None else num(g["maxShare"])]
        for g in grades
    ]
    assert drawn(distribution, "Computed") == series["computedShare"]
    assert drawn(distribution, "Calibrated") == series["calibratedShare"]
    assert drawn(distribution, "Guideline (min–max)") == series["guideline"]
    assert drawn(distribution, "Guideline target") == series["targetShare"]
    assert sum(series["calibratedShare"]) > 0

    ranking = window.chart("ranking")
    rows = board["ranking"]["rows"]
    series = ranking["values"]["series"]
    assert ranking["values"]["labels"] == [f"{r['rank']}. {r['department']['name']}" for r in rows]
    assert series["averageScore"] == [num(r["averageScore"]) for r in rows]
    assert series["interval"] == [
        [num(r["interval"]["low"]), num(r["interval"]["high"])] if r["interval"] else None
        for r in rows
    ]
    assert series["shrunkenAverage"] == [num(r["shrunkenAverage"]) for r in rows]
    assert drawn(ranking, "Average score") == series["averageScore"]
    assert drawn(ranking, "95 % interval") == series["interval"]
    assert any(i is not None for i in series["interval"]), "no department with an interval"
    assert ranking["rows"] == len(rows)

    _check_trend(window, api, period)
    _check_correlation(window, api, period)
    _check_drivers(window, api, p)

    for name in CHARTS:
        width, height = window.chart(name)["size"]
        assert width > 100 and height > 100, name
    assert window.console_errors() == []
    loaded = window.js("return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded and all(url.startswith(f"{server}/") for url in loaded), loaded
    assert window.screenshot("dashboard-gm-desktop").stat().st_size > 10_000


def _check_trend(window: Page, api: Api, period: str) -> None:
    # The GM's trend is the company's: the top of the department tree.
    departments = api.data("{ departments { id parent { id } } }")["departments"]
    top = next(d["id"] for d in departments if d["parent"] is None)
    variables = {"s": {"departmentId": top}, "f": months_before(period, 11), "t": period}
    trend = api.data(TREND, variables)["trend"]
    chart = window.chart("trend")
    series = chart["values"]["series"]
    points = trend["points"]
    assert chart["values"]["labels"] == [p["period"]["label"] for p in points]
    assert series["averageScore"] == [num(p["averageScore"]) for p in points]
    assert series["outOfControl"] == [p["outOfControl"] for p in points]
    for key in ("mean", "upperLimit", "lowerLimit"):
        assert series[key] == [num(trend[key])] * len(points), key
    assert drawn(chart, "Average score") == series["averageScore"]
    assert drawn(chart, "Upper limit (+2σ)") == series["upperLimit"]
    assert sum(p["averageScore"] is not None for p in points) >= 2, "a trend needs history"


def _check_correlation(window: Page, api: Api, period: str) -> None:
    chart = window.chart("correlation")
    values = chart["values"]
    chosen = values["variables"]
    periods = [{"kind": "MONTH", "start": period}]  # the page's default window: the period
    offered = api.data(VARIABLES, {"ps": periods})["analyticsVariables"]
    assert {(v["kind"], v["name"]) for v in chosen} <= {
        (v["kind"], v["name"]) for v in offered if v["observations"] > 0
    }
    assert "FINAL_SCORE" in {v["kind"] for v in chosen}
    asked = [
        {"kind": v["kind"]}
        if v["kind"] == "FINAL_SCORE"
        else {"kind": v["kind"], "name": v["name"]}
        for v in chosen
    ]
    pairs = api.data(CORRELATION, {"ps": periods, "v": asked})["indicatorCorrelation"]["pairs"]
    assert values["pairs"] == pairs
    k = len(chosen)
    assert len(pairs) == k * (k - 1) // 2
    assert any(p["status"] == "OK" for p in pairs), "no correlation with enough points"
    cells = chart["datasets"][0]["data"]
    assert len(cells) == k * k
    for pair in pairs:
        cell = next(c for c in cells if c["x"] == pair["y"] and c["y"] == pair["x"])
        assert cell["r"] == pair["coefficient"] and cell["status"] == pair["status"]


def _check_drivers(window: Page, api: Api, period: dict[str, str]) -> None:
    drivers = api.data(DRIVERS, {"p": period})["scoreDrivers"]
    assert drivers["status"] == "OK", drivers
    chart = window.chart("drivers")
    rows = drivers["drivers"]
    series = chart["values"]["series"]
    assert chart["values"]["labels"] == [d["indicator"] for d in rows]
    for key in ("weightShare", "varianceShare", "coefficient"):
        assert series[key] == [d[key] for d in rows], key
    assert drawn(chart, "Weight share") == series["weightShare"]
    assert drawn(chart, "Explained variance share") == series["varianceShare"]


def test_phone_width_in_chinese(page: Callable[..., Page], server: str) -> None:
    window = page(width=390, lang="zh-CN")
    window.open(server)
    assert window.js("return document.documentElement.lang") == "zh-CN"
    window.sign_in(GM, "wrong password")
    window.wait(lambda: window.text("login-error"), "the sign-in error")
    message = window.text("login-error")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message  # the API answered in Chinese
    window.sign_in(GM)
    states = window.settled()
    assert all(states[name] == "ready" for name in CHARTS), states
    assert heading(window, "distribution") == "等级分布"
    assert window.js("return window.innerWidth") == 390
    overflow = window.js("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow} px wider than a 390 px phone"
    for name in CHARTS:
        width, _ = window.chart(name)["size"]
        right = window.js(
            "return document.querySelector(`figure[data-chart='${arguments[0]}'] canvas`)"
            ".getBoundingClientRect().right",
            name,
        )
        assert 200 < width <= 390 and right <= 390, (name, width, right)
    assert window.screenshot("dashboard-gm-phone-zh").stat().st_size > 10_000


def test_sign_in_session_language_and_sign_out(page: Callable[..., Page], server: str) -> None:
    window = signed_in(page, server, GM)
    window.settled()
    token = window.js("return sessionStorage.getItem('jx.access')")
    assert token and window.js("return localStorage.getItem('jx.access')") is None
    assert heading(window, "ranking") == "Department ranking"
    scope = window.text("scope")
    window.driver.find_element("id", "lang-toggle").click()
    window.wait(lambda: heading(window, "ranking") == "部门排名", "the Chinese page")
    # The data is asked for again in Chinese: the scope line comes back translated.
    window.wait(lambda: window.text("scope") not in ("", scope), "the scope in Chinese")
    window.settled()
    assert window.js("return document.documentElement.lang") == "zh-CN"
    assert window.text("scope").startswith("公司视图")
    # A reload keeps the session (sessionStorage) and the chosen language.
    window.driver.refresh()
    window.wait(lambda: window.visible("board"), "the board after a reload")
    window.settled()
    assert window.text("sign-out") == "退出"
    window.driver.find_element("id", "sign-out").click()
    window.wait(lambda: window.visible("sign-in"), "the sign-in form")
    assert window.js("return sessionStorage.getItem('jx.access')") is None
    assert window.console_errors() == []


def test_employee_sees_only_himself(page: Callable[..., Page], server: str, live_api: Api) -> None:
    window = signed_in(page, server, EMPLOYEE)
    states = window.settled()
    # Company-wide analytics answer FORBIDDEN to an employee: their panels hide quietly.
    assert states["correlation"] == "hidden" and states["drivers"] == "hidden", states
    assert states["ranking"] == "hidden" and states["completion"] == "hidden", states
    assert states["me"] == "ready" and states["trend"] in ("ready", "empty"), states
    period = str(window.js("return document.getElementById('period').value"))
    api = live_api.sign_in(EMPLOYEE)
    view = "query($p: AnalyticsPeriodInput!) { dashboard(period: $p) { view } }"
    board = api.data(view, {"p": {"kind": "MONTH", "start": period}})["dashboard"]
    assert board["view"] == "SELF"
    assert window.js("return document.getElementById('trend-subject').options[0].text") == str(
        api.data("{ me { name } }")["me"]["name"]
    )
    assert window.console_errors() == []
