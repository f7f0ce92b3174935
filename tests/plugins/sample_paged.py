"""A sample connector for engine tests: pages of JSON records from a loopback server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import date
from typing import Any, ClassVar

import aiohttp

from plugins import hookimpl
from plugins.contract import ConfigField, Connector, MetricSpec, Period, Record


class PagedConnector(Connector):
    name = "sample_paged"
    title = "Sample paged JSON"
    kind = "attendance"
    metrics: ClassVar[tuple[MetricSpec, ...]] = (
        MetricSpec("sample.hours", "Hours", "h", "sum"),
        MetricSpec("sample.rate", "Rate", "%", "avg"),
    )
    config_fields: ClassVar[tuple[ConfigField, ...]] = (
        ConfigField("base_url", "url", required=True),
        ConfigField("token", "string", required=True, secret=True),
        ConfigField("mode", "string", choices=("normal", "explode")),
    )

    def __init__(self) -> None:
        self._cursor: str | None = None

    async def fetch(
        self,
        session: aiohttp.ClientSession,
        config: Mapping[str, Any],
        since: str | None,
        period: Period,
    ) -> AsyncIterator[Record]:
        page = 1
        while page:
            async with session.get(
                f"{config['base_url']}/records",
                params={"page": page, "since": since or ""},
                headers={"Authorization": f"Bearer {config['token']}"},
            ) as response:
                response.raise_for_status()
                body = await response.json()
            for item in body["items"]:
                if config.get("mode") == "explode" and item["id"] == "boom":
                    raise RuntimeError("the plugin fell over mid-sync")
                yield Record(
                    employee_key=item["employee"],
                    metric=item.get("metric", "sample.hours"),
                    day=date.fromisoformat(item["day"]),
                    value=item["value"],
                    source_id=item["id"],
                    raw=item,
                )
                self._cursor = max(self._cursor or "", item["day"])
            page = body.get("next")

    def next_cursor(self) -> str | None:
        return self._cursor

    async def test_connection(
        self, session: aiohttp.ClientSession, config: Mapping[str, Any]
    ) -> None:
        async with session.get(f"{config['base_url']}/records", params={"page": 1}) as response:
            response.raise_for_status()


@hookimpl
def jixiao_register_connectors() -> list[type[Connector]]:
    return [PagedConnector]
