from typing import Any

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

# Written by hand: quarantined records get a reason code (QuarantineReason) beside the
# reason in words. Rows quarantined before are coded from their words, which server/sync/
# checks.py wrote from fixed phrases; the phrases are frozen here as they were written, so
# later wording changes do not change what this migration does. Anything else stays "other".
PHRASES = (
    ("malformed", "the source record is malformed: %"),
    ("no_source_id", "the record has no source id"),
    ("unknown_metric", "unknown metric %"),
    ("bad_date", "the record has no valid date"),
    ("bad_period", "the record ends before it starts"),
    ("outside_period", "% is outside the period being synced"),
    ("bad_value", "the value % is not a number"),
    ("no_employee", "the record names no employee"),
    ("unknown_employee", "no employee with %"),
)


async def code_old_reasons(_apps: Any, schema_editor: Any) -> None:
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    first, second = ("$1", "$2") if postgres else ("?", "?")
    for code, phrase in PHRASES:
        await client.execute_query(
            f"UPDATE quarantined_record SET reason_code = {first} "
            f"WHERE reason_code = 'other' AND reason LIKE {second}",
            [code, phrase],
        )


class Migration(migrations.Migration):
    dependencies = [('models', '0005_exact_decimals')]

    initial = False

    operations = [
        ops.AddField(
            model_name='QuarantinedRecord',
            name='reason_code',
            field=fields.CharField(default='other', db_default='other', max_length=32),
        ),
        ops.RunPython(code_old_reasons, ops.RunPython.noop),
    ]
