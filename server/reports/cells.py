"""Writing rows to a worksheet so that text stays text.

openpyxl stores any string starting with ``=`` as a formula: a name or an indicator typed as
``=HYPERLINK(...)`` would run in the reader's Excel. Such cells are written as plain strings.
Rows are counted here: asking openpyxl for ``max_row`` scans every cell, once per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet


class Rows:
    """Appends rows to ``sheet`` from its first row on."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.row = 0

    def add(self, values: Sequence[Any]) -> list[Cell]:
        self.row += 1
        cells = []
        for column, value in enumerate(values, start=1):
            cell = self.sheet.cell(row=self.row, column=column, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
            cells.append(cell)
        return cells
