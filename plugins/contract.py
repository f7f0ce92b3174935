"""What a connector is: its declared config and metrics, and the records it yields.

A connector knows HTTP (aiohttp) and its source system, nothing of the database. The sync
engine in server/ hands it a configured ``aiohttp.ClientSession`` (timeouts, connection
limits and retries are set there, in one place), the tenant's config with secrets already
decrypted, an incremental cursor and the period to collect; it yields ``Record``s.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Literal

import aiohttp

ConnectorKind = Literal["attendance", "sales", "production", "erp", "other"]
FieldType = Literal["string", "integer", "number", "boolean", "url", "object", "array"]
Aggregation = Literal["sum", "avg", "last", "min", "max"]


@dataclass(frozen=True)
class ConfigField:
    """One setting of a connector, as shown to the tenant admin."""

    name: str
    type: FieldType = "string"
    required: bool = False
    secret: bool = False  # write-only: stored encrypted, never returned by the API
    default: Any = None
    description: str = ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class MetricSpec:
    """A metric a connector provides, e.g. ``sales.revenue``.

    ``aggregation`` says how daily facts combine into a longer period (a month's revenue
    is the sum of its days; an attendance rate is their average).
    """

    key: str
    name: str
    unit: str = ""
    aggregation: Aggregation = "sum"
    description: str = ""


@dataclass(frozen=True)
class Period:
    """The span a sync collects: inclusive dates, e.g. a month."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period ends on or after its start")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


@dataclass(frozen=True)
class Record:
    """One value from the source system.

    ``employee_key`` is matched to an employee by the sync engine (employee number or
    e-mail, per the tenant's config). ``day`` is the day the value belongs to;
    ``period_end`` is set when the value covers several days (e.g. a monthly total from
    ``day`` to ``period_end``). ``source_id`` identifies the record in the source, so a
    re-run updates instead of duplicating. ``value`` may be a string when the source
    sends one: the engine validates it and quarantines what is not a number.
    """

    employee_key: str
    metric: str
    day: date
    value: Decimal | int | float | str
    source_id: str
    period_end: date | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)


class ConnectorError(Exception):
    """The source refused or answered something unusable; the message is shown to admins."""


class Connector:
    """Base class of every connector plugin. Subclasses set the class attributes."""

    name: ClassVar[str]  # unique, e.g. "wecom_checkin"
    title: ClassVar[str]  # for people, e.g. "WeCom check-in (企业微信打卡)"
    version: ClassVar[str] = "1.0"
    kind: ClassVar[ConnectorKind] = "other"
    metrics: ClassVar[tuple[MetricSpec, ...]] = ()
    config_fields: ClassVar[tuple[ConfigField, ...]] = ()
    # True when fetch() can read an uploaded file passed as config["upload"] (bytes) and
    # config["upload_name"]; the API then offers importing a file for this connector.
    accepts_upload: ClassVar[bool] = False

    def fetch(
        self,
        session: aiohttp.ClientSession,
        config: Mapping[str, Any],
        since: str | None,
        period: Period,
    ) -> AsyncIterator[Record]:
        """Yield the period's records, newer than the ``since`` cursor when given.

        Implementations are async generators; they must stream (page by page), never load
        the whole result set. After the last record the engine asks ``next_cursor``.
        """
        raise NotImplementedError

    def next_cursor(self) -> str | None:
        """The cursor to pass as ``since`` next time (read after ``fetch`` finished)."""
        return None

    async def test_connection(
        self, session: aiohttp.ClientSession, config: Mapping[str, Any]
    ) -> None:
        """Check credentials and reachability; raise ConnectorError with a clear message."""
        return None
