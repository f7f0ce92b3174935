"""Analytics periods: a period kind and its first day, as plans carry them.

A period selects every plan of the tenant with that ``period_kind`` and ``period_start``
whose state is in ``PUBLISHED_STATES`` (results exist or are on their way). The bounds are
the plans' own (server/plans/validation.period_bounds), so a period here and a plan's
period never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from server.errors import BadInput
from server.plans.validation import period_bounds
from server.vocabulary import PeriodKind

MAX_PERIODS = 60  # five years of months: a chart, not a data dump
_MONTHS = {
    PeriodKind.MONTH: 1,
    PeriodKind.QUARTER: 3,
    PeriodKind.HALF_YEAR: 6,
    PeriodKind.YEAR: 12,
}


@dataclass(frozen=True, order=True)
class Period:
    kind: PeriodKind
    start: date
    end: date

    def label(self, lang: str) -> str:
        """``2026-11``, ``2026 Q3``, ``2026 H1``, ``2026`` (Chinese: 2026年11月 ...)."""
        year, month = self.start.year, self.start.month
        zh = lang.lower().startswith("zh")
        kind = PeriodKind(self.kind)
        if kind == PeriodKind.MONTH:
            return f"{year}年{month}月" if zh else f"{year}-{month:02d}"
        if kind == PeriodKind.QUARTER:
            quarter = (month - 1) // 3 + 1
            return f"{year}年第{quarter}季度" if zh else f"{year} Q{quarter}"
        if kind == PeriodKind.HALF_YEAR:
            if zh:
                return f"{year}年{'上' if month == 1 else '下'}半年"
            return f"{year} H{1 if month == 1 else 2}"
        return f"{year}年" if zh else str(year)


def period_of(kind: PeriodKind | str, start: date, field: str = "period.start") -> Period:
    """The period of ``kind`` starting on ``start``; BAD_USER_INPUT (PERIOD_BOUNDS) when
    ``start`` is not the first day of such a period."""
    kind = PeriodKind(kind)
    first, last = period_bounds(kind.value, start)
    if first != start:
        raise BadInput(
            "period_bounds",
            field=field,
            kind=kind.value.replace("_", "-"),
            expected_start=first.isoformat(),
            expected_end=last.isoformat(),
        )
    return Period(kind, first, last)


def _shift(period: Period, steps: int) -> Period:
    months = _MONTHS[PeriodKind(period.kind)] * steps
    index = period.start.year * 12 + period.start.month - 1 + months
    first = date(index // 12, index % 12 + 1, 1)
    return period_of(period.kind, first)


def previous(period: Period) -> Period:
    """The period of the same kind just before ``period``."""
    return _shift(period, -1)


def following(period: Period) -> Period:
    """The period of the same kind just after ``period``."""
    return _shift(period, 1)


def periods_between(
    kind: PeriodKind | str, first: date, last: date, field: str = "from"
) -> list[Period]:
    """Every period of ``kind`` from the one containing ``first`` to the one containing
    ``last``, oldest first; BAD_USER_INPUT when ``last`` is before ``first`` (DATES_ORDER)
    or more than ``MAX_PERIODS`` would come out (TOO_MANY_ITEMS)."""
    kind = PeriodKind(kind)
    if last < first:
        raise BadInput("dates_order", field="to", other=field)
    start = period_of(kind, period_bounds(kind.value, first)[0])
    end = period_of(kind, period_bounds(kind.value, last)[0])
    months = _MONTHS[kind]
    count = ((end.start.year - start.start.year) * 12 + end.start.month - start.start.month) // (
        months
    ) + 1
    if count > MAX_PERIODS:
        raise BadInput("too_many_items", field=field, max=MAX_PERIODS)
    out = [start]
    while len(out) < count:
        out.append(following(out[-1]))
    return out
