"""Helpers for the migration tests: fresh databases, schema snapshots, a raw row copier."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import asyncpg
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.context import TortoiseContext

from server.db import connect, using

POSTGRES_URL = os.environ.get("JIXIAO_TEST_POSTGRES_URL")


class FreshDatabases:
    """Empty databases of the test's backend, dropped (PostgreSQL) at the end."""

    def __init__(self, backend: str, folder: Path) -> None:
        self.backend = backend
        self.folder = folder
        self.created: list[str] = []
        self.contexts: list[TortoiseContext] = []

    async def url(self) -> str:
        name = f"jixiao_mig_{uuid.uuid4().hex[:12]}"
        if self.backend == "sqlite":
            return f"sqlite://{self.folder / f'{name}.sqlite3'}"
        assert POSTGRES_URL is not None
        admin = await asyncpg.connect(POSTGRES_URL)
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        self.created.append(name)
        return urlunparse(urlparse(POSTGRES_URL)._replace(path=f"/{name}"))

    async def connect(self, url: str) -> TortoiseContext:
        # The backend's own connection name: models are bound to one name per process.
        ctx = await connect(url, connection_name=self.backend)
        self.contexts.append(ctx)
        return ctx

    async def close(self) -> None:
        for ctx in self.contexts:
            await ctx.close_connections()
        if self.created:
            assert POSTGRES_URL is not None
            admin = await asyncpg.connect(POSTGRES_URL)
            try:
                for name in self.created:
                    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await admin.close()


@asynccontextmanager
async def current(ctx: TortoiseContext) -> AsyncIterator[BaseDBAsyncClient]:
    with using(ctx):
        yield ctx.db()


async def describe_schema(client: BaseDBAsyncClient) -> dict[str, Any]:
    """Tables with their columns (type, nullability), foreign keys and indexes, by content:
    a unique constraint and a unique index over the same columns count as the same."""
    schema: dict[str, Any] = {}
    if client.capabilities.dialect == "sqlite":
        _, tables = await client.execute_query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'tortoise_migrations'"
        )
        for (table,) in tables:
            _, cols = await client.execute_query(f'PRAGMA table_info("{table}")')
            _, fks = await client.execute_query(f'PRAGMA foreign_key_list("{table}")')
            _, idx = await client.execute_query(f'PRAGMA index_list("{table}")')
            indexes = set()
            for index in idx:
                _, info = await client.execute_query(f'PRAGMA index_info("{index["name"]}")')
                named = "" if index["origin"] != "c" or index["unique"] else index["name"]
                indexes.add((bool(index["unique"]), tuple(i["name"] for i in info), named))
            schema[table] = {
                "columns": {(c["name"], c["type"], bool(c["notnull"]), c["pk"]) for c in cols},
                "fks": {(f["table"], f["from"], f["to"], f["on_delete"]) for f in fks},
                "indexes": indexes,
            }
        return schema
    _, cols = await client.execute_query(
        "SELECT table_name, column_name, data_type, is_nullable, character_maximum_length, "
        "numeric_precision, numeric_scale FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name != 'tortoise_migrations'"
    )
    for c in cols:
        entry = schema.setdefault(c[0], {"columns": set(), "fks": set(), "indexes": set()})
        entry["columns"].add(tuple(c[1:]))
    _, idx = await client.execute_query(
        "SELECT t.relname, i.relname, ix.indisunique, ix.indisprimary, "
        "array_agg(a.attname ORDER BY k.n) FROM pg_index ix "
        "JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid "
        "JOIN pg_namespace ns ON ns.oid = t.relnamespace "
        "CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n) "
        "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
        "WHERE ns.nspname = current_schema() AND t.relname != 'tortoise_migrations' "
        "GROUP BY 1, 2, 3, 4"
    )
    for table, name, unique, primary, columns in idx:
        named = "" if unique or primary else name
        schema[table]["indexes"].add((unique, tuple(columns), named))
    for table, column, target, on_delete in await _pg_foreign_keys(client):
        schema[table]["fks"].add((target, column, on_delete))
    return schema


async def _pg_foreign_keys(client: BaseDBAsyncClient) -> list[tuple[str, str, str, str]]:
    _, rows = await client.execute_query(
        "SELECT tc.table_name, kcu.column_name, ccu.table_name, rc.delete_rule "
        "FROM information_schema.table_constraints tc "
        "JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = "
        "tc.constraint_name AND kcu.table_schema = tc.table_schema "
        "JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = "
        "tc.constraint_name AND ccu.table_schema = tc.table_schema "
        "JOIN information_schema.referential_constraints rc ON rc.constraint_name = "
        "tc.constraint_name AND rc.constraint_schema = tc.table_schema "
        "WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()"
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows]


async def foreign_keys(client: BaseDBAsyncClient) -> dict[str, dict[str, str]]:
    """table -> {column -> the table it refers to}."""
    refs: dict[str, dict[str, str]] = {}
    if client.capabilities.dialect == "postgres":
        for table, column, target, _ in await _pg_foreign_keys(client):
            refs.setdefault(table, {})[column] = target
        return refs
    _, tables = await client.execute_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    for (table,) in tables:
        _, fks = await client.execute_query(f'PRAGMA foreign_key_list("{table}")')
        for f in fks:
            refs.setdefault(table, {})[f["from"]] = f["table"]
    return refs


def _mark(client: BaseDBAsyncClient, n: int) -> str:
    return f"${n}" if client.capabilities.dialect == "postgres" else "?"


def marks(client: BaseDBAsyncClient, n: int) -> str:
    """``n`` parameter placeholders in the client's dialect."""
    return ", ".join(_mark(client, i) for i in range(1, n + 1))


def db_key(client: BaseDBAsyncClient, value: uuid.UUID) -> Any:
    """A UUID as the client binds it (SQLite stores text)."""
    return value if client.capabilities.dialect == "postgres" else str(value)


async def insert_company(client: BaseDBAsyncClient, name: str) -> uuid.UUID:
    """A bare company row, written in SQL (the models may be ahead of the schema)."""
    company = uuid.uuid4()
    await client.execute_query(
        "INSERT INTO company (id, slug, name, name_zh, timezone, created_at) "
        f"VALUES ({marks(client, 4)}, 'Asia/Shanghai', CURRENT_TIMESTAMP)",
        [db_key(client, company), f"c{company.hex[:8]}", name, ""],
    )
    return company


async def copy_rows(
    source: BaseDBAsyncClient,
    target: BaseDBAsyncClient,
    tables: dict[str, frozenset[str]],
    references: dict[str, dict[str, str]],
    convert: dict[tuple[str, str], Callable[[Any], Any]] | None = None,
) -> None:
    """Copy ``tables`` (only the given columns) from one database to another of the same
    kind, parents before children; a table referring to itself gets its rows in passes.
    ``convert`` maps (table, column) to how a value is written in the target's form."""
    convert = convert or {}
    done: set[str] = set()
    while len(done) < len(tables):
        ready = [
            t
            for t in sorted(tables)
            if t not in done and set(references.get(t, {}).values()) - {t} <= done
        ]
        assert ready, f"circular references among {set(tables) - done}"
        for table in ready:
            columns = sorted(tables[table])
            quoted = ", ".join(f'"{c}"' for c in columns)
            _, rows = await source.execute_query(f'SELECT {quoted} FROM "{table}"')
            pending = [dict(zip(columns, tuple(row), strict=True)) for row in rows]
            for column in columns:
                if (table, column) in convert:
                    for r in pending:
                        r[column] = convert[(table, column)](r[column])
            selfref = [c for c, t in references.get(table, {}).items() if t == table]
            inserted: set[Any] = set()
            marks = ", ".join(_mark(target, i + 1) for i in range(len(columns)))
            insert = f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})'
            while pending:
                batch = [r for r in pending if all(r[c] in (None, *inserted) for c in selfref)]
                assert batch, f"unresolvable self-references in {table}"
                for row in batch:
                    await target.execute_query(insert, [row[c] for c in columns])
                    inserted.add(row.get("id"))
                pending = [r for r in pending if r not in batch]
            done.add(table)


async def rows_by_key(client: BaseDBAsyncClient, table: str, key: tuple[str, ...]) -> set[str]:
    quoted = ", ".join(f'"{c}"' for c in key)
    _, rows = await client.execute_query(f'SELECT {quoted} FROM "{table}"')
    return {"|".join(str(v) for v in tuple(row)) for row in rows}
