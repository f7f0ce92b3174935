"""Keyset pagination: opaque cursors over a (sort key, id) order, pages capped at 100."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from uuid import UUID

from tortoise.expressions import Q

from server.errors import BadInput

MAX_PAGE = 100
T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    cursors: list[str]
    has_next: bool


def encode_cursor(key: str, row_id: UUID) -> str:
    raw = json.dumps([key, str(row_id)], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key, row_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if "\x00" in str(key):
            raise ValueError("NUL in cursor")
        return str(key), UUID(row_id)
    except (ValueError, TypeError) as exc:
        raise BadInput("bad_cursor", field="after") from exc


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
    except ValueError as exc:
        raise BadInput("bad_cursor", field="after") from exc
    op = "lt" if descending else "gt"
    return Q(**{f"{key_field}__{op}": key}) | Q(**{key_field: key, f"id__{op}": row_id})
