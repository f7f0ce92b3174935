"""Two fixes to tortoise-orm 1.1's migration SQL, applied through the executor Jixiao uses.

1. An index declared on a relation (``Index(fields=["company", "created_at"])``) is written
   with the field's name, ``"company"``, not its column, ``"company_id"``: PostgreSQL refuses
   it and SQLite, reading an unknown quoted name as a string, builds a useless index on a
   constant. Here index fields are resolved to columns first, which also gives the indexes
   the names ``generate_schemas`` gave them, so adopted databases and migrated ones agree.
2. The SQLite editor cuts each script at every ``;``, including one inside the
   ``/* table comment */`` of a model whose docstring has one ("One sign-in; ...").

Remove a fix when tortoise does it itself; tests/server/test_migrations.py compares the
migrated schema with the one ``generate_schemas`` builds and will say.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from tortoise.indexes import Index
from tortoise.migrations.executor import MigrationExecutor
from tortoise.migrations.schema_editor import (
    AsyncpgSchemaEditor,
    BaseSchemaEditor,
    SqliteSchemaEditor,
)
from tortoise.models import Model


def sqlite_statements(sql: str) -> list[str]:
    """Split a script the way SQLite reads it: a ``;`` in a comment or a string does not
    end a statement."""
    statements: list[str] = []
    buffer = ""
    for piece in sql.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \n\t;"):
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip(" \n\t;"):
        statements.append(buffer.strip())
    return statements


class _ColumnIndexes(BaseSchemaEditor):
    def _get_index_sql(
        self,
        model: type[Model],
        field_names: Sequence[str],
        safe: bool = False,
        index_name: str | None = None,
        index_type: str | None = None,
        extra: str | None = None,
    ) -> str:
        columns = self._resolve_fields_to_columns(model, list(field_names))
        return super()._get_index_sql(model, columns, safe, index_name, index_type, extra)

    def _index_name_for_model(self, model: type[Model], index: Index) -> str:
        if index.name:
            return index.name
        index.resolve_expressions(model)
        columns = self._resolve_fields_to_columns(model, list(index.field_names))
        return self._generate_index_name("idx", model, columns)


class _SqliteEditor(_ColumnIndexes, SqliteSchemaEditor):
    async def _run_sql(self, sql: str) -> None:
        if self.atomic_migration and not self.collect_sql:
            for statement in sqlite_statements(sql):
                await self.client.execute_query(statement)
        else:
            await super()._run_sql(sql)


class _PostgresEditor(_ColumnIndexes, AsyncpgSchemaEditor):
    pass


class Executor(MigrationExecutor):
    def _schema_editor(self, atomic: bool = True, collect_sql: bool = False) -> BaseSchemaEditor:
        dialect = self.connection.capabilities.dialect
        if dialect == "sqlite":
            return _SqliteEditor(self.connection, atomic=atomic, collect_sql=collect_sql)
        if dialect == "postgres" and "asyncpg" in type(self.connection).__module__:
            return _PostgresEditor(self.connection, atomic=atomic, collect_sql=collect_sql)
        return super()._schema_editor(atomic=atomic, collect_sql=collect_sql)
