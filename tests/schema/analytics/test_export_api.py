"""Analytics workbooks through signed links: they open with openpyxl, hold their charts and
their data, mask personal data per role, and the links expire and refuse other callers.

The rated scene of test_raters_api.py, with the lenient five (mgr s1 s2 s3 s4, division A)
rated by the HR VP instead: a rater outside VPA's division. VPA may read the personal data
of his division only, so his workbook masks the HR VP's name and number; the HR VP's does not.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart, LineChart
from openpyxl.workbook.workbook import Workbook

from server.models import AuditEntry, RoleAssignment
from server.reports import links
from server.reports.vocabulary import DownloadKind
from tests.schema.analytics.test_raters_api import RATINGS, rate, rated_scene
from tests.schema.calibration.support import error
from tests.server.score_pipeline_support import Scene

LINK = """query($k: AnalyticsExportKind!, $p: AnalyticsPeriodInput!, $s: AnalyticsScopeInput,
  $subject: TrendSubjectInput, $v: [AnalyticsVariableInput!]) {
  analyticsExportLink(kind: $k, period: $p, scope: $s, subject: $subject, variables: $v) {
    url expiresAt } }"""
PERIOD = {"kind": "MONTH", "start": "2026-12-01"}


@pytest.fixture
async def scene(db, api, make_company) -> Scene:
    scene = await rated_scene(api, make_company)
    for person, overall in RATINGS["vpa"].items():
        await rate(scene, "hrvp", person, overall)
    return scene


async def link(scene: Scene, who: str, kind: str, lang: str = "en", **more: Any) -> dict:
    variables = {"k": kind, "p": PERIOD, **more}
    return await scene.api.gql(LINK, variables, as_user=scene.sandbox.user(who), lang=lang)


async def download(scene: Scene, who: str, kind: str, lang: str = "en", **more: Any) -> Workbook:
    answer = await link(scene, who, kind, lang, **more)
    assert "errors" not in answer, answer
    response = await scene.api.client.get(answer["data"]["analyticsExportLink"]["url"])
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    return load_workbook(io.BytesIO(response.content))


def table(book: Workbook, index: int = 0) -> list[list[Any]]:
    return [list(r) for r in book.worksheets[index].iter_rows(values_only=True)]


async def test_rater_effects_mask_what_a_vp_may_not_read(scene: Scene) -> None:
    hr = await download(scene, "hrvp", "RATER_EFFECTS")
    assert [type(c) for c in hr.worksheets[0]._charts] == [BarChart]
    rows = {r[1]: r for r in table(hr)[1:]}
    assert rows["HRVP 测试"][:10] == ["T0003", "HRVP 测试", 5, 5, 4.4, 0.89, 1.4, None,
                                      pytest.approx(0.00188414, rel=1e-5), "LENIENT"]  # fmt: skip
    assert "VPB 测试" in rows
    normalized = table(hr, 1)
    assert normalized[0] == ["Employee no.", "Name", "Rater", "Score", "z"]
    assert {r[2] for r in normalized[1:]} == {"HRVP 测试", "VPB 测试"}
    # VPA reaches his division: the HR VP rated five of his people, and is masked for him.
    vp = await download(scene, "vpa", "RATER_EFFECTS", lang="zh")
    assert vp.worksheets[0].title == "评分者"
    mine = table(vp)
    assert mine[0][:2] == ["工号", "姓名"]
    assert [r[:2] for r in mine[1:]] == [["T****", "H******"]]
    assert mine[1][2:5] == [5, 5, 4.4]
    people = {r[1]: r for r in table(vp, 1)[1:]}
    assert set(people) == {"MGR 测试", "S1 测试", "S2 测试", "S3 测试", "S4 测试"}
    assert {r[2] for r in people.values()} == {"H******"}
    assert people["S1 测试"][0] == "T0100"  # his own people: unmasked
    exports = AuditEntry.filter(company_id=scene.company_id, action="analytics.export")
    assert await exports.count() == 2


async def test_distribution_ranking_and_trend_carry_their_charts(scene: Scene) -> None:
    book = await download(scene, "gm", "GRADE_DISTRIBUTION")
    sheet = book.worksheets[0]
    rows = table(book)
    assert rows[0][:6] == ["Grade", "Name", "Computed", "Computed share", "Calibrated",
                           "Calibrated share"]  # fmt: skip
    assert {r[0]: r[4] for r in rows[1:]} == {"excellent": 4, "good": 4, "pass": 3, "fail": 2}
    chart = sheet._charts[0]
    assert isinstance(chart, BarChart) and len(chart.series) == 2
    assert any(isinstance(c, LineChart) for c in chart._charts)  # the guideline over the bars
    ranking = await download(scene, "gm", "DEPARTMENT_RANKING")
    bars = ranking.worksheets[0]._charts[0]
    assert bars.series[0].errBars is not None and bars.series[0].errBars.errValType == "cust"
    assert [r[:2] for r in table(ranking)[1:]] == [[1, "销售一部"], [2, "装配车间"]]
    trend = await download(
        scene, "gm", "TREND", subject={"departmentId": scene.sandbox.ids["sales"]}
    )
    assert isinstance(trend.worksheets[0]._charts[0], LineChart)
    points = table(trend)[1:]
    assert len(points) == 12 and points[-1][:3] == ["2026-12", 8, 80.5]


async def test_correlation_is_a_colour_scaled_matrix(scene: Scene) -> None:
    variables = [{"kind": "FINAL_SCORE"}, {"kind": "INDICATOR", "name": scene.revenue}]
    book = await download(scene, "hrvp", "INDICATOR_CORRELATION", v=variables)
    sheet = book.worksheets[0]
    rules = [r for cf in sheet.conditional_formatting for r in cf.rules]
    assert [r.type for r in rules] == ["colorScale"]
    assert table(book)[1][1] == 1.0
    assert book.worksheets[1].title == "Pairs"
    drivers = await download(scene, "hrvp", "SCORE_DRIVERS")
    assert drivers.worksheets[0]["A1"].value == "Indicator"


async def test_links_are_checked_now_and_at_download(scene: Scene) -> None:
    # a manager may export distributions of his team, not rater effects
    assert error(await link(scene, "mgr", "RATER_EFFECTS"))[0] == "FORBIDDEN"
    assert error(await link(scene, "staff", "GRADE_DISTRIBUTION"))[0] == "FORBIDDEN"
    foreign = await link(
        scene,
        "vpa",
        "GRADE_DISTRIBUTION",
        s={"level": "DIVISION", "departmentId": scene.sandbox.ids["divB"]},
    )
    assert error(foreign)[0] == "FORBIDDEN"
    assert error(await link(scene, "gm", "TREND"))[0] == "BAD_USER_INPUT"
    unknown = [{"kind": "FINAL_SCORE"}, {"kind": "METRIC", "name": "no.such.metric"}]
    answer = await link(scene, "hrvp", "INDICATOR_CORRELATION", v=unknown)
    assert error(answer)[0] == "BAD_USER_INPUT"
    # a role revoked after signing closes the link
    answer = await link(scene, "vpa", "RATER_EFFECTS")
    vpa = scene.people["vpa"]
    await RoleAssignment.filter(employee_id=vpa.id, role="vp").delete()
    revoked = await scene.api.client.get(answer["data"]["analyticsExportLink"]["url"])
    assert revoked.status_code == 403
    # five minutes, then 410
    caller = await scene.api.runtime.auth.caller_from_token(
        await scene.api.token(scene.sandbox.user("hrvp"))
    )
    params = {"kind": "grade_distribution", "pk": "month", "ps": "2026-12-01", "lvl": "company"}
    secret = scene.api.runtime.settings.secret_key
    past = datetime.now(UTC) - timedelta(minutes=6)
    old = links.sign(secret, caller, DownloadKind.ANALYTICS_XLSX, params, "en", now=past)
    assert (await scene.api.client.get(old.path)).status_code == 410
    fresh = links.sign(secret, caller, DownloadKind.ANALYTICS_XLSX, params, "en")
    assert (await scene.api.client.get(fresh.path)).status_code == 200
