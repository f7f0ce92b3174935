"""The sign-in throttle: recent failures per sign-in name, in bounded memory."""

from __future__ import annotations

import hashlib
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Iterator

# A key longer than this (in UTF-8 bytes) is stored as its SHA-256 digest instead.
KEY_MAX_BYTES = 128


def throttle_key(username: str) -> str:
    """The name failures are counted under: one per person however it is typed, bounded.

    NFKC and case folding make ``ＡＤＭＩＮ@demo`` and ``Admin@demo`` count against
    ``admin@demo``; a long name costs a fixed 71 characters, not its own length.
    """
    folded = unicodedata.normalize(
        "NFKC", unicodedata.normalize("NFKC", username.strip()).casefold()
    )
    raw = folded.encode("utf-8", "surrogatepass")
    if len(raw) <= KEY_MAX_BYTES:
        return folded
    return "sha256:" + hashlib.sha256(raw).hexdigest()


class LoginThrottle:
    """Counts recent failures per sign-in name; past the limit, sign-in waits out the window.

    Memory is bounded by ``max_names`` entries of bounded size. When the table is full, the
    least recently failed name *below* the limit makes room; a name at the limit (locked
    out) is never dropped before its window ends, so a flood of junk names cannot unlock a
    targeted account. When every entry is a lockout, a name with no entry is refused too:
    its failures could not be counted, and uncounted guesses are what the throttle prevents.

    Kept in process memory: one server process is the supported deployment today; with
    several, each counts separately (documented in docs/operations.md).
    """

    def __init__(self, max_failures: int, window_seconds: int, max_names: int = 10_000) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self.max_names = max(1, max_names)
        # Failure times per key, oldest first. Each dict is ordered by the latest failure,
        # least recent first, so expired entries gather at the front.
        self._counting: OrderedDict[str, list[float]] = OrderedDict()  # below the limit
        self._locked: OrderedDict[str, list[float]] = OrderedDict()  # at the limit

    def __len__(self) -> int:
        return len(self._counting) + len(self._locked)

    def __iter__(self) -> Iterator[str]:
        """The keys held (see ``throttle_key``)."""
        return iter([*self._counting, *self._locked])

    def _recent(self, key: str, now: float) -> list[float] | None:
        """The key's failures still inside the window (older ones are dropped)."""
        failures = self._counting.get(key)
        if failures is None:
            failures = self._locked.get(key)
        if failures is None:
            return None
        while failures and now - failures[0] > self.window:
            failures.pop(0)
        if not failures:
            self._forget(key)
            return None
        if len(failures) < self.max_failures and key in self._locked:
            self._counting[key] = self._locked.pop(key)  # the lockout is over
        return failures

    def _forget(self, key: str) -> None:
        self._counting.pop(key, None)
        self._locked.pop(key, None)

    def _make_room(self, now: float) -> bool:
        """Free an entry if the table is full; False when only lockouts are left."""
        for table in (self._locked, self._counting):
            while table and now - _front(table)[-1] > self.window:
                table.popitem(last=False)  # even its newest failure has left the window
        if len(self) < self.max_names:
            return True
        if self._counting:
            self._counting.popitem(last=False)
            return True
        return False

    def _full_wait(self, now: float) -> int:
        """How long a name without an entry waits while lockouts fill the table.

        Until the first of them leaves the window entirely; that frees an entry. (A lockout
        that has ended but still has failures in the window keeps its entry: conservative.)
        """
        return max(1, int(self.window - (now - _front(self._locked)[-1])) + 1)

    def retry_after(self, username: str, now: float | None = None) -> int:
        """Seconds until the next attempt is allowed; 0 when it is allowed now."""
        now = time.monotonic() if now is None else now
        key = throttle_key(username)
        failures = self._recent(key, now)
        if failures is None:
            return 0 if self._make_room(now) else self._full_wait(now)
        if len(failures) < self.max_failures:
            return 0
        return max(1, int(self.window - (now - failures[0])) + 1)

    def failed(self, username: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        key = throttle_key(username)
        failures = self._recent(key, now)
        if failures is None:
            if not self._make_room(now):
                return  # retry_after refuses such names while the table is full of lockouts
            failures = []
        self._forget(key)
        failures.append(now)
        del failures[: -self.max_failures]
        table = self._locked if len(failures) >= self.max_failures else self._counting
        table[key] = failures  # (re)inserted last: the most recent failure

    def succeeded(self, username: str) -> None:
        self._forget(throttle_key(username))


def _front(table: OrderedDict[str, list[float]]) -> list[float]:
    return table[next(iter(table))]
