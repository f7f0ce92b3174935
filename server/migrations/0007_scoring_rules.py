from tortoise import migrations
from tortoise.migrations import operations as ops

from server.migrations._scoring_rules import to_old_rules, to_scoring_rules


class Migration(migrations.Migration):
    dependencies = [('models', '0006_quarantine_reason_code')]

    initial = False

    operations = [
        # Written by hand: stored scoring rules and template indicators take the form of
        # server/indicators.py (see _scoring_rules); no schema change.
        ops.RunPython(to_scoring_rules, to_old_rules),
    ]
