"""Analytics: per-tenant thresholds (minimum points of a correlation, minimum ratees)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("models", "0015_bonus")]

    initial = False

    operations = [
        ops.CreateModel(
            name='AnalyticsSettings',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.OneToOneField('models.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='analytics_settings', on_delete=OnDelete.CASCADE)),
                ('min_points', fields.IntField(default=8)),
                ('min_ratees', fields.IntField(default=5)),
                ('updated_by', fields.UUIDField(null=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'analytics_settings', 'app': 'models', 'pk_attr': 'id', 'table_description': "A tenant's analytics thresholds; the defaults (server.analytics.settings) without a row."},
            bases=['Model'],
        ),
    ]
