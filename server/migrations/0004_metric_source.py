from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0003_outbox')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MetricSource',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.ForeignKeyField('models.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='metric_sources', on_delete=OnDelete.CASCADE)),
                ('metric', fields.CharField(max_length=64)),
                ('source', fields.CharField(max_length=64)),
                ('position', fields.IntField()),
                ('aggregation', fields.CharField(null=True, max_length=8)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'metric_source', 'app': 'models', 'unique_together': (('company', 'metric', 'source'),), 'pk_attr': 'id', 'table_description': "One entry of a company's declared order of sources for a metric (server.metrics)."},
            bases=['Model'],
        ),
    ]
