"""The closed sets of notifications (the API exposes each as an enum)."""

from __future__ import annotations

from enum import StrEnum


class NotificationKind(StrEnum):
    REMINDER = "reminder"  # something the person has to do (an evaluation due)
    ALERT = "alert"  # something went wrong or crossed a threshold (a sync failed)


class NotificationChannel(StrEnum):
    """Where a notification goes besides the in-app list; a plugin delivers each."""

    EMAIL = "email"  # SMTP, to the person's e-mail address
    WECOM = "wecom"  # the tenant's WeCom group robot, mentioning the person's mobile
    DINGTALK = "dingtalk"  # the tenant's DingTalk robot (signed), mentioning the mobile


class DeliveryMode(StrEnum):
    IMMEDIATE = "immediate"  # one message per notification, as soon as it is stored
    DAILY_DIGEST = "daily_digest"  # one message a day listing the day's notifications


class DeliveryState(StrEnum):
    PENDING = "pending"  # waiting for its time, or for a retry
    SENT = "sent"
    FAILED = "failed"  # gave up after the retries; the tenant admin sees it and may retry


class NotificationLanguage(StrEnum):
    EN = "en"
    ZH = "zh"
