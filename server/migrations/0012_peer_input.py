"""360 input: the tenant's minimum k, requests, the colleagues asked and their answers."""

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
    dependencies = [("models", "0011_feedback")]

    initial = False

    operations = [
        ops.CreateModel(
            name='PeerReview',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.ForeignKeyField('models.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='peer_reviews', on_delete=OnDelete.CASCADE)),
                ('plan', fields.ForeignKeyField('models.Plan', source_field='plan_id', db_constraint=True, to_field='id', related_name='peer_reviews', on_delete=OnDelete.CASCADE)),
                ('assignment', fields.ForeignKeyField('models.Assignment', source_field='assignment_id', db_constraint=True, to_field='id', related_name='peer_reviews', on_delete=OnDelete.CASCADE)),
                ('employee_id', fields.UUIDField()),
                ('department_id', fields.UUIDField()),
                ('manager_id', fields.UUIDField(null=True)),
                ('deadline', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('requested_by', fields.UUIDField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'peer_review', 'app': 'models', 'unique_together': (('plan', 'employee_id'),), 'indexes': [Index(fields=['company', 'department_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PeerResponse',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.ForeignKeyField('models.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='peer_responses', on_delete=OnDelete.CASCADE)),
                ('review', fields.ForeignKeyField('models.PeerReview', source_field='review_id', db_constraint=True, to_field='id', related_name='responses', on_delete=OnDelete.CASCADE)),
                ('reviewer_id', fields.UUIDField()),
                ('plan_id', fields.UUIDField()),
                ('assignment_id', fields.UUIDField()),
                ('employee_id', fields.UUIDField()),
                ('ratings', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('comment', fields.TextField(default='', unique=False)),
                ('rating_sum', fields.IntField()),
                ('rating_count', fields.IntField()),
                ('submitted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'peer_response', 'app': 'models', 'unique_together': (('review', 'reviewer_id'),), 'indexes': [Index(fields=['company', 'plan_id']), Index(fields=['assignment_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PeerReviewSettings',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.OneToOneField('models.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='peer_review_settings', on_delete=OnDelete.CASCADE)),
                ('min_responses', fields.IntField(default=3)),
                ('updated_by', fields.UUIDField(null=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'peer_review_settings', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PeerReviewer',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.ForeignKeyField('models.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='peer_reviewers', on_delete=OnDelete.CASCADE)),
                ('review', fields.ForeignKeyField('models.PeerReview', source_field='review_id', db_constraint=True, to_field='id', related_name='reviewers', on_delete=OnDelete.CASCADE)),
                ('reviewer', fields.ForeignKeyField('models.Employee', source_field='reviewer_id', db_constraint=True, to_field='id', related_name='peer_invitations', on_delete=OnDelete.CASCADE)),
                ('invited_by', fields.UUIDField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'peer_reviewer', 'app': 'models', 'unique_together': (('review', 'reviewer'),), 'indexes': [Index(fields=['company', 'reviewer'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
