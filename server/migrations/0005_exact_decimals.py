from tortoise import migrations
from tortoise.migrations import operations as ops
from server.models.fields import ScaledDecimalField
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from server.migrations import _exact_decimals as x

# Written by hand from `jixiao makemigrations` output (see _exact_decimals): company_id is
# added nullable, filled from the plan, then made NOT NULL; decimal columns are converted
# in place rather than altered, so that every value keeps its exact amount.


def _company(related_name, *, null):
    return fields.ForeignKeyField('models.Company', source_field='company_id', db_constraint=True, to_field='id', related_name=related_name, on_delete=OnDelete.CASCADE, null=null)


_CHILDREN = [
    ('PlanVersion', 'plan_versions', ['company', 'created_at']),
    ('Indicator', 'plan_indicators', ['company', 'data_source']),
    ('PlanApproval', 'plan_approvals', ['company', 'approved_at']),
    ('PlanTransition', 'plan_transitions', ['company', 'at']),
    ('PlanComment', 'plan_comments', ['company', 'created_at']),
]


class Migration(migrations.Migration):
    dependencies = [('models', '0004_metric_source')]

    initial = False

    operations = [
        *[
            x.AddField(model_name=model, name='company', field=_company(related, null=True))
            for model, related, _index in _CHILDREN
        ],
        ops.RunPython(x.fill_company_ids, ops.RunPython.noop),
        *[
            x.AlterField(model_name=model, name='company', field=_company(related, null=False))
            for model, related, _index in _CHILDREN
        ],
        *[
            ops.AddIndex(model_name=model, index=Index(fields=index))
            for model, _related, index in _CHILDREN
        ],
        x.ScaleDecimal(
            model_name='Indicator',
            name='weight',
            field=ScaledDecimalField(places=4),
        ),
        x.ScaleDecimal(
            model_name='Indicator',
            name='target',
            field=ScaledDecimalField(null=True, places=6),
        ),
        x.ScaleDecimal(
            model_name='MetricFact',
            name='value',
            field=ScaledDecimalField(places=6),
        ),
    ]
