"""The session's XLSX: computed against calibrated results per person, with reasons, through
a signed download link checked again at download time."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from server.models import AuditEntry
from tests.schema.calibration.support import EXPORT, change, finalized_scene, lock, open_session
from tests.server.score_pipeline_support import Scene


@pytest.fixture
async def scene(db, api, make_company) -> Scene:
    return await finalized_scene(api, make_company)


async def test_export_lists_every_person_with_the_reasons(scene: Scene) -> None:
    sid = (await open_session(scene, scope="DIVISION", department="divA"))["data"][
        "openCalibrationSession"
    ]["id"]
    assert "errors" not in await change(scene, sid, "staff", "good", '=HYPERLINK("x")')
    assert "errors" not in await change(scene, sid, "s6", "pass", "新人保护期", total="70")
    rows = await exported(scene, sid)
    assert rows[0][:9] == [
        "工号",
        "姓名",
        "部门",
        "计算得分",
        "计算等级",
        "校准得分",
        "校准等级",
        "是否调整",
        "原因",
    ]
    by_name = {r[1]: r for r in rows[1:]}
    assert len(by_name) == 8  # division A: the sales department only
    staff = by_name["STAFF 测试"]
    assert staff[3:9] == [94, "优秀", 94, "良好", "是", '=HYPERLINK("x")']
    assert staff[9] == "HRVP 测试"
    s6 = by_name["S6 测试"]
    assert s6[3:9] == [58, "不合格", 70, "合格", "是", "新人保护期"]
    s2 = by_name["S2 测试"]
    assert s2[3:9] == [82, "良好", 82, "良好", "否", None]
    # Locked, the scores hold the calibrated results; the export still shows both.
    assert "errors" not in await lock(scene, sid)
    again = {r[1]: r for r in (await exported(scene, sid))[1:]}
    assert again["S6 测试"][3:9] == s6[3:9]
    assert again["STAFF 测试"][3:9] == staff[3:9]
    exports = AuditEntry.filter(company_id=scene.company_id, action="calibration.export")
    assert await exports.count() == 2


async def exported(scene: Scene, sid: str) -> list[list[object]]:
    link = await scene.api.gql(EXPORT, {"s": sid}, as_user=scene.sandbox.user("hrvp"), lang="zh")
    url = link["data"]["calibrationExportLink"]["url"]
    response = await scene.api.client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    found = [list(r) for r in sheet.iter_rows(values_only=True)]
    staff = next(n for n, r in enumerate(found, start=1) if r[1] == "STAFF 测试")
    assert sheet.cell(row=staff, column=9).data_type == "s"  # text, never a formula
    return found
