"""Bonus allocation: grade coefficients, department pools and base amounts."""

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
    dependencies = [("models", "0014_reminders")]

    initial = False

    operations = [
        ops.CreateModel(
            name='BonusBase',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.ForeignKeyField('models.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='bonus_bases', on_delete=OnDelete.CASCADE)),
                ('plan', fields.ForeignKeyField('models.Plan', source_field='plan_id', db_constraint=True, to_field='id', related_name='bonus_bases', on_delete=OnDelete.CASCADE)),
                ('employee', fields.ForeignKeyField('models.Employee', source_field='employee_id', db_constraint=True, to_field='id', related_name='bonus_bases', on_delete=OnDelete.CASCADE)),
                ('amount', ScaledDecimalField(places=2)),
                ('set_by', fields.UUIDField(null=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'bonus_base', 'app': 'models', 'unique_together': (('plan', 'employee'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BonusPool',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.ForeignKeyField('models.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='bonus_pools', on_delete=OnDelete.CASCADE)),
                ('plan', fields.ForeignKeyField('models.Plan', source_field='plan_id', db_constraint=True, to_field='id', related_name='bonus_pools', on_delete=OnDelete.CASCADE)),
                ('department', fields.ForeignKeyField('models.Department', source_field='department_id', db_constraint=True, to_field='id', related_name='bonus_pools', on_delete=OnDelete.CASCADE)),
                ('amount', ScaledDecimalField(places=2)),
                ('set_by', fields.UUIDField(null=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'bonus_pool', 'app': 'models', 'unique_together': (('plan', 'department'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BonusSettings',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.OneToOneField('models.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='bonus_settings', on_delete=OnDelete.CASCADE)),
                ('coefficients', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('default_base', ScaledDecimalField(null=True, places=2)),
                ('updated_by', fields.UUIDField(null=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'bonus_settings', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
