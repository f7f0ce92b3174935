from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_defects_round')]

    initial = False

    operations = [
        ops.CreateModel(
            name='OutboxConsumer',
            fields=[
                ('name', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=100)),
                ('position', fields.BigIntField(default=0)),
                ('failures', fields.IntField(default=0)),
                ('last_error', fields.TextField(default='', unique=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'outbox_consumer', 'app': 'models', 'pk_attr': 'name', 'table_description': "A durable consumer's cursor: it has handled every event with id <= ``position``."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OutboxEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('company_id', fields.UUIDField()),
                ('kind', fields.CharField(max_length=40)),
                ('payload', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'outbox_event', 'app': 'models', 'indexes': [Index(fields=['company_id', 'id']), Index(fields=['kind', 'id'])], 'pk_attr': 'id', 'table_description': 'One domain event; rows are only inserted, and pruned once every consumer is past.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OutboxLease',
            fields=[
                ('name', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40)),
                ('holder', fields.CharField(max_length=64)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'outbox_lease', 'app': 'models', 'pk_attr': 'name', 'table_description': 'Who runs the durable dispatcher: one process per deployment, until the lease lapses.'},
            bases=['Model'],
        ),
    ]
