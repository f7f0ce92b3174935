"""The durable consumers that hand outbox events to plugins, through their hooks."""

from __future__ import annotations

import logging

import pluggy

from plugins.manager import call_each_async
from plugins.notifications import Notification
from server.events import KINDS, FactsChanged, NotificationRequested
from server.models import Company
from server.outbox.dispatcher import Consumer
from server.outbox.store import StoredEvent

log = logging.getLogger("jixiao.outbox")


def plugin_consumers(manager: pluggy.PluginManager) -> list[Consumer]:
    """``jixiao_facts_changed`` and ``jixiao_deliver_notification``, each with its cursor.

    Not transactional: plugins reach other systems, so an event may come again after a
    crash. A plugin that raises is logged and not asked again (the others were served).
    """

    async def facts_changed(stored: StoredEvent) -> None:
        event = stored.event
        assert isinstance(event, FactsChanged)
        for found in await call_each_async(
            manager,
            "jixiao_facts_changed",
            event_id=stored.id,
            company_id=event.company_id,
            metrics=event.metrics,
            start=event.start,
            end=event.end,
        ):
            if found.error is not None:
                log.error(
                    "plugin %s failed in jixiao_facts_changed (event %s)",
                    found.plugin,
                    stored.id,
                    exc_info=found.error,
                )

    async def deliver(stored: StoredEvent) -> None:
        event = stored.event
        assert isinstance(event, NotificationRequested)
        company = await Company.get_or_none(id=event.company_id).only("id", "slug")
        notification = Notification(
            tenant=company.slug if company else "",
            channel=event.channel,
            recipient=event.recipient,
            subject=event.subject,
            body=event.body,
            kind=event.kind,
            data=dict(event.data),
        )
        delivered = False
        for found in await call_each_async(
            manager, "jixiao_deliver_notification", notification=notification
        ):
            if found.error is not None or found.value is False:
                log.error(
                    "plugin %s failed to deliver notification %s on %s",
                    found.plugin,
                    stored.id,
                    event.channel,
                    exc_info=found.error,
                )
            delivered = delivered or found.value is True
        if not delivered:
            log.warning("no plugin delivered notification %s (%s)", stored.id, event.channel)

    return [
        Consumer(
            "plugins.facts_changed",
            frozenset({KINDS[FactsChanged]}),
            facts_changed,
            transactional=False,
        ),
        Consumer(
            "plugins.deliver_notification",
            frozenset({KINDS[NotificationRequested]}),
            deliver,
            transactional=False,
        ),
    ]
