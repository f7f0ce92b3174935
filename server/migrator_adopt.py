"""Adopting a database that ``generate_schemas`` made before Jixiao had migrations.

Such a database has Jixiao's tables but no migration history. Its tables and columns are
compared with the schema after each migration, newest first; the first exact match is
recorded as applied (with everything before it) without running anything, and ``migrate``
then applies the rest. A database from release 44e3236 matches ``0001_initial``; one made
by the defects-round code (60ecc80) matches ``0002_defects_round``.
"""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.migrations.executor import MigrationExecutor
from tortoise.migrations.graph import MigrationKey
from tortoise.migrations.migration import Migration
from tortoise.migrations.schema_generator.state import State
from tortoise.migrations.schema_generator.state_apps import StateApps

Tables = dict[str, frozenset[str]]


async def adopt_legacy_database(executor: MigrationExecutor, client: BaseDBAsyncClient) -> str:
    """Record the migrations an unmigrated, non-empty database already has; return the
    newest one recorded ("" when there was nothing to adopt)."""
    if await executor.recorder.applied_migrations():
        return ""
    tables_now = await database_tables(client)
    if not set(tables_now) - {executor.recorder.table_name}:
        return ""  # an empty database: no need to replay the migrations (about a second)
    states = await schema_after_each_migration(executor)
    known = {table for _key, tables in states for table in tables}
    present = {t: c for t, c in tables_now.items() if t in known}
    if not present:
        return ""  # a fresh database: migrate creates everything
    for index in range(len(states) - 1, -1, -1):
        key, tables = states[index]
        if tables == present:
            # Creating the history table is the recorder's own idempotent DDL.
            await executor.recorder.ensure_schema(executor._schema_editor(atomic=False))
            for earlier, _tables in states[: index + 1]:
                await executor.recorder.record_applied(earlier.app_label, earlier.name)
            return key.name
    from server.migrator import MigrationError  # migrator imports this module

    nearest_key, nearest = min(states, key=lambda s: len(_differences(s[1], present)))
    raise MigrationError(
        "the database has Jixiao tables but no migration history, and its schema matches no "
        f"migration; nearest is {nearest_key.name}, which differs by: "
        + "; ".join(_differences(nearest, present))
        + ". See 'Databases made before migrations' in docs/operations.md."
    )


def _differences(expected: Tables, present: Tables) -> list[str]:
    lines = [f"missing table {t}" for t in sorted(set(expected) - set(present))]
    lines += [f"unexpected table {t}" for t in sorted(set(present) - set(expected))]
    for table in sorted(set(expected) & set(present)):
        lines += [f"missing column {table}.{c}" for c in sorted(expected[table] - present[table])]
        lines += [
            f"unexpected column {table}.{c}" for c in sorted(present[table] - expected[table])
        ]
    return lines


async def schema_after_each_migration(
    executor: MigrationExecutor,
) -> list[tuple[MigrationKey, Tables]]:
    """Replay the migrations in memory (no SQL) and note tables and columns after each."""
    graph = executor.loader.graph
    defaults = {
        label: config.get("default_connection", "default")
        for label, config in executor.loader.apps_config.items()
    }
    state = State(models={}, apps=StateApps(default_connections=defaults))
    seen: set[MigrationKey] = set()
    result: list[tuple[MigrationKey, Tables]] = []
    for leaf in graph.leaf_nodes():
        for key in graph.forwards_plan(leaf):
            if key in seen:
                continue
            seen.add(key)
            migration = graph.nodes[key]
            assert isinstance(migration, Migration)
            await migration.apply(state, dry_run=True, schema_editor=None)
            result.append((key, _state_tables(state)))
    return result


def _state_tables(state: State) -> Tables:
    tables: dict[str, frozenset[str]] = {}
    for app_label, name in state.models:
        meta: Any = state.apps.get_model(app_label, name)._meta
        tables[meta.db_table] = frozenset(meta.fields_db_projection.values())
        for field_name in meta.m2m_fields:
            field = meta.fields_map[field_name]
            if not getattr(field, "_generated", False):
                tables[field.through] = frozenset({field.backward_key, field.forward_key})
    return tables


async def database_tables(client: BaseDBAsyncClient) -> Tables:
    columns: dict[str, set[str]] = {}
    if client.capabilities.dialect == "sqlite":
        _, rows = await client.execute_query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        for row in rows:
            _, info = await client.execute_query(f'PRAGMA table_info("{row["name"]}")')
            columns[row["name"]] = {c["name"] for c in info}
    else:
        _, rows = await client.execute_query(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema()"
        )
        for row in rows:
            columns.setdefault(row["table_name"], set()).add(row["column_name"])
    return {table: frozenset(names) for table, names in columns.items()}
