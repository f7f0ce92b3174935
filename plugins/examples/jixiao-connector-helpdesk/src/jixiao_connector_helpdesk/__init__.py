"""Helpdesk connector: per-agent ticket metrics (first reply minutes, satisfaction, closed)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import date
from typing import Any, ClassVar

import aiohttp

from plugins import hookimpl
from plugins.contract import ConfigField, Connector, ConnectorError, MetricSpec, Period, Record

__version__ = "0.1.0"


class HelpdeskConnector(Connector):
    name = "helpdesk"
    title = "Helpdesk tickets (客服工单)"
    version = __version__
    kind = "other"
    metrics: ClassVar[tuple[MetricSpec, ...]] = (
        MetricSpec("service.first_reply_minutes", "First reply time", "min", "avg"),
        MetricSpec("service.satisfaction", "Customer satisfaction", "score 1-5", "avg"),
        MetricSpec("service.tickets_closed", "Tickets closed", "tickets", "sum"),
    )
    config_fields: ClassVar[tuple[ConfigField, ...]] = (
        ConfigField(
            "base_url", "url", required=True, description="e.g. https://support.example.com"
        ),
        ConfigField("token", "string", required=True, secret=True, description="API token"),
        ConfigField("page_size", "integer", default=100),
    )

    async def fetch(
        self,
        session: aiohttp.ClientSession,
        config: Mapping[str, Any],
        since: str | None,
        period: Period,
    ) -> AsyncIterator[Record]:
        page = 1
        while True:
            async with session.get(
                f"{config['base_url'].rstrip('/')}/api/tickets",
                params={
                    "from": period.start.isoformat(),
                    "to": period.end.isoformat(),
                    "page": page,
                    "per_page": config.get("page_size") or 100,
                },
                headers={"Authorization": f"Bearer {config['token']}"},
            ) as response:
                if response.status in (401, 403):
                    raise ConnectorError("the helpdesk refused the token")
                response.raise_for_status()
                body = await response.json()
            for ticket in body.get("tickets", []):
                for record in _records(ticket):
                    yield record
            if not body.get("next_page"):
                return
            page = body["next_page"]


def _records(ticket: Mapping[str, Any]) -> list[Record]:
    agent, key = str(ticket.get("agent_email", "")), str(ticket.get("id", ""))
    try:
        day = date.fromisoformat(str(ticket.get("closed_on", ""))[:10])
    except ValueError:
        # Not dropped: the engine quarantines it with this reason.
        bad = {**ticket, "_error": f"closed_on {ticket.get('closed_on')!r} is not a date"}
        return [Record(agent, "service.tickets_closed", date.min, "", f"{key}:closed", raw=bad)]
    records = [
        Record(agent, "service.tickets_closed", day, 1, f"{key}:closed", raw=ticket),
        Record(
            agent,
            "service.first_reply_minutes",
            day,
            ticket.get("first_reply_minutes", ""),
            f"{key}:reply",
            raw=ticket,
        ),
    ]
    if ticket.get("satisfaction") is not None:
        records.append(
            Record(
                agent,
                "service.satisfaction",
                day,
                ticket["satisfaction"],
                f"{key}:csat",
                raw=ticket,
            )
        )
    return records


@hookimpl
def jixiao_register_connectors() -> list[type[Connector]]:
    return [HelpdeskConnector]
