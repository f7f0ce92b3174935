"""Operations of the exact-decimals migration: decimal columns become scaled BIGINTs, and
plan child rows get their plan's ``company_id``.

Written here rather than in the migration so that the migration reads as a list of steps.
The SQL is plain and frozen: later model changes must not change what these steps do.

SQLite cannot change a column's type or nullability in place; tortoise rebuilds the table
(``new__<table>``, copy, drop, rename), and the drop takes the table's indexes with it.
``KeepIndexes`` puts back every index the table had before such a rebuild.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

from tortoise.migrations import operations as ops
from tortoise.migrations.schema_editor.base import BaseSchemaEditor
from tortoise.migrations.schema_generator.state import State

from server.models.fields import from_units, largest, to_units

# The tables given a company_id, each filled from its plan.
PLAN_CHILDREN = ("plan_version", "indicator", "plan_approval", "plan_transition", "plan_comment")
BATCH = 1000


def _sqlite(editor: BaseSchemaEditor | None) -> bool:
    return (
        editor is not None
        and not editor.collect_sql
        and editor.client.capabilities.dialect == "sqlite"
    )


_UNIQUE = re.compile(r'CONSTRAINT "([^"]+)" UNIQUE \(([^)]*)\)')


async def _sqlite_indexes(client: Any, table: str) -> dict[tuple[bool, str], str]:
    """(unique, columns) -> the SQL that makes it: indexes, and UNIQUE table constraints
    (made back as unique indexes of the same name, which SQLite treats the same)."""
    _, rows = await client.execute_query(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL",
        [table],
    )
    made: dict[tuple[bool, str], str] = {}
    for row in rows:
        if row["type"] == "table":
            for name, columns in _UNIQUE.findall(row["sql"]):
                key = (True, columns.replace(" ", ""))
                made[key] = f'CREATE UNIQUE INDEX "{name}" ON "{table}" ({columns})'
    _, indexes = await client.execute_query(f'PRAGMA index_list("{table}")')
    for index in indexes:
        _, info = await client.execute_query(f'PRAGMA index_info("{index["name"]}")')
        key = (bool(index["unique"]), ",".join(f'"{i["name"]}"' for i in info))
        sql = next((r["sql"] for r in rows if r["name"] == index["name"]), None)
        made.setdefault(key, sql or "")
    return made


@asynccontextmanager
async def _indexes_kept(editor: BaseSchemaEditor | None, table: str) -> AsyncIterator[None]:
    if not _sqlite(editor):
        yield
        return
    assert editor is not None
    before = await _sqlite_indexes(editor.client, table)
    yield
    after = await _sqlite_indexes(editor.client, table)
    for key, sql in before.items():
        if key not in after:
            if not sql:  # pragma: no cover - a column's own UNIQUE comes back with the column
                raise RuntimeError(f"{table}: no way to remake the index on {key[1]}")
            await editor.client.execute_query(sql)


def _table(state: State, app_label: str, model_name: str) -> str:
    return str(state.apps.get_model(f"{app_label}.{model_name}")._meta.db_table)


class KeepIndexes:
    """Mixed into a field operation: on SQLite, the table's indexes survive a rebuild."""

    model_name: str

    async def database_forward(
        self,
        app_label: str,
        old_state: State,
        new_state: State,
        state_editor: BaseSchemaEditor | None = None,
    ) -> None:
        async with _indexes_kept(state_editor, _table(old_state, app_label, self.model_name)):
            await super().database_forward(  # type: ignore[misc]
                app_label, old_state, new_state, state_editor
            )

    async def database_backward(
        self,
        app_label: str,
        old_state: State,
        new_state: State,
        state_editor: BaseSchemaEditor | None = None,
    ) -> None:
        async with _indexes_kept(state_editor, _table(old_state, app_label, self.model_name)):
            await super().database_backward(  # type: ignore[misc]
                app_label, old_state, new_state, state_editor
            )


class AddField(KeepIndexes, ops.AddField):
    """Undone by removing the column, which rebuilds the table on SQLite.

    There tortoise's rebuild keeps a foreign key's column (it drops the relation, not its
    ``company_id``), so the table is rebuilt from the model as it was before the field.
    """

    async def database_backward(
        self,
        app_label: str,
        old_state: State,
        new_state: State,
        state_editor: BaseSchemaEditor | None = None,
    ) -> None:
        if not _sqlite(state_editor):
            await super().database_backward(app_label, old_state, new_state, state_editor)
            return
        assert state_editor is not None
        before = new_state.apps.get_model(f"{app_label}.{self.model_name}")
        async with _indexes_kept(state_editor, str(before._meta.db_table)):
            await state_editor._remake_table(before)  # type: ignore[attr-defined]


class AlterField(KeepIndexes, ops.AlterField):
    pass


async def fill_company_ids(_apps: Any, schema_editor: BaseSchemaEditor) -> None:
    for table in PLAN_CHILDREN:
        await schema_editor.client.execute_query(
            f'UPDATE "{table}" SET company_id = (SELECT p.company_id FROM plan p '
            f'WHERE p.id = "{table}".plan_id) WHERE company_id IS NULL'
        )


class ScaleDecimal(ops.AlterField):
    """A ``DecimalField`` column becomes a ``ScaledDecimalField`` (BIGINT of 10^-places
    units), every value converted exactly; undone the same way back.

    A value that does not fit (more places than the field keeps, or beyond the BIGINT
    range) stops the migration with the table, column and count, before anything changes.
    """

    def __init__(self, model_name: str, name: str, field: Any) -> None:
        super().__init__(model_name, name, field)
        self.places: int = field.places

    async def database_forward(
        self,
        app_label: str,
        old_state: State,
        new_state: State,
        state_editor: BaseSchemaEditor | None = None,
    ) -> None:
        if state_editor is None:
            return
        table = _table(old_state, app_label, self.model_name)
        if not _sqlite(state_editor):
            await self._check_postgres(state_editor, table)
            await state_editor._run_sql(
                f'ALTER TABLE "{table}" ALTER COLUMN "{self.name}" TYPE BIGINT '
                f'USING ("{self.name}" * 1{"0" * self.places})::BIGINT'
            )
            return
        # The text column first holds the units as text; the rebuild's copy into the BIGINT
        # column turns that text into integers (SQLite's column affinity).
        await self._rewrite(state_editor, table, self._units_text)
        async with _indexes_kept(state_editor, table):
            await super().database_forward(app_label, old_state, new_state, state_editor)
        await self._check_integers(state_editor, table)

    async def database_backward(
        self,
        app_label: str,
        old_state: State,
        new_state: State,
        state_editor: BaseSchemaEditor | None = None,
    ) -> None:
        if state_editor is None:
            return
        table = _table(old_state, app_label, self.model_name)
        if not _sqlite(state_editor):
            old_type = new_state.apps.get_model(f"{app_label}.{self.model_name}")._meta
            sql_type = old_type.fields_map[self.name].get_for_dialect("postgres", "SQL_TYPE")
            await state_editor._run_sql(
                f'ALTER TABLE "{table}" ALTER COLUMN "{self.name}" TYPE {sql_type} '
                f'USING ("{self.name}" * {Decimal(1).scaleb(-self.places):f})'
            )
            return
        async with _indexes_kept(state_editor, table):
            await super().database_backward(app_label, old_state, new_state, state_editor)
        await self._rewrite(state_editor, table, self._decimal_text)

    def _units_text(self, value: Any) -> str:
        return str(to_units(Decimal(str(value)), self.places, self.name))

    def _decimal_text(self, value: Any) -> str:
        return f"{from_units(int(value), self.places):f}"

    async def _rewrite(self, editor: BaseSchemaEditor, table: str, convert: Any) -> None:
        client = editor.client
        _, rows = await client.execute_query(
            f'SELECT rowid AS r, "{self.name}" AS v FROM "{table}" WHERE "{self.name}" IS NOT NULL'
        )
        updates, refused = [], []
        for row in rows:
            try:
                updates.append([convert(row["v"]), row["r"]])
            except (ValueError, ArithmeticError) as exc:
                refused.append(str(exc))
        if refused:
            raise RuntimeError(
                f"{table}.{self.name}: {len(refused)} value(s) cannot be stored exactly as "
                f"{self.places}-place decimals (e.g. {refused[0]}); correct them and migrate again"
            )
        update = f'UPDATE "{table}" SET "{self.name}" = ? WHERE rowid = ?'
        for start in range(0, len(updates), BATCH):
            await client.execute_many(update, updates[start : start + BATCH])

    async def _check_postgres(self, editor: BaseSchemaEditor, table: str) -> None:
        _, rows = await editor.client.execute_query(
            f'SELECT count(*) AS n, min("{self.name}") AS example FROM "{table}" '
            f'WHERE abs("{self.name}") > {largest(self.places)} '
            f'OR "{self.name}" <> round("{self.name}", {self.places})'
        )
        if rows[0]["n"]:
            raise RuntimeError(
                f"{table}.{self.name}: {rows[0]['n']} value(s) cannot be stored exactly as "
                f"{self.places}-place decimals within ±{largest(self.places)} (e.g. "
                f"{rows[0]['example']}); correct them and migrate again"
            )

    async def _check_integers(self, editor: BaseSchemaEditor, table: str) -> None:
        _, rows = await editor.client.execute_query(
            f'SELECT count(*) AS n FROM "{table}" WHERE typeof("{self.name}") '
            "NOT IN ('integer', 'null')"
        )
        if rows[0]["n"]:  # pragma: no cover - the rewrite above leaves only integer text
            raise RuntimeError(f"{table}.{self.name}: {rows[0]['n']} value(s) not converted")
