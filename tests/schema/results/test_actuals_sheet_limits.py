"""What the actuals upload refuses, bounded before anything is parsed: not an XLSX, not a
Jixiao sheet, another plan's sheet, over 5 MB (or unpacking to far more), over 5,000 rows;
a caller who may record nothing; and one client key sent twice at once writes once."""

from __future__ import annotations

import asyncio
import base64
import io
import uuid
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook

from schema.ids import decode
from server.errors import BadInput
from server.models import ActualRevision
from server.reports import sheet_io
from server.reports.sheet_io import SheetLine, decode_upload, read_sheet, write_sheet
from tests.schema.results.test_actuals_sheet import download, encoded, sheet_plan, upload


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _reason(payload: dict) -> str:
    assert payload.get("errors"), payload
    return payload["errors"][0]["extensions"]["reason"]


async def test_what_is_no_sheet_is_refused(api, make_company, db) -> None:
    sandbox = await make_company()
    plan = await sheet_plan(api, sandbox)
    plain = Workbook()
    out = io.BytesIO()
    plain.save(out)
    for content in (
        _b64(b"hello, not a spreadsheet"),
        "not base64 at all!",
        _b64(b"PK\x03\x04 but no zip"),
        _b64(out.getvalue()),  # an XLSX, but not one of ours
    ):
        refused = await upload(api, sandbox, plan, content, None, "zh")
        assert _reason(refused) == "SHEET_INVALID", content[:20]
        assert refused["errors"][0]["message"].startswith("contentBase64 不是从本系统下载")

    other = write_sheet(uuid.uuid4(), [], "en")
    mismatch = await upload(api, sandbox, plan, _b64(other), None, "en")
    assert _reason(mismatch) == "SHEET_PLAN_MISMATCH"

    many = [
        SheetLine(f"N{i}", "x", "k", "y", "", Decimal(1), None)
        for i in range(sheet_io.MAX_ROWS + 1)
    ]
    too_many = write_sheet(decode(plan["id"], "Plan"), many, "en")
    assert _reason(await upload(api, sandbox, plan, _b64(too_many), None, "en")) == (
        "SHEET_TOO_MANY_ROWS"
    )

    worker = await upload(api, sandbox, plan, _b64(other), None, "en", user="worker")
    assert worker["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_sizes_are_checked_before_parsing() -> None:
    with pytest.raises(BadInput) as big:
        decode_upload("A" * (sheet_io.MAX_BYTES * 4 // 3 + 100))
    assert big.value.key == "sheet_too_large"
    # a small zip that would unpack to more than the bound is refused unopened
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (sheet_io.MAX_UNPACKED_BYTES + 1))
    assert len(bomb.getvalue()) < sheet_io.MAX_BYTES
    with pytest.raises(BadInput) as unpacked:
        read_sheet(bomb.getvalue())
    assert unpacked.value.key == "sheet_too_large"


async def test_one_key_sent_twice_at_once_writes_once(api, make_company, db) -> None:
    sandbox = await make_company()
    plan = await sheet_plan(api, sandbox)
    book = await download(api, sandbox, plan)
    sheet = book.worksheets[0]
    sheet["H2"], sheet["H4"] = 5, 3
    content = encoded(book)
    answers = await asyncio.gather(
        *(upload(api, sandbox, plan, content, "same-key", "en") for _ in range(3))
    )
    payloads = [a["data"]["uploadActualsSheet"] for a in answers]
    assert all(p["accepted"] == payloads[0]["accepted"] for p in payloads)
    assert [p["replayed"] for p in payloads].count(False) == 1
    revisions = await ActualRevision.filter(actual__plan_id=decode(plan["id"], "Plan")).count()
    assert revisions == 2
