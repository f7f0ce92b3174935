"""Fast bulk inserts for ``_analytics_data``: plain tuples through ``executemany``.

``bulk_create`` builds a model object per row; at 1.4 million rows (10,000 people × 12
months × assignment, 8 actuals, 2 evaluations, 1 fact) that alone took minutes. Here the
rows are tuples already in the form the columns store (the score pipeline's conventions in
``server.scoring.sql``: ids as text on SQLite, times as the ORM's text, JSON as text, scaled
decimals as BIGINT units), sent as one ``executemany`` per table and chunk on SQLite and as
one ``COPY`` (asyncpg's ``copy_records_to_table``) on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from server.models.fields import to_units
from server.scoring import sql

COLUMNS: dict[str, tuple[str, ...]] = {  # what each table gets; the others keep NULL
    table: tuple(names.split())
    for table, names in (
        (
            "assignment",
            "id company_id plan_id employee_id department_id manager_id indicators revision "
            "assigned_by created_at updated_at",
        ),
        (
            "actual",
            "id company_id assignment_id plan_id employee_id department_id manager_id "
            "indicator_key value source facts set_by note reason revision set_at",
        ),
        (
            "evaluation",
            "id company_id assignment_id plan_id employee_id department_id manager_id kind "
            "state items overall_comment overall_rating author_id submitted_at updated_at",
        ),
        (
            "metric_fact",
            "id company_id employee_id metric period_start period_end value source source_id "
            "updated_at",
        ),
    )
}


class Writer:
    """Collects rows per table and writes them in chunks of ``chunk`` rows."""

    def __init__(self, chunk: int = 5000) -> None:
        self.db = sql.client()
        self.dialect = sql.dialect(self.db)
        self.chunk = chunk
        self.pending: dict[str, list[Sequence[Any]]] = {t: [] for t in COLUMNS}
        self.written: dict[str, int] = dict.fromkeys(COLUMNS, 0)
        self._sql = {table: self._insert(table, cols) for table, cols in COLUMNS.items()}

    def _insert(self, table: str, columns: tuple[str, ...]) -> str:
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        return sql.numbered(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', self.dialect)

    # conversions to the stored form, per backend
    def id(self, value: UUID | None) -> Any:
        return sql.uuid_param(value, self.dialect)

    def time(self, value: datetime) -> Any:
        return sql.time_param(value, self.dialect)

    def day(self, value: date) -> Any:
        return value if self.dialect == "postgres" else value.isoformat()

    @staticmethod
    def units(value: Decimal) -> int:
        return to_units(value, 6, "value")

    @staticmethod
    def json(value: Any) -> str:
        return sql.dumps(value)

    async def add(self, table: str, row: Sequence[Any]) -> None:
        rows = self.pending[table]
        rows.append(row)
        if len(rows) >= self.chunk:
            await self.flush()  # every table, parents (assignments) first

    async def flush(self) -> None:
        for name, rows in self.pending.items():
            if not rows:
                continue
            if self.dialect == "postgres":  # COPY: several times executemany's rate
                async with self.db.acquire_connection() as connection:
                    await connection.copy_records_to_table(
                        name, records=rows, columns=COLUMNS[name]
                    )
            else:
                await self.db.execute_many(self._sql[name], [list(r) for r in rows])
            self.written[name] += len(rows)
            rows.clear()
