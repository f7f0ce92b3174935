"""Reading the reminder thresholds: decided in server/reminders."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from schema.permissions import AUTH
from schema.reminders.types import ReminderSettings
from server.reminders import settings


@strawberry.type
class ReminderQuery:
    @strawberry.field(
        permission_classes=AUTH,
        description="The reminder thresholds in force for the caller's company.",
    )
    async def reminder_settings(self, info: Info) -> ReminderSettings:
        return ReminderSettings.of(await settings.read_thresholds(info.context.actor))
