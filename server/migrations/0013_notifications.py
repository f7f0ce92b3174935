from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [("models", "0012_peer_input")]

    initial = False

    operations = [
        ops.CreateModel(
            name='ChannelConfig',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.ForeignKeyField('models.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='channel_configs', on_delete=OnDelete.CASCADE)),
                ('channel', fields.CharField(max_length=16)),
                ('enabled', fields.BooleanField(default=True)),
                ('settings', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('sealed_secrets', fields.TextField(default='', unique=False)),
                ('digest_hour', fields.IntField(default=9)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'notification_channel_config', 'app': 'models', 'unique_together': (('company', 'channel'),), 'pk_attr': 'id', 'table_description': "A tenant's settings of one channel: ``settings`` in clear, ``sealed_secrets`` sealed."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.ForeignKeyField('models.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.CASCADE)),
                ('recipient', fields.ForeignKeyField('models.Employee', source_field='recipient_id', db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(default='reminder', max_length=16)),
                ('rule', fields.CharField(max_length=64)),
                ('subject', fields.CharField(max_length=128)),
                ('period', fields.CharField(max_length=64)),
                ('stage', fields.CharField(default='', max_length=32)),
                ('message_key', fields.CharField(max_length=128)),
                ('params', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notification', 'app': 'models', 'unique_together': (('company', 'rule', 'subject', 'period', 'stage', 'recipient'),), 'indexes': [Index(fields=['recipient', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NotificationDelivery',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.ForeignKeyField('models.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='notification_deliveries', on_delete=OnDelete.CASCADE)),
                ('notification', fields.ForeignKeyField('models.Notification', source_field='notification_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.CASCADE)),
                ('recipient_id', fields.UUIDField()),
                ('channel', fields.CharField(max_length=16)),
                ('mode', fields.CharField(max_length=16)),
                ('state', fields.CharField(default='pending', max_length=16)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('claimed_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('claimed_by', fields.CharField(default='', max_length=32)),
                ('last_error', fields.TextField(default='', unique=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'notification_delivery', 'app': 'models', 'unique_together': (('notification', 'channel'),), 'indexes': [Index(fields=['state', 'next_attempt_at']), Index(fields=['company', 'state'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NotificationPreference',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.ForeignKeyField('models.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='notification_preferences', on_delete=OnDelete.CASCADE)),
                ('employee', fields.ForeignKeyField('models.Employee', source_field='employee_id', db_constraint=True, to_field='id', related_name='notification_preferences', on_delete=OnDelete.CASCADE)),
                ('channel', fields.CharField(max_length=16)),
                ('enabled', fields.BooleanField(default=True)),
                ('mode', fields.CharField(default='immediate', max_length=16)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'notification_preference', 'app': 'models', 'unique_together': (('employee', 'channel'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NotificationProfile',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.ForeignKeyField('models.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='notification_profiles', on_delete=OnDelete.CASCADE)),
                ('employee', fields.OneToOneField('models.Employee', source_field='employee_id', db_constraint=True, to_field='id', related_name='notification_profile', on_delete=OnDelete.CASCADE)),
                ('language', fields.CharField(max_length=8)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'notification_profile', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
