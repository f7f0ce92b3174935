"""A quarantined record says why as a stable code (QuarantineReason) beside the words."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from plugins.contract import Period, Record
from server.sync.checks import RecordCheck, Rejected
from server.vocabulary import QuarantineReason
from tests.plugins.loopback import serve
from tests.plugins.syncing import Source, configure, item, sync

CODES = """query($c: ID!) { quarantine(configId: $c) { edges { node {
  sourceId reasonCode reason } } } }"""


async def test_each_rejected_record_has_its_code(api, make_company, sample, db) -> None:
    from server.models import QuarantinedRecord

    sandbox = await make_company()
    pages = [
        [
            item("T0007", "2026-11-02", "8", "ok"),
            item("NEW01", "2026-11-02", 8, "who"),
            item("", "2026-11-02", 8, "nobody"),
            item("T0007", "2026-11-02", "eight", "nan"),
            item("T0007", "2026-12-02", 8, "late"),
            item("T0007", "2026-11-02", 8, "odd", "sample.unknown"),
            item("T0007", "2026-11-03", 8, ""),
            {**item("T0007", "2026-11-04", 8, "torn"), "_error": "the shift has no end"},
        ]
    ]
    async with serve(Source(pages).app()) as url:
        config_id = await configure(api, sandbox, url)
        run = await sync(api, sandbox, config_id)
    assert (run["stored"], run["rejected"]) == (1, 7), run
    read = await api.gql(CODES, {"c": config_id}, as_user=sandbox.user("admin"))
    assert "errors" not in read, read
    found = {e["node"]["sourceId"]: e["node"] for e in read["data"]["quarantine"]["edges"]}
    codes = {key: node["reasonCode"] for key, node in found.items()}
    no_source = codes.pop(next(k for k in codes if k.startswith("sha1:")))
    assert codes == {
        "who": "UNKNOWN_EMPLOYEE",
        "nobody": "NO_EMPLOYEE",
        "nan": "BAD_VALUE",
        "late": "OUTSIDE_PERIOD",
        "odd": "UNKNOWN_METRIC",
        "torn": "MALFORMED",
    }
    assert no_source == "NO_SOURCE_ID"
    # the words stay beside the code
    assert found["who"]["reason"] == "no employee with employee number 'NEW01'"
    assert found["torn"]["reason"] == "the source record is malformed: the shift has no end"
    # stored as the vocabulary's lower-case word
    stored = await QuarantinedRecord.filter(source_id="who", metric="sample.hours").values_list(
        "reason_code", flat=True
    )
    assert set(stored) == {"unknown_employee"}


def test_every_code_but_other_is_what_some_check_says() -> None:
    """The checks the loopback connector cannot reach (a record without a valid date or
    ending before it starts) and the others: each code is given, and no other."""
    check = RecordCheck(
        frozenset({"m"}),
        {"t1": uuid4()},
        Period(date(2026, 11, 1), date(2026, 11, 30)),
        "employee_number",
    )
    day = date(2026, 11, 2)
    records = {
        QuarantineReason.MALFORMED: Record("t1", "m", day, 1, "s", raw={"_error": "x"}),
        QuarantineReason.NO_SOURCE_ID: Record("t1", "m", day, 1, ""),
        QuarantineReason.UNKNOWN_METRIC: Record("t1", "n", day, 1, "s"),
        QuarantineReason.BAD_DATE: Record("t1", "m", "2026-11-02", 1, "s"),  # type: ignore[arg-type]
        QuarantineReason.BAD_PERIOD: Record("t1", "m", day, 1, "s", period_end=date(2026, 11, 1)),
        QuarantineReason.OUTSIDE_PERIOD: Record("t1", "m", date(2026, 12, 1), 1, "s"),
        QuarantineReason.BAD_VALUE: Record("t1", "m", day, "NaN", "s"),
        QuarantineReason.NO_EMPLOYEE: Record(" ", "m", day, 1, "s"),
        QuarantineReason.UNKNOWN_EMPLOYEE: Record("t2", "m", day, 1, "s"),
    }
    for code, record in records.items():
        verdict = check.check(record)
        assert isinstance(verdict, Rejected) and verdict.code is code, (code, verdict)
    assert set(records) == set(QuarantineReason) - {QuarantineReason.OTHER}
