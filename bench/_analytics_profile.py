"""Where an analytic's time goes: the wall time spent awaiting SQL, and an optional cProfile.

``SqlTimer`` wraps the database client's query methods for the duration of a ``with`` block
(and restores them on exit): the awaited time includes the driver's work (aiosqlite's thread,
asyncpg's round trip), so request time minus SQL time is what the server spends in Python
(GraphQL, authorization, statistics, building the answer).
"""

from __future__ import annotations

import time
from typing import Any

from server.scoring import sql

METHODS = (
    "execute_query",
    "execute_query_dict",
    "execute_many",
    "execute_script",
    "execute_insert",
)


class SqlTimer:
    def __init__(self) -> None:
        self.seconds = 0.0
        self.per_statement: dict[str, float] = {}  # statement text -> awaited seconds
        self._depth = 0
        self._undo: list[tuple[type, str, Any]] = []

    def __enter__(self) -> SqlTimer:
        owner = type(sql.client())
        for name in METHODS:
            original = getattr(owner, name, None)
            if original is None:
                continue
            self._undo.append((owner, name, original))
            setattr(owner, name, self._timed(original))
        return self

    def _timed(self, original: Any) -> Any:
        async def timed(*args: Any, **kwargs: Any) -> Any:
            text = str(args[1]) if len(args) > 1 else "?"
            # One method calling another: time the outer call only. The outbox tail polls in
            # the background of the same process: its reads are not the request's.
            if self._depth or '"outbox_' in text:
                return await original(*args, **kwargs)
            self._depth = 1
            start = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                took = time.perf_counter() - start
                self.seconds += took
                self.per_statement[text] = self.per_statement.get(text, 0.0) + took
                self._depth = 0

        return timed

    def __exit__(self, *exc: object) -> None:
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)
        self._undo.clear()
