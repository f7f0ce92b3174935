"""Analytics periods: bounds, labels, neighbours and windows."""

from __future__ import annotations

from datetime import date

import pytest

from server.analytics.periods import MAX_PERIODS, Period, period_of, periods_between, previous
from server.errors import BadInput
from server.vocabulary import PeriodKind


def test_period_of_each_kind_and_its_label() -> None:
    cases = [
        (PeriodKind.MONTH, date(2026, 11, 1), date(2026, 11, 30), "2026-11", "2026年11月"),
        (PeriodKind.MONTH, date(2028, 2, 1), date(2028, 2, 29), "2028-02", "2028年2月"),
        (PeriodKind.QUARTER, date(2026, 7, 1), date(2026, 9, 30), "2026 Q3", "2026年第3季度"),
        (PeriodKind.HALF_YEAR, date(2026, 1, 1), date(2026, 6, 30), "2026 H1", "2026年上半年"),
        (PeriodKind.HALF_YEAR, date(2026, 7, 1), date(2026, 12, 31), "2026 H2", "2026年下半年"),
        (PeriodKind.YEAR, date(2026, 1, 1), date(2026, 12, 31), "2026", "2026年"),
    ]
    for kind, start, end, en, zh in cases:
        period = period_of(kind, start)
        assert period == Period(kind, start, end)
        assert (period.label("en"), period.label("zh")) == (en, zh)


@pytest.mark.parametrize(
    ("kind", "start"),
    [
        (PeriodKind.MONTH, date(2026, 11, 2)),
        (PeriodKind.QUARTER, date(2026, 8, 1)),
        (PeriodKind.HALF_YEAR, date(2026, 4, 1)),
        (PeriodKind.YEAR, date(2026, 2, 1)),
    ],
)
def test_a_start_must_start_a_period(kind: PeriodKind, start: date) -> None:
    with pytest.raises(BadInput) as raised:
        period_of(kind, start)
    assert raised.value.key == "period_bounds"


def test_previous_crosses_years() -> None:
    assert previous(period_of("month", date(2026, 1, 1))).start == date(2025, 12, 1)
    assert previous(period_of("quarter", date(2026, 1, 1))).start == date(2025, 10, 1)
    assert previous(period_of("half_year", date(2026, 7, 1))).start == date(2026, 1, 1)
    assert previous(period_of("year", date(2026, 1, 1))).end == date(2025, 12, 31)


def test_periods_between_takes_the_periods_containing_the_dates() -> None:
    found = periods_between(PeriodKind.QUARTER, date(2025, 11, 15), date(2026, 4, 2))
    assert [p.label("en") for p in found] == ["2025 Q4", "2026 Q1", "2026 Q2"]
    one = periods_between(PeriodKind.MONTH, date(2026, 3, 5), date(2026, 3, 6))
    assert [p.start for p in one] == [date(2026, 3, 1)]
    sixty = periods_between(PeriodKind.MONTH, date(2022, 1, 1), date(2026, 12, 31))
    assert len(sixty) == MAX_PERIODS and sixty[-1].start == date(2026, 12, 1)
    with pytest.raises(BadInput) as raised:
        periods_between(PeriodKind.MONTH, date(2021, 12, 1), date(2026, 12, 31))
    assert raised.value.key == "too_many_items"
    with pytest.raises(BadInput) as backwards:
        periods_between(PeriodKind.MONTH, date(2026, 12, 1), date(2026, 11, 30))
    assert backwards.value.key == "dates_order"
