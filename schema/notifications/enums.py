"""The closed sets of notifications as GraphQL enums (server/notifications/vocabulary.py)."""

from __future__ import annotations

import strawberry

from server.notifications import vocabulary as v

for _enum, _description in (
    (v.NotificationKind, "REMINDER: something to do; ALERT: something went wrong or is low."),
    (v.NotificationChannel, "Where notifications go besides the in-app list."),
    (v.DeliveryMode, "IMMEDIATE: one message each; DAILY_DIGEST: one a day listing them."),
    (v.DeliveryState, "PENDING: waiting or retrying; SENT; FAILED: given up, may be retried."),
    (v.NotificationLanguage, "The language of one's notification messages."),
):
    strawberry.enum(_enum, description=_description)

NotificationKind = v.NotificationKind
NotificationChannel = v.NotificationChannel
DeliveryMode = v.DeliveryMode
DeliveryState = v.DeliveryState
NotificationLanguage = v.NotificationLanguage
