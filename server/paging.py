"""Keyset pagination: opaque cursors over a (sort key, id) order, pages capped at 100."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

from tortoise.expressions import Q

from server.errors import BadInput

MAX_PAGE = 100
# A cursor we hand out holds a sort key of at most 200 characters and a UUID: well under this.
MAX_CURSOR_LENGTH = 4096
T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    cursors: list[str]
    has_next: bool


def encode_cursor(key: str, row_id: UUID) -> str:
    raw = json.dumps([key, str(row_id)], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _bad(field: str) -> BadInput:
    return BadInput("bad_cursor", field=field)


def decode_cursor(cursor: str, field: str = "after") -> tuple[str, UUID]:
    """The (sort key, row id) of a cursor made by ``encode_cursor``, or BAD_USER_INPUT.

    A cursor comes from the client, so it is checked for exactly the shape we hand out
    (a JSON list of two strings, the second a UUID) rather than trusted to unpack.
    """
    if not cursor or len(cursor) > MAX_CURSOR_LENGTH:
        raise _bad(field)
    try:
        padded = (cursor + "=" * (-len(cursor) % 4)).encode("ascii")
        raw = base64.b64decode(padded, altchars=b"-_", validate=True)
        decoded = json.loads(raw.decode("utf-8"))
    except (UnicodeError, binascii.Error, ValueError, RecursionError) as exc:
        # ValueError covers malformed JSON and integers too long to convert; RecursionError
        # deeply nested lists (the length cap already keeps those short).
        raise _bad(field) from exc
    if not (
        isinstance(decoded, list)
        and len(decoded) == 2
        and isinstance(decoded[0], str)
        and isinstance(decoded[1], str)
        and "\x00" not in decoded[0]
    ):
        raise _bad(field)
    key, raw_id = decoded
    try:
        return key, UUID(raw_id)
    except ValueError as exc:
        raise _bad(field) from exc


def check_first(first: int) -> int:
    if not 0 <= first <= MAX_PAGE:
        raise BadInput("page_size", field="first", max=MAX_PAGE)
    return first


def after_filter(
    key_field: str,
    cursor: str | None,
    *,
    descending: bool = False,
    parse: Callable[[str], Any] = str,
) -> Q | None:
    """Rows strictly after the cursor in (key_field, id) order, or the reverse order."""
    if cursor is None:
        return None
    raw_key, row_id = decode_cursor(cursor)
    try:
        key = parse(raw_key)
    except (ValueError, OverflowError) as exc:
        raise _bad("after") from exc
    if isinstance(key, datetime) and key.utcoffset() is None:
        # We hand out aware timestamps; a naive one cannot be compared with the column.
        raise _bad("after")
    op = "lt" if descending else "gt"
    return Q(**{f"{key_field}__{op}": key}) | Q(**{key_field: key, f"id__{op}": row_id})
