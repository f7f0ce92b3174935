"""Calibration sessions over frozen scores, their changes, and the tenant's guideline."""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from server.models.fields import ScaledDecimalField
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("models", "0009_evaluation_and_scoring_results")]

    initial = False

    operations = [
        ops.CreateModel(
            name='CalibrationSession',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.ForeignKeyField('models.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='calibration_sessions', on_delete=OnDelete.CASCADE)),
                ('plan', fields.ForeignKeyField('models.Plan', source_field='plan_id', db_constraint=True, to_field='id', related_name='calibration_sessions', on_delete=OnDelete.CASCADE)),
                ('scope', fields.CharField(max_length=12)),
                ('department_id', fields.UUIDField(null=True)),
                ('scope_key', fields.CharField(max_length=36)),
                ('state', fields.CharField(default='open', max_length=8)),
                ('revision', fields.IntField(default=1)),
                ('opened_by', fields.UUIDField()),
                ('opened_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('locked_by', fields.UUIDField(null=True)),
                ('locked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'calibration_session', 'app': 'models', 'unique_together': (('plan', 'scope_key'),), 'indexes': [Index(fields=['company', 'plan'])], 'pk_attr': 'id', 'table_description': "One plan's calibration over one scope: open, then locked for good."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CalibrationChange',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.ForeignKeyField('models.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='calibration_changes', on_delete=OnDelete.CASCADE)),
                ('session', fields.ForeignKeyField('models.CalibrationSession', source_field='session_id', db_constraint=True, to_field='id', related_name='changes', on_delete=OnDelete.CASCADE)),
                ('score', fields.ForeignKeyField('models.Score', source_field='score_id', db_constraint=True, to_field='id', related_name='calibration_changes', on_delete=OnDelete.CASCADE)),
                ('employee_id', fields.UUIDField()),
                ('department_id', fields.UUIDField()),
                ('manager_id', fields.UUIDField(null=True)),
                ('base_version', fields.IntField()),
                ('original_grade', fields.CharField(null=True, max_length=32)),
                ('original_total', ScaledDecimalField(null=True, places=6)),
                ('grade', fields.CharField(max_length=32)),
                ('total', ScaledDecimalField(null=True, places=6)),
                ('reason', fields.TextField(unique=False)),
                ('revision', fields.IntField(default=1)),
                ('changed_by', fields.UUIDField()),
                ('changed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'calibration_change', 'app': 'models', 'unique_together': (('session', 'score'),), 'indexes': [Index(fields=['company', 'session'])], 'pk_attr': 'id', 'table_description': 'The calibrated result of one person in one session, beside the computed one.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CalibrationSettings',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.OneToOneField('models.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='calibration_settings', on_delete=OnDelete.CASCADE)),
                ('guideline', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('enforcement', fields.CharField(default='warn', max_length=8)),
                ('min_group_size', fields.IntField(default=5)),
                ('revision', fields.IntField(default=1)),
                ('updated_by', fields.UUIDField(null=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'calibration_settings', 'app': 'models', 'pk_attr': 'id', 'table_description': "A tenant's distribution guideline (defaults when there is no row)."},
            bases=['Model'],
        ),
    ]
