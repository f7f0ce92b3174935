"""Turning stored notifications into messages, in the recipient's language.

A person's language is his ``NotificationProfile.language`` (set with his preferences), else
``DEFAULT_LANGUAGE``: Chinese, the language of the companies Jixiao is made for.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from server.i18n import translate
from server.models import Notification, NotificationProfile
from server.notifications.vocabulary import NotificationLanguage

DEFAULT_LANGUAGE = NotificationLanguage.ZH
SUBJECTS = {
    "reminder": "notifications.subject_reminder",
    "alert": "notifications.subject_alert",
}


async def language_of(employee_id: UUID) -> NotificationLanguage:
    profile = await NotificationProfile.get_or_none(employee_id=employee_id).only("id", "language")
    return NotificationLanguage(profile.language) if profile else DEFAULT_LANGUAGE


def text_of(notification: Notification, language: str) -> str:
    return translate(notification.message_key, language, **dict(notification.params))


def immediate(notification: Notification, language: str) -> tuple[str, str]:
    """(subject, body) of one notification."""
    body = text_of(notification, language)
    prefix = translate(SUBJECTS.get(notification.kind, SUBJECTS["reminder"]), language)
    return f"{prefix}: {body.splitlines()[0] if body else ''}"[:200], body


def digest(notifications: Sequence[Notification], language: str) -> tuple[str, str]:
    """(subject, body) of a day's notifications, oldest first."""
    subject = translate("notifications.digest_subject", language, count=len(notifications))
    lines = [translate("notifications.digest_intro", language)]
    lines += [f"- {text_of(n, language)}" for n in notifications]
    return subject, "\n".join(lines)
