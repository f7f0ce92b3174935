"""The charts of the analytics workbooks (openpyxl.chart), drawn from a sheet's own cells.

Each helper takes the data sheet and the cell ranges its rows occupy, so a person who edits
a number sees the chart follow. Where a chart needs a reference line (a guideline's target
share, a control limit, the company's mean) the line is a column of the data sheet too.
"""

from __future__ import annotations

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.data_source import NumDataSource, NumRef
from openpyxl.chart.error_bar import ErrorBars
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

WIDTH, HEIGHT = 18.0, 9.0  # centimetres: readable beside the table


def _reference(sheet: Worksheet, column: int, first: int, last: int) -> Reference:
    return Reference(sheet, min_col=column, min_row=first, max_row=last)


def _size(chart: BarChart | LineChart, title: str, y_title: str) -> None:
    chart.title = title
    chart.y_axis.title = y_title
    chart.width, chart.height = WIDTH, HEIGHT  # type: ignore[assignment]
    # openpyxl hides axes by default since 3.1; a chart without axis labels says little.
    chart.x_axis.delete = False
    chart.y_axis.delete = False


def bars_with_line(
    sheet: Worksheet,
    *,
    title: str,
    y_title: str,
    categories: int,
    bars: list[int],
    lines: list[int],
    rows: tuple[int, int],
    anchor: str,
) -> BarChart:
    """Clustered bars of ``bars`` columns with ``lines`` drawn over them (a guideline, the
    company mean), one category per row; the header row (``rows[0] - 1``) names the series."""
    first, last = rows
    chart = BarChart()
    chart.type = "col"
    _size(chart, title, y_title)
    for column in bars:
        chart.add_data(_reference(sheet, column, first - 1, last), titles_from_data=True)
    chart.set_categories(_reference(sheet, categories, first, last))
    if lines:
        overlay = LineChart()
        for column in lines:
            overlay.add_data(_reference(sheet, column, first - 1, last), titles_from_data=True)
        chart += overlay
    sheet.add_chart(chart, anchor)
    return chart


def bars_with_error(
    sheet: Worksheet,
    *,
    title: str,
    y_title: str,
    categories: int,
    value: int,
    plus: int,
    minus: int,
    rows: tuple[int, int],
    anchor: str,
) -> BarChart:
    """Bars of ``value`` with custom error bars from the ``plus`` / ``minus`` columns (the
    distances to an interval's ends): a team's 95 % interval around its average."""
    first, last = rows
    chart = BarChart()
    chart.type = "col"
    _size(chart, title, y_title)
    chart.add_data(_reference(sheet, value, first - 1, last), titles_from_data=True)
    chart.set_categories(_reference(sheet, categories, first, last))

    def source(column: int) -> NumDataSource:
        letter = get_column_letter(column)
        return NumDataSource(numRef=NumRef(f=f"'{sheet.title}'!${letter}${first}:${letter}${last}"))

    chart.series[0].errBars = ErrorBars(
        errDir="y", errBarType="both", errValType="cust", plus=source(plus), minus=source(minus)
    )
    sheet.add_chart(chart, anchor)
    return chart


def lines(
    sheet: Worksheet,
    *,
    title: str,
    y_title: str,
    categories: int,
    columns: list[int],
    rows: tuple[int, int],
    anchor: str,
) -> LineChart:
    """One line per column over the rows (a trend with its mean and control limits)."""
    first, last = rows
    chart = LineChart()
    _size(chart, title, y_title)
    for column in columns:
        chart.add_data(_reference(sheet, column, first - 1, last), titles_from_data=True)
    chart.set_categories(_reference(sheet, categories, first, last))
    sheet.add_chart(chart, anchor)
    return chart


def colour_scale(sheet: Worksheet, cells: str) -> None:
    """Red for -1, white for 0, blue for +1: a correlation matrix read at a glance."""
    sheet.conditional_formatting.add(
        cells,
        ColorScaleRule(
            start_type="num",
            start_value=-1,
            start_color="F8696B",
            mid_type="num",
            mid_value=0,
            mid_color="FFFFFF",
            end_type="num",
            end_value=1,
            end_color="5A8AC6",
        ),
    )
