"""Analytics: a tenant's thresholds (docs/analytics.md)."""

from __future__ import annotations

from uuid import UUID

from tortoise import fields
from tortoise.models import Model


class AnalyticsSettings(Model):
    """A tenant's analytics thresholds; the defaults (server.analytics.settings) without a row."""

    id = fields.UUIDField(primary_key=True)
    company: fields.OneToOneRelation = fields.OneToOneField(
        "models.Company", related_name="analytics_settings", on_delete=fields.CASCADE
    )
    min_points = fields.IntField(default=8)  # a correlation below this many points: too few
    min_ratees = fields.IntField(default=5)  # a rater with fewer ratees is not shown
    updated_by = fields.UUIDField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    company_id: UUID

    class Meta:
        table = "analytics_settings"
