"""Migration 0006 gives records quarantined before reason codes existed the code their
words say (server/sync/checks.py wrote them from fixed phrases), and OTHER otherwise."""

from __future__ import annotations

import uuid

from tortoise.backends.base.client import BaseDBAsyncClient

from server import migrator
from tests.server.migration_support import current, db_key, insert_company, marks

OLD_REASONS = {
    "a": ("the source record is malformed: no date field", "malformed"),
    "b": ("the record has no source id", "no_source_id"),
    "c": ("unknown metric 'sample.unknown' for this connector", "unknown_metric"),
    "d": ("the record has no valid date", "bad_date"),
    "e": ("the record ends before it starts", "bad_period"),
    "f": ("2026-12-02 is outside the period being synced", "outside_period"),
    "g": ("the value 'eight' is not a number", "bad_value"),
    "h": ("the record names no employee", "no_employee"),
    "i": ("no employee with employee number 'NEW01'", "unknown_employee"),
    "j": ("the connector said: no such shift", "other"),
}


async def _old_quarantine(client: BaseDBAsyncClient) -> None:
    """A company, a config and one quarantined row per phrase, as 0005's schema holds them."""
    company = await insert_company(client, "Quarantine Co")
    config = uuid.uuid4()
    now = "CURRENT_TIMESTAMP"
    await client.execute_query(
        "INSERT INTO connector_config (id, company_id, connector, name, settings, "
        "sealed_secrets, match_by, enabled, created_at, updated_at) "
        f"VALUES ({marks(client, 4)}, '{{}}', '', 'employee_number', TRUE, {now}, {now})",
        [db_key(client, config), db_key(client, company), "sample_paged", "打卡机"],
    )
    for source_id, (reason, _code) in OLD_REASONS.items():
        await client.execute_query(
            "INSERT INTO quarantined_record (id, company_id, config_id, source_id, reason, "
            "employee_key, metric, value, payload, created_at, updated_at) "
            f"VALUES ({marks(client, 5)}, '', '', '', '{{}}', {now}, {now})",
            [
                db_key(client, uuid.uuid4()),
                db_key(client, company),
                db_key(client, config),
                source_id,
                reason,
            ],
        )


async def _codes(client: BaseDBAsyncClient) -> dict[str, str]:
    _, rows = await client.execute_query("SELECT source_id, reason_code FROM quarantined_record")
    return {row["source_id"]: row["reason_code"] for row in rows}


async def test_old_reasons_get_their_codes(api, fresh) -> None:
    url = await fresh.url()
    async with current(await fresh.connect(url)) as client:
        await migrator.migrate(client, target="0005")
        await _old_quarantine(client)
        assert await migrator.migrate(client, target="0006") == ["+0006_quarantine_reason_code"]
        assert await _codes(client) == {k: code for k, (_r, code) in OLD_REASONS.items()}
        # and back: the column goes, the words stay
        assert await migrator.migrate(client, target="0005") == ["-0006_quarantine_reason_code"]
        _, rows = await client.execute_query("SELECT reason FROM quarantined_record")
        assert {row["reason"] for row in rows} == {r for r, _c in OLD_REASONS.values()}
