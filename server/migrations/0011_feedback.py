"""Feedback and appeals on published results, improvement plans, check-ins, ongoing notes."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("models", "0010_calibration")]

    initial = False

    operations = [
        ops.CreateModel(
            name='Feedback',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.ForeignKeyField('models.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='feedback', on_delete=OnDelete.CASCADE)),
                ('score', fields.ForeignKeyField('models.Score', source_field='score_id', db_constraint=True, to_field='id', related_name='feedback', on_delete=OnDelete.CASCADE)),
                ('plan_id', fields.UUIDField()),
                ('employee_id', fields.UUIDField()),
                ('department_id', fields.UUIDField()),
                ('manager_id', fields.UUIDField(null=True)),
                ('handler_id', fields.UUIDField(null=True)),
                ('indicator_key', fields.CharField(null=True, max_length=36)),
                ('category', fields.CharField(max_length=24)),
                ('text', fields.TextField(unique=False)),
                ('state', fields.CharField(default='open', max_length=12)),
                ('level', fields.IntField(default=0)),
                ('revision', fields.IntField(default=1)),
                ('answer_due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('answer', fields.TextField(default='', unique=False)),
                ('answered_by', fields.UUIDField(null=True)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('accepted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('escalation_reason', fields.TextField(default='', unique=False)),
                ('escalated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decision', fields.CharField(null=True, max_length=8)),
                ('decision_reason', fields.TextField(default='', unique=False)),
                ('decided_by', fields.UUIDField(null=True)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('score_version', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'feedback', 'app': 'models', 'indexes': [Index(fields=['company', 'department_id']), Index(fields=['company', 'employee_id']), Index(fields=['state', 'answer_due_at'])], 'pk_attr': 'id', 'table_description': "An employee's feedback on his published result, or on one indicator of it."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FeedbackCheckIn',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.ForeignKeyField('models.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='feedback_check_ins', on_delete=OnDelete.CASCADE)),
                ('feedback', fields.ForeignKeyField('models.Feedback', source_field='feedback_id', db_constraint=True, to_field='id', related_name='check_ins', on_delete=OnDelete.CASCADE)),
                ('on', fields.DateField()),
                ('note', fields.TextField(unique=False)),
                ('author_id', fields.UUIDField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'feedback_check_in', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A follow-up note on an improvement plan, dated (append-only).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FeedbackSettings',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.OneToOneField('models.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='feedback_settings', on_delete=OnDelete.CASCADE)),
                ('window_days', fields.IntField(default=7)),
                ('answer_hours', fields.IntField(default=24)),
                ('updated_by', fields.UUIDField(null=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'feedback_settings', 'app': 'models', 'pk_attr': 'id', 'table_description': "A tenant's feedback window and answer deadline (the defaults when there is no row)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ImprovementAction',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.ForeignKeyField('models.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='improvement_actions', on_delete=OnDelete.CASCADE)),
                ('feedback', fields.ForeignKeyField('models.Feedback', source_field='feedback_id', db_constraint=True, to_field='id', related_name='actions', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('text', fields.TextField(unique=False)),
                ('owner_id', fields.UUIDField()),
                ('due_on', fields.DateField()),
                ('status', fields.CharField(default='planned', max_length=12)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'improvement_action', 'app': 'models', 'unique_together': (('feedback', 'position'),), 'pk_attr': 'id', 'table_description': 'One action of the improvement plan an answer carries: an owner, a due date, a status.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PersonNote',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.ForeignKeyField('models.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='person_notes', on_delete=OnDelete.CASCADE)),
                ('employee_id', fields.UUIDField()),
                ('department_id', fields.UUIDField()),
                ('manager_id', fields.UUIDField(null=True)),
                ('author_id', fields.UUIDField()),
                ('kind', fields.CharField(max_length=8)),
                ('text', fields.TextField(unique=False)),
                ('noted_on', fields.DateField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'person_note', 'app': 'models', 'indexes': [Index(fields=['company', 'employee_id', 'noted_on'])], 'pk_attr': 'id', 'table_description': "A manager's short note or praise about a person, outside any cycle: evidence for the"},
            bases=['Model'],
        ),
    ]
