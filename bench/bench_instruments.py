"""Instruments for the benchmarks: SQL statement counting and authorization timing.

Both patch or hook only for the duration of a ``with`` block and restore on exit; nothing
here changes the application's code on disk.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import casbin  # noqa: TID251 - counts enforce() calls; never app code

import schema.context
from server.authz import Authorizer, CompiledPolicy, Grant
from server.services.auth import AuthService


class SqlCounter(logging.Handler):
    """Counts statements via Tortoise's ``tortoise.db_client`` logger (one DEBUG record each)."""

    logger = logging.getLogger("tortoise.db_client")

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        # Queries log as ("%s: %s", query, values), scripts as the bare SQL; connection
        # open/close messages carry other templates and are not statements.
        if record.msg == "%s: %s" and record.args:
            self.statements.append(str(record.args[0]))  # type: ignore[index]
        elif not record.args:
            self.statements.append(str(record.msg))

    def __enter__(self) -> SqlCounter:
        self._saved = (self.logger.level, self.logger.propagate)
        self.logger.addHandler(self)
        self.logger.setLevel(logging.DEBUG)
        self.logger.propagate = False
        return self

    def __exit__(self, *exc: object) -> None:
        self.logger.removeHandler(self)
        self.logger.setLevel(self._saved[0])
        self.logger.propagate = self._saved[1]


ENTRY_POINTS = ("check", "require", "scope")  # what code outside server/authz.py calls


@dataclass
class AuthzTimer:
    """Accumulates perf_counter time spent in authorization, per kind of work.

    ``timing=True`` times the entry points other modules call (``Authorizer.check``,
    ``require``, ``scope`` and ``Grant.q``; the memoized ``_grant`` and
    ``CompiledPolicy.relations`` run inside them), plus the per-request org-tree load and
    the token -> caller lookup. ``timing=False`` only counts calls, including the nested
    ``_grant``/``relations`` ones, without adding a timer to every nested call.
    """

    timing: bool = True
    decisions: float = 0.0
    setup: float = 0.0
    authn: float = 0.0
    calls: Counter[str] = field(default_factory=Counter)
    _depth: int = 0
    _undo: list[tuple[Any, str, Any]] = field(default_factory=list)

    def _patch(self, owner: Any, name: str, replacement: Any, original: Any) -> None:
        self._undo.append((owner, name, original))
        setattr(owner, name, replacement)

    def _sync(self, owner: Any, name: str) -> None:
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            if self._depth:  # require() -> check() -> scope(): time the outer call only
                return original(*args, **kwargs)
            self._depth = 1
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.decisions += time.perf_counter() - start
                self._depth = 0

        self._patch(owner, name, timed, original)

    def _count(self, owner: Any, name: str) -> None:
        original = getattr(owner, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return original(*args, **kwargs)

        self._patch(owner, name, counted, original)

    def _async(self, owner: Any, name: str, slot: str) -> None:
        original = getattr(owner, name)

        async def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                setattr(self, slot, getattr(self, slot) + time.perf_counter() - start)

        self._patch(owner, name, timed, original)

    def __enter__(self) -> AuthzTimer:
        if not self.timing:
            for name in (*ENTRY_POINTS, "_grant"):
                self._count(Authorizer, name)
            self._count(CompiledPolicy, "relations")
            self._count(casbin.Enforcer, "enforce")  # 0 once the memo is warm
            return self
        for name in ENTRY_POINTS:
            self._sync(Authorizer, name)
        self._sync(Grant, "q")
        # The org tree (one SQL query) for department-scoped callers, and token -> caller.
        self._async(schema.context, "authorizer_for", "setup")
        self._async(AuthService, "caller_from_token", "authn")
        return self

    def __exit__(self, *exc: object) -> None:
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)
        self._undo.clear()


def per_call_us(fn: Callable[[], object], n: int = 20_000) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n * 1e6


def wrapper_overhead_us() -> float:
    """What one timing wrapper adds per call (the reported authz time includes it)."""

    def noop() -> None:
        return None

    holder = type("Holder", (), {"noop": staticmethod(noop)})
    AuthzTimer()._sync(holder, "noop")
    return max(per_call_us(holder.noop, 200_000) - per_call_us(noop, 200_000), 0.0)
