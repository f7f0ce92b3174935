"""What every analytics query shares: periods, the scope input, and their decoding."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from schema import ids
from schema.enums import PeriodKind
from server.analytics.periods import Period, period_of
from server.analytics.scope import OrgLevel, Reach, reach

strawberry.enum(
    OrgLevel,
    description="How far an analytic reaches: COMPANY is all the caller may see; a "
    "DIVISION or DEPARTMENT (with its subtree) is named by departmentId.",
)


# GraphQL name AnalyticsPeriodInput: PeriodInput (start, end) is the connectors' older input.
@strawberry.input(
    name="AnalyticsPeriodInput",
    description="A period of plans: its kind and its first day (2026-11-01, 2026-07-01...).",
)
class PeriodInput:
    kind: PeriodKind = PeriodKind.MONTH
    start: date


@strawberry.type(description="A period of plans: every plan of this kind starting on `start`.")
class AnalyticsPeriod:
    kind: PeriodKind
    start: date
    end: date
    label: str

    @classmethod
    def of(cls, period: Period, lang: str) -> AnalyticsPeriod:
        return cls(
            kind=PeriodKind(period.kind),
            start=period.start,
            end=period.end,
            label=period.label(lang),
        )


@strawberry.input(
    description="Which rows an analytic covers: all the caller may see (COMPANY), or one "
    "division or department (its global ID) with its subtree."
)
class AnalyticsScopeInput:
    level: OrgLevel = OrgLevel.COMPANY
    department_id: strawberry.ID | None = None


def decode_period(value: PeriodInput, field: str = "period.start") -> Period:
    return period_of(value.kind, value.start, field)


def decode_periods(values: list[PeriodInput], field: str = "periods") -> list[Period]:
    return [decode_period(v, f"{field}.start") for v in values]


async def decode_scope(info: Info, action: str, scope: AnalyticsScopeInput | None) -> Reach:
    """The caller's ``Reach`` for ``analytics:<action>`` at the scope asked for."""
    if scope is None:
        return await reach(info.context.actor, action)
    department = (
        None
        if scope.department_id is None
        else ids.decode(scope.department_id, "Department", "scope.departmentId")
    )
    return await reach(info.context.actor, action, OrgLevel(scope.level), department)


def analytics_period(info: Info, period: Period) -> AnalyticsPeriod:
    return AnalyticsPeriod.of(period, info.context.lang)


__all__ = [
    "AnalyticsPeriod",
    "AnalyticsScopeInput",
    "OrgLevel",
    "PeriodInput",
    "analytics_period",
    "decode_period",
    "decode_periods",
    "decode_scope",
]


async def prime(loader: DataLoader[Any, Any], keys: Iterable[Any]) -> None:
    """Load ``keys`` through ``loader``'s batch function in one call and prime its cache,
    so that hundreds of rows' nested ``department`` / ``employee`` answer synchronously
    (``schema.org.types.department_ref``): no awaitable per row for graphql-core to gather,
    and no future per key (``load_many``), which together made most of a ranking's time."""
    wanted = [k for k in dict.fromkeys(keys) if k is not None and loader.cache_map.get(k) is None]
    if wanted:
        loader.prime_many(dict(zip(wanted, await loader.load_fn(wanted), strict=True)))
